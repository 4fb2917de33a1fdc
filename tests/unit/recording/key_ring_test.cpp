// The key file: format, errors naming the line, permission checks, active key.
#include <sys/stat.h>

#include "rec_test_support.h"
#include "recording/key_ring.h"

namespace hujiao::recording::test {
namespace {

const std::string kA = "a:" + std::string("AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=");  // bytes 0..31

TEST(KeyRing, ParsesLinesCommentsAndPicksTheLastAsActive) {
  Key b = generateKey("b-2024.1");
  auto r = KeyRing::parse("# recording keys\n\n" + kA + "\n  " + keyFileLine(b) + "  \n", "");
  ASSERT_OK(r);
  EXPECT_EQ(r->keys().size(), 2u);
  EXPECT_EQ(r->active().id, "b-2024.1");
  ASSERT_NE(r->find("a"), nullptr);
  EXPECT_EQ(r->find("a")->bytes[31], 31);
  EXPECT_EQ(r->find("b-2024.1")->bytes, b.bytes);
  EXPECT_EQ(r->find("zzz"), nullptr);
  auto chosen = KeyRing::parse(kA + "\n" + keyFileLine(b), "a");
  ASSERT_OK(chosen);
  EXPECT_EQ(chosen->active().id, "a");
}

TEST(KeyRing, BadFilesAreRefusedNamingTheLine) {
  auto noColon = KeyRing::parse("# x\nabc\n", "", "keys.txt");
  EXPECT_CODE(noColon, "invalid");
  EXPECT_NE(noColon.error().message.find("keys.txt:2"), std::string::npos) << noColon.error().message;
  EXPECT_CODE(KeyRing::parse("a:not base64!\n", ""), "invalid");
  auto shortKey = KeyRing::parse("a:AAECAwQFBgcICQoLDA0ODw==\n", "");  // 16 bytes
  EXPECT_CODE(shortKey, "invalid");
  EXPECT_NE(shortKey.error().message.find("32 bytes, got 16"), std::string::npos) << shortKey.error().message;
  EXPECT_CODE(KeyRing::parse(kA + "\n" + kA + "\n", ""), "invalid");  // duplicate id
  EXPECT_CODE(KeyRing::parse("bad id:" + kA.substr(2) + "\n", ""), "invalid");
  EXPECT_CODE(KeyRing::parse("# only comments\n", ""), "invalid");
  EXPECT_CODE(KeyRing::parse(kA + "\n", "missing"), "invalid");
}

TEST(KeyRing, KeyFilePermissionsAreChecked) {
  TempDir tmp;
  const std::string path = tmp.file("keys");
  writeFile(path, kA + "\n");
  ::chmod(path.c_str(), 0644);
  auto open = KeyRing::loadFile(path, "");
  EXPECT_CODE(open, "insecure_key_file");
  EXPECT_NE(open.error().message.find("0644"), std::string::npos) << open.error().message;
  ::chmod(path.c_str(), 0604);
  EXPECT_CODE(KeyRing::loadFile(path, ""), "insecure_key_file");
  ::chmod(path.c_str(), 0660);  // group-writable
  EXPECT_CODE(KeyRing::loadFile(path, ""), "insecure_key_file");
  ::chmod(path.c_str(), 0600);
  auto ok = KeyRing::loadFile(path, "");
  ASSERT_OK(ok);
  EXPECT_EQ(ok->active().id, "a");
  ::chmod(path.c_str(), 0640);  // group-readable (e.g. a hujiao group) is allowed
  EXPECT_OK(KeyRing::loadFile(path, ""));
  EXPECT_CODE(KeyRing::loadFile(tmp.file("absent"), ""), "not_found");
  EXPECT_CODE(KeyRing::loadFile(tmp.path(), ""), "insecure_key_file");  // a directory
}

}  // namespace
}  // namespace hujiao::recording::test
