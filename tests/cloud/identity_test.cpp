// Who calls a node: bearer tokens checked locally, Basic credentials exchanged once and
// remembered by their hash; every failure is unauthorized.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <ctime>
#include <thread>

#include "asterai/cloud/identity.h"

namespace asterai::cloud {
namespace {

constexpr std::string_view kAliceBasic = "Basic YWxpY2U6a2V5";  // alice:key

struct Fake {
  std::atomic<int> exchanges{0};
  std::atomic<int> checks{0};
  int64_t expires_at = std::time(nullptr) + 300;
  std::atomic<bool> registry_down{false};
  std::atomic<bool> key_revoked{false};

  Identity identity(std::chrono::milliseconds remember = std::chrono::seconds(60)) {
    TokenCheck check = [this](std::string_view token) -> Result<VerifiedToken> {
      ++checks;
      if (token == "tok-alice") return VerifiedToken{"alice", expires_at};
      if (token == "tok-anon") return VerifiedToken{"", expires_at};
      return make_error(ErrorKind::unauthorized, "invalid token: bad signature");
    };
    BasicExchange exchange = [this](std::string_view basic) -> Result<std::string> {
      ++exchanges;
      if (registry_down) return make_error(ErrorKind::network, "the registry did not answer");
      if (basic == kAliceBasic && !key_revoked) return std::string("tok-alice");
      if (basic == "Basic YW5vbjo=") return std::string("tok-anon");
      return make_error(ErrorKind::unauthorized, "the registry refused these credentials");
    };
    return Identity(check, exchange, remember);
  }
};

TEST(CloudIdentity, BearerTokensAreCheckedLocally) {
  Fake fake;
  auto id = fake.identity();
  EXPECT_EQ(id.tenant("Bearer tok-alice").value(), "alice");
  EXPECT_EQ(fake.exchanges.load(), 0);
  for (std::string bad : {"Bearer forged", "Bearer tok-anon", "", "Digest x", "tok-alice"}) {
    auto r = id.tenant(bad);
    ASSERT_FALSE(r) << bad;
    EXPECT_EQ(r.error().kind, ErrorKind::unauthorized) << bad;
  }
}

TEST(CloudIdentity, AVerifiedBearerTokenIsCheckedOnceAndRemembered) {
  Fake fake;
  auto id = fake.identity();
  EXPECT_FALSE(id.remembered("Bearer tok-alice"));
  for (int i = 0; i < 5; ++i) EXPECT_EQ(id.tenant("Bearer tok-alice").value(), "alice");
  EXPECT_EQ(fake.checks.load(), 1);
  EXPECT_EQ(id.remembered("Bearer tok-alice"), "alice");
  // What failed is neither remembered nor answered from memory.
  EXPECT_FALSE(id.tenant("Bearer forged"));
  EXPECT_FALSE(id.remembered("Bearer forged"));
  EXPECT_FALSE(id.tenant("Bearer tok-anon"));
  EXPECT_FALSE(id.remembered("Bearer tok-anon"));
  EXPECT_FALSE(id.remembered(""));
}

TEST(CloudIdentity, AnExpiredBearerTokenIsNotRemembered) {
  Fake fake;
  fake.expires_at = std::time(nullptr) - 1;
  auto id = fake.identity();
  EXPECT_EQ(id.tenant("Bearer tok-alice").value(), "alice");  // the check says when it expires
  EXPECT_FALSE(id.remembered("Bearer tok-alice"));
  EXPECT_EQ(id.tenant("Bearer tok-alice").value(), "alice");
  EXPECT_EQ(fake.checks.load(), 2);
}

TEST(CloudIdentity, BasicCredentialsAreExchangedOnceAndRemembered) {
  Fake fake;
  auto id = fake.identity();
  for (int i = 0; i < 5; ++i) EXPECT_EQ(id.tenant("Basic YWxpY2U6a2V5").value(), "alice");
  EXPECT_EQ(fake.exchanges.load(), 1);
  EXPECT_EQ(id.remembered("Basic YWxpY2U6a2V5"), "alice");
  // Refused credentials are asked again each time (nothing refused is remembered).
  for (int i = 0; i < 2; ++i) {
    auto r = id.tenant("Basic YWxpY2U6d3Jvbmc=");
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().kind, ErrorKind::unauthorized);
  }
  EXPECT_EQ(fake.exchanges.load(), 3);
  EXPECT_FALSE(id.tenant("Basic YW5vbjo="));
}

TEST(CloudIdentity, AnExpiringTokenIsNotRememberedPastItsExpiry) {
  Fake fake;
  fake.expires_at = std::time(nullptr) - 1;  // the exchange gave a token already expired
  auto id = fake.identity();
  EXPECT_EQ(id.tenant("Basic YWxpY2U6a2V5").value(), "alice");
  EXPECT_EQ(id.tenant("Basic YWxpY2U6a2V5").value(), "alice");
  EXPECT_EQ(fake.exchanges.load(), 2);
}

// Near the end of the time a header counts as proved, one request proves it again and the
// others go on: forgetting it at once sent every connection to the registry together.
TEST(CloudIdentity, OneRequestProvesAHeaderAgainBeforeItIsForgotten) {
  Fake fake;
  auto id = fake.identity(std::chrono::milliseconds(3000));  // proved again from 2.5 s on
  const std::string alice(kAliceBasic);
  EXPECT_EQ(id.tenant(alice).value(), "alice");
  std::this_thread::sleep_for(std::chrono::milliseconds(2600));
  int told_to_prove = 0;
  for (int i = 0; i < 20; ++i)
    if (!id.remembered(alice)) ++told_to_prove;
  EXPECT_EQ(told_to_prove, 1);
  EXPECT_EQ(fake.exchanges.load(), 1);
  EXPECT_EQ(id.tenant(alice).value(), "alice");  // that request, on its blocking path
  EXPECT_EQ(fake.exchanges.load(), 2);
  // Proved again: the whole time anew, no one told to prove it.
  std::this_thread::sleep_for(std::chrono::milliseconds(600));  // past the first 3 s
  for (int i = 0; i < 20; ++i) EXPECT_EQ(id.remembered(alice), "alice");
  EXPECT_EQ(fake.exchanges.load(), 2);
}

TEST(CloudIdentity, ARevokedKeyIsForgottenWhenProvedAgainAnUnreachableRegistryIsNot) {
  Fake fake;
  auto id = fake.identity(std::chrono::milliseconds(2400));  // proved again from 2 s on
  const std::string alice(kAliceBasic);
  EXPECT_EQ(id.tenant(alice).value(), "alice");
  std::this_thread::sleep_for(std::chrono::milliseconds(2100));
  fake.registry_down = true;  // the request proving it again still gets its tenant
  EXPECT_EQ(id.tenant(alice).value(), "alice");
  EXPECT_EQ(fake.exchanges.load(), 2);
  fake.registry_down = false;
  fake.key_revoked = true;  // refused now: forgotten, not answered from memory
  auto r = id.tenant(alice);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, ErrorKind::unauthorized);
  EXPECT_FALSE(id.remembered(alice));
}

}  // namespace
}  // namespace asterai::cloud
