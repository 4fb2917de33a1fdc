#include "api/crypto.h"

#include <gtest/gtest.h>

#include <set>

#include "api/auth_service.h"

namespace hujiao::api {
namespace {

// Cheap parameters keep the test fast; the algorithm is the same.
const PasswordParams kFast{1, 1024, 1};

TEST(Password, HashAndVerify) {
  auto h = hashPassword("correct horse", kFast);
  ASSERT_TRUE(h.ok());
  EXPECT_EQ(h->rfind("$argon2id$v=19$m=1024,t=1,p=1$", 0), 0u) << *h;
  EXPECT_TRUE(verifyPassword("correct horse", *h));
  EXPECT_FALSE(verifyPassword("correct horse ", *h));
  EXPECT_FALSE(verifyPassword("", *h));
}

TEST(Password, SaltedSoHashesDiffer) {
  auto a = hashPassword("same", kFast);
  auto b = hashPassword("same", kFast);
  EXPECT_NE(*a, *b);
}

TEST(Password, DefaultParametersAreOwasp) {
  PasswordParams p;
  EXPECT_EQ(p.iterations, 2u);
  EXPECT_EQ(p.memoryKiB, 19u * 1024);
  EXPECT_EQ(p.parallelism, 1u);
  auto h = hashPassword("pw", p);
  ASSERT_TRUE(h.ok());
  EXPECT_NE(h->find("m=19456,t=2,p=1"), std::string::npos);
}

TEST(Password, MalformedHashNeverVerifies) {
  EXPECT_FALSE(verifyPassword("x", ""));
  EXPECT_FALSE(verifyPassword("x", "plaintext"));
  EXPECT_FALSE(verifyPassword("x", "$argon2id$garbage"));
  EXPECT_FALSE(verifyPassword("x", "$argon2i$v=19$m=1024,t=1,p=1$c2FsdHNhbHQ$aGFzaA"));
}

TEST(Token, RandomBase64Url) {
  std::set<std::string> seen;
  for (int i = 0; i < 100; ++i) {
    std::string t = newToken();
    EXPECT_EQ(t.size(), 43u);
    EXPECT_EQ(t.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"),
              std::string::npos);
    seen.insert(t);
  }
  EXPECT_EQ(seen.size(), 100u);
}

TEST(Token, Base64UrlVectors) {  // RFC 4648 test vectors, url alphabet, no padding
  EXPECT_EQ(base64Url(""), "");
  EXPECT_EQ(base64Url("f"), "Zg");
  EXPECT_EQ(base64Url("fo"), "Zm8");
  EXPECT_EQ(base64Url("foo"), "Zm9v");
  EXPECT_EQ(base64Url("foob"), "Zm9vYg");
  EXPECT_EQ(base64Url("\xfb\xff"), "-_8");
}

TEST(Token, Sha256Hex) {
  EXPECT_EQ(sha256Hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(Token, BearerHeaderParsing) {
  EXPECT_EQ(AuthService::bearerToken("Bearer abc"), "abc");
  EXPECT_EQ(AuthService::bearerToken("bearer abc "), "abc");
  EXPECT_EQ(AuthService::bearerToken("Basic abc"), "");
  EXPECT_EQ(AuthService::bearerToken("Bearer "), "");
  EXPECT_EQ(AuthService::bearerToken(""), "");
}

TEST(Password, GeneratedPasswords) {
  auto p = generatePassword(20);
  EXPECT_EQ(p.size(), 20u);
  EXPECT_NE(p, generatePassword(20));
}

}  // namespace
}  // namespace hujiao::api
