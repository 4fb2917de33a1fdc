#include "sip/digest.h"

#include <gtest/gtest.h>

using namespace hujiao::sip;

// RFC 2617 section 3.5 example.
TEST(Digest, Rfc2617Md5Vector) {
  DigestCredentials c;
  c.username = "Mufasa";
  c.realm = "testrealm@host.com";
  c.nonce = "dcd98b7102dd2f0e8b11d0f600bfb0c093";
  c.uri = "/dir/index.html";
  c.qop = "auth";
  c.nc = "00000001";
  c.cnonce = "0a4f113b";
  const auto ha1 = digestHa1(DigestAlgorithm::Md5, "Mufasa", "testrealm@host.com", "Circle Of Life");
  EXPECT_EQ(digestExpectedResponse(DigestAlgorithm::Md5, ha1, "GET", c), "6629fae49393a05397450978507c4ef1");
}

// RFC 7616 section 3.9.1 examples (MD5 and SHA-256).
TEST(Digest, Rfc7616Vectors) {
  DigestCredentials c;
  c.username = "Mufasa";
  c.realm = "http-auth@example.org";
  c.nonce = "7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v";
  c.uri = "/dir/index.html";
  c.qop = "auth";
  c.nc = "00000001";
  c.cnonce = "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ";
  auto md5 = digestHa1(DigestAlgorithm::Md5, "Mufasa", c.realm, "Circle of Life");
  EXPECT_EQ(digestExpectedResponse(DigestAlgorithm::Md5, md5, "GET", c), "8ca523f5e9506fed4657c9700eebdbec");
  auto sha = digestHa1(DigestAlgorithm::Sha256, "Mufasa", c.realm, "Circle of Life");
  EXPECT_EQ(digestExpectedResponse(DigestAlgorithm::Sha256, sha, "GET", c),
            "753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1");
}

TEST(Digest, NoQopResponse) {
  DigestCredentials c;
  c.nonce = "abc";
  c.uri = "sip:x";
  auto ha1 = digestHex(DigestAlgorithm::Md5, "u:r:p");
  auto ha2 = digestHex(DigestAlgorithm::Md5, "REGISTER:sip:x");
  EXPECT_EQ(digestExpectedResponse(DigestAlgorithm::Md5, ha1, "REGISTER", c),
            digestHex(DigestAlgorithm::Md5, ha1 + ":abc:" + ha2));
}

TEST(Digest, ParsesAuthorizationHeader) {
  auto c = parseDigestCredentials(
      R"(Digest username="100", realm="hujiao", nonce="n1", uri="sip:hujiao", response="abc", algorithm=SHA-256, cnonce="x, y", qop=auth, nc=00000001)");
  ASSERT_TRUE(c);
  EXPECT_EQ(c->username, "100");
  EXPECT_EQ(c->cnonce, "x, y");
  EXPECT_EQ(c->qop, "auth");
  EXPECT_EQ(c->algorithm, "SHA-256");
  EXPECT_EQ(*parseDigestAlgorithm(c->algorithm), DigestAlgorithm::Sha256);
}

TEST(Digest, RejectsBadHeaders) {
  EXPECT_FALSE(parseDigestCredentials("Basic dXNlcjpwdw=="));
  EXPECT_FALSE(parseDigestCredentials("Digest"));
  EXPECT_FALSE(parseDigestCredentials(R"(Digest username="100", realm="r", nonce="n)"));
  EXPECT_FALSE(parseDigestCredentials(R"(Digest username="100", realm="r")"));
  EXPECT_FALSE(parseDigestCredentials(std::string("Digest username=\"") + std::string(5000, 'a') + "\""));
  EXPECT_FALSE(parseDigestAlgorithm("SHA-512-256"));
}

TEST(Digest, ChallengeText) {
  auto s = digestChallenge(DigestAlgorithm::Sha256, "hujiao", "n", true);
  EXPECT_EQ(s, R"(Digest realm="hujiao", nonce="n", algorithm=SHA-256, qop="auth", stale=true)");
}

TEST(Nonce, ValidStaleInvalid) {
  NonceManager m(10'000'000, "secret");
  auto n = m.issue(1'000'000);
  EXPECT_EQ(m.check(n, 1'000'000), NonceManager::Check::Valid);
  EXPECT_EQ(m.check(n, 10'999'999), NonceManager::Check::Valid);
  EXPECT_EQ(m.check(n, 11'000'001), NonceManager::Check::Stale);
  std::string forged = n;
  forged[3] = forged[3] == '0' ? '1' : '0';
  EXPECT_EQ(m.check(forged, 1'000'000), NonceManager::Check::Invalid);
  EXPECT_EQ(m.check("garbage", 1'000'000), NonceManager::Check::Invalid);
  NonceManager other(10'000'000, "other");
  EXPECT_EQ(other.check(n, 1'000'000), NonceManager::Check::Invalid);
}
