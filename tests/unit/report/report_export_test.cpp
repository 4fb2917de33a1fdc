// CSV (RFC 4180) and XLSX export of report tables.
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

#include "report/export.h"

namespace hujiao::report {
namespace {

ReportTable sample() {
  ReportTable t;
  t.name = "queues";
  t.columns = {"queue_id", "offered", "service_level", "note"};
  t.rows.push_back({"q1", 10, 0.375, nullptr});
  t.rows.push_back({"sales, north", 0, nullptr, "say \"hi\"\nagain"});
  t.rows.push_back({"客服", 3, 1.0 / 3.0, "plain"});
  return t;
}

/// Runs a shell command and returns its standard output.
std::string run(const std::string &cmd) {
  std::string out;
  FILE *p = popen(cmd.c_str(), "r");
  if (p == nullptr)
    return out;
  char buf[4096];
  size_t n = 0;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0)
    out.append(buf, n);
  pclose(p);
  return out;
}

TEST(ReportExport, CsvQuotesPerRfc4180) {
  EXPECT_EQ(toCsv(sample(), false),
            "queue_id,offered,service_level,note\r\n"
            "q1,10,0.375,\r\n"
            "\"sales, north\",0,,\"say \"\"hi\"\"\nagain\"\r\n"
            "客服,3,0.333333,plain\r\n");
}

TEST(ReportExport, CsvBomForExcel) {
  const std::string csv = toCsv(sample(), true);
  ASSERT_GE(csv.size(), 3u);
  EXPECT_EQ(csv.substr(0, 3), "\xEF\xBB\xBF");
  EXPECT_EQ(csv.substr(3, 8), "queue_id");
}

TEST(ReportExport, XlsxIsAZipWithTheCells) {
  auto bytes = toXlsx(sample());
  ASSERT_TRUE(bytes.ok()) << bytes.error().message;
  ASSERT_GT(bytes->size(), 100u);
  EXPECT_EQ(bytes->substr(0, 2), "PK");
  const auto path = std::filesystem::temp_directory_path() /
                    ("hujiao-xlsx-test-" + std::to_string(getpid()) + ".xlsx");
  {
    std::ofstream out(path, std::ios::binary);
    out << *bytes;
  }
  // Read the parts with Python's zipfile (a real zip reader, not ours).
  auto part = [&](const std::string &name) {
    return run("/usr/bin/python3 -c 'import sys,zipfile; "
               "sys.stdout.write(zipfile.ZipFile(sys.argv[1]).read(sys.argv[2])"
               ".decode())' " +
               path.string() + " " + name);
  };
  const std::string sheet = part("xl/worksheets/sheet1.xml");
  const std::string strings = part("xl/sharedStrings.xml");
  const std::string workbook = part("xl/workbook.xml");
  std::filesystem::remove(path);
  EXPECT_NE(workbook.find("name=\"queues\""), std::string::npos) << workbook;
  // Header and text cells are shared strings; numbers are numeric cells.
  for (const char *s : {"queue_id", "service_level", "sales, north", "客服",
                        "say \"hi\"\nagain"}) {
    EXPECT_NE(strings.find(s), std::string::npos) << s << " in " << strings;
  }
  EXPECT_NE(sheet.find("<c r=\"A1\""), std::string::npos) << sheet;
  EXPECT_NE(sheet.find("<c r=\"B2\"><v>10</v></c>"), std::string::npos)
      << sheet;
  EXPECT_NE(sheet.find("<c r=\"C2\"><v>0.375</v></c>"), std::string::npos)
      << sheet;
  EXPECT_NE(sheet.find("<c r=\"B4\"><v>3</v></c>"), std::string::npos) << sheet;
  // Null cells are left out.
  EXPECT_EQ(sheet.find("r=\"D2\""), std::string::npos) << sheet;
  EXPECT_EQ(sheet.find("r=\"C3\""), std::string::npos) << sheet;
}

} // namespace
} // namespace hujiao::report
