#include "api/static_files.h"

#include <gtest/gtest.h>

#include <fstream>

namespace hujiao::api {
namespace {

namespace fs = std::filesystem;

class StaticFilesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::temp_directory_path() / ("hujiao_static_" + std::to_string(::getpid()));
    fs::create_directories(root_ / "dist" / "assets");
    write(root_ / "dist" / "index.html", "<html>app</html>");
    write(root_ / "dist" / "assets" / "index-3f9a1c2b.js", "console.log(1)");
    write(root_ / "dist" / "favicon.svg", "<svg/>");
    write(root_ / "secret.txt", "secret");
  }
  void TearDown() override { fs::remove_all(root_); }
  static void write(const fs::path& p, const std::string& text) { std::ofstream(p) << text; }
  static std::string header(const HttpResponse& r, const std::string& name) {
    for (const auto& [k, v] : r.headers)
      if (k == name) return v;
    return "";
  }
  fs::path root_;
};

TEST_F(StaticFilesTest, ServesFilesWithTypesAndCacheHeaders) {
  StaticFiles s(root_ / "dist");
  auto index = s.serve("/");
  EXPECT_EQ(index.status, 200);
  EXPECT_EQ(index.body, "<html>app</html>");
  EXPECT_EQ(index.contentType, "text/html; charset=utf-8");
  EXPECT_EQ(header(index, "Cache-Control"), "no-cache");
  auto js = s.serve("/assets/index-3f9a1c2b.js");
  EXPECT_EQ(js.status, 200);
  EXPECT_EQ(js.contentType, "text/javascript; charset=utf-8");
  EXPECT_EQ(header(js, "Cache-Control"), "public, max-age=31536000, immutable");
  EXPECT_EQ(s.serve("/favicon.svg").contentType, "image/svg+xml");
}

TEST_F(StaticFilesTest, SendsThePrecompressedCopyOnlyToGzipClients) {
  write(root_ / "dist" / "assets" / "index-3f9a1c2b.js.gz", "GZIPPED");
  StaticFiles s(root_ / "dist");
  auto gz = s.serve("/assets/index-3f9a1c2b.js", true);
  EXPECT_EQ(gz.body, "GZIPPED");
  EXPECT_EQ(header(gz, "Content-Encoding"), "gzip");
  EXPECT_EQ(gz.contentType, "text/javascript; charset=utf-8");
  EXPECT_EQ(header(gz, "Vary"), "Accept-Encoding");
  auto plain = s.serve("/assets/index-3f9a1c2b.js", false);
  EXPECT_EQ(plain.body, "console.log(1)");
  EXPECT_EQ(header(plain, "Content-Encoding"), "");
  auto noCopy = s.serve("/favicon.svg", true);  // no .gz made for it
  EXPECT_EQ(noCopy.body, "<svg/>");
  EXPECT_EQ(header(noCopy, "Content-Encoding"), "");
}

TEST_F(StaticFilesTest, SpaFallbackButNotForMissingFiles) {
  StaticFiles s(root_ / "dist");
  auto spa = s.serve("/agents/42");
  EXPECT_EQ(spa.status, 200);
  EXPECT_EQ(spa.body, "<html>app</html>");
  EXPECT_EQ(s.serve("/missing.js").status, 404);
}

TEST_F(StaticFilesTest, TraversalRefused) {
  StaticFiles s(root_ / "dist");
  EXPECT_EQ(s.serve("/../secret.txt").status, 400);
  EXPECT_EQ(s.serve("/%2e%2e/secret.txt").status, 400);
  EXPECT_EQ(s.serve("/assets/..%2f..%2fsecret.txt").status, 400);
  EXPECT_EQ(s.serve("/a\\..\\secret.txt").status, 400);
  EXPECT_EQ(s.serve("/%00").status, 400);
  EXPECT_EQ(s.serve("/%zz").status, 400);
  fs::create_symlink(root_ / "secret.txt", root_ / "dist" / "link.txt");
  EXPECT_EQ(s.serve("/link.txt").status, 400);
}

TEST_F(StaticFilesTest, MissingDirectoryExplainsConsoleNotBuilt) {
  StaticFiles s(root_ / "nope");
  auto r = s.serve("/");
  EXPECT_EQ(r.status, 200);
  EXPECT_NE(r.body.find("not built"), std::string::npos);
  EXPECT_EQ(s.serve("/agents").status, 404);
}

TEST(StaticFilesNames, HashedAssetDetection) {
  EXPECT_TRUE(StaticFiles::isHashedAsset("/assets/x.js"));
  EXPECT_TRUE(StaticFiles::isHashedAsset("/index-3f9a1c2b.js"));
  EXPECT_FALSE(StaticFiles::isHashedAsset("/index.html"));
  EXPECT_FALSE(StaticFiles::isHashedAsset("/my-app.js"));
}

}  // namespace
}  // namespace hujiao::api
