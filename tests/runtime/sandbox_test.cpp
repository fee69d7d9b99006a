// Grant parsing and the outgoing-HTTP allow-list matcher.
#include "asterai/runtime/sandbox.h"

#include <gtest/gtest.h>

#include <cstdlib>

#include "asterai/runtime/policy.h"
#include "test_support.h"

namespace asterai::runtime {
namespace {

TEST(AllowHosts, ExactWildcardAndPorts) {
  const std::vector<std::string> p = {"api.example.com", "*.svc.example.org", "127.0.0.1:8080",
                                      "any.example:*", "[::1]:9000"};
  EXPECT_TRUE(host_allowed(p, "https", "api.example.com"));
  EXPECT_TRUE(host_allowed(p, "https", "API.Example.COM:443"));
  EXPECT_TRUE(host_allowed(p, "http", "api.example.com:80"));
  EXPECT_FALSE(host_allowed(p, "https", "api.example.com:8443"));  // not the default port
  EXPECT_FALSE(host_allowed(p, "https", "evil-api.example.com"));
  EXPECT_FALSE(host_allowed(p, "https", "api.example.com.evil.net"));
  EXPECT_TRUE(host_allowed(p, "https", "a.svc.example.org"));
  EXPECT_TRUE(host_allowed(p, "https", "a.b.svc.example.org"));
  EXPECT_FALSE(host_allowed(p, "https", "svc.example.org"));  // the apex is not a subdomain
  EXPECT_FALSE(host_allowed(p, "https", "xsvc.example.org"));
  EXPECT_TRUE(host_allowed(p, "http", "127.0.0.1:8080"));
  EXPECT_FALSE(host_allowed(p, "http", "127.0.0.1:8081"));
  EXPECT_FALSE(host_allowed(p, "http", "127.0.0.1"));
  EXPECT_TRUE(host_allowed(p, "http", "any.example:1234"));
  EXPECT_TRUE(host_allowed(p, "http", "[::1]:9000"));
  EXPECT_FALSE(host_allowed({}, "https", "api.example.com"));
}

// A wildcard names subdomains; an address literal is never one, whatever its digits say.
TEST(AllowHosts, WildcardsNeverMatchIpLiterals) {
  const std::vector<std::string> p = {"*.0.0.1", "*.1", "*.example.com", "*.0.1:*"};
  EXPECT_FALSE(host_allowed(p, "http", "127.0.0.1"));
  EXPECT_FALSE(host_allowed(p, "http", "127.0.0.1:80"));
  EXPECT_FALSE(host_allowed(p, "http", "127.0.0.1.:80"));  // trailing dot
  EXPECT_FALSE(host_allowed(p, "http", "10.0.0.1:9000"));
  EXPECT_FALSE(host_allowed(p, "http", "[::1]"));
  EXPECT_FALSE(host_allowed(p, "http", "[::ffff:127.0.0.1]:80"));
  EXPECT_FALSE(host_allowed({"*.3.4"}, "http", "1.2.3.4"));
  EXPECT_FALSE(host_allowed({"*.0x7f"}, "http", "a.0x7f"));  // hex: read as an address
  EXPECT_TRUE(host_allowed(p, "https", "a.example.com"));
  // Exact addresses still work.
  EXPECT_TRUE(host_allowed({"127.0.0.1"}, "http", "127.0.0.1"));
  EXPECT_TRUE(host_allowed({"[::1]:8080"}, "http", "[::1]:8080"));
}

TEST(AllowHosts, WildcardsOverAddressesAreRejectedWithAReason) {
  for (const char* bad :
       {"*.0.0.1", "*.0.0.1:8080", "*.1", "*.1.", "*.0x7f", "*.[::1]", "*.[::1]:80"}) {
    auto r = validate_host_pattern(bad);
    ASSERT_FALSE(r) << bad;
    EXPECT_EQ(r.error().kind, ErrorKind::usage);
    EXPECT_NE(r.error().message.find("never IP addresses"), std::string::npos) << r.error().message;
    EXPECT_NE(r.error().message.find(bad), std::string::npos) << r.error().message;
  }
  // Digits inside a name are fine; only a numeric last label reads as an address.
  EXPECT_TRUE(validate_host_pattern("*.1password.com"));
  EXPECT_TRUE(validate_host_pattern("*.10.example.net"));
  EXPECT_TRUE(validate_host_pattern("*.0xcafe.example"));
}

TEST(AllowHosts, BadPatternsAreRejected) {
  for (const char* bad :
       {"", "*", "*.", "https://x.com", "x.com/path", "a.*.com", "x.com:http", "**.x.com"}) {
    auto r = validate_host_pattern(bad);
    EXPECT_FALSE(r) << bad;
    if (!r) {
      EXPECT_EQ(r.error().kind, ErrorKind::usage);
    }
  }
  for (const char* good :
       {"x.com", "*.x.com", "x.com:8080", "x.com:*", "127.0.0.1:1", "[::1]:80"}) {
    EXPECT_TRUE(validate_host_pattern(good)) << good;
  }
}

TEST(PublicAddresses, OnlyPublicUnicastPasses) {
  for (const char* open : {"8.8.8.8", "1.1.1.1", "93.184.216.34", "2606:4700::1111",
                           "2a00:1450:4001::200e", "::ffff:8.8.8.8", "64:ff9b::808:808"})
    EXPECT_TRUE(is_public_address(open)) << open;
  for (const char* closed : {"127.0.0.1",
                             "127.1.2.3",
                             "10.0.0.1",
                             "172.16.5.4",
                             "172.31.255.255",
                             "192.168.1.1",
                             "169.254.169.254",
                             "100.64.0.1",
                             "100.127.255.254",
                             "0.0.0.0",
                             "0.1.2.3",
                             "255.255.255.255",
                             "224.0.0.1",
                             "240.0.0.1",
                             "192.0.0.8",
                             "192.0.2.1",
                             "198.18.0.1",
                             "198.51.100.7",
                             "203.0.113.9",
                             "::",
                             "::1",
                             "fe80::1",
                             "fc00::1",
                             "fd12:3456::1",
                             "ff02::1",
                             "2001:db8::1",
                             "::ffff:127.0.0.1",
                             "::ffff:169.254.169.254",
                             "64:ff9b::a00:1",
                             "::127.0.0.1",
                             "2002:7f00:1::1",
                             "100::1",
                             "fec0::1",
                             "not-an-ip",
                             "",
                             "127.0.0.1:80",
                             "[::1]"})
    EXPECT_FALSE(is_public_address(closed)) << closed;
}

TEST(PublicAddresses, AddedNetworksPassUntilCleared) {
  struct Cleared {
    ~Cleared() { clear_private_networks(); }
  } cleared;
  EXPECT_FALSE(is_public_address("10.1.2.3"));
  ASSERT_TRUE(allow_private_network("10.1.0.0/16"));
  ASSERT_TRUE(allow_private_network("fd00::5"));
  EXPECT_TRUE(is_public_address("10.1.2.3"));
  EXPECT_FALSE(is_public_address("10.2.0.1"));
  EXPECT_TRUE(is_public_address("fd00::5"));
  EXPECT_FALSE(is_public_address("fd00::6"));
  for (const char* bad : {"10.0.0.0/33", "fd00::/129", "10.0.0/8", "example.com", "", "10.0.0.0/"})
    EXPECT_FALSE(allow_private_network(bad)) << bad;
  clear_private_networks();
  EXPECT_FALSE(is_public_address("10.1.2.3"));
}

TEST(Grants, EnvAndDirSpecs) {
  auto e = parse_env_grant("MODE=fast=yes");
  ASSERT_TRUE(e);
  EXPECT_EQ(e->first, "MODE");
  EXPECT_EQ(e->second, "fast=yes");
  ::setenv("ASTERAI_TEST_GRANT", "from-host", 1);
  EXPECT_EQ(parse_env_grant("ASTERAI_TEST_GRANT")->second, "from-host");
  EXPECT_FALSE(parse_env_grant("ASTERAI_TEST_SURELY_UNSET_VAR"));
  EXPECT_FALSE(parse_env_grant("=x"));

  test::TempDir dir("grants");
  auto d = parse_dir_grant(dir.path().string() + ":/data:rw");
  ASSERT_TRUE(d) << d.error().message;
  EXPECT_EQ(d->guest, "/data");
  EXPECT_TRUE(d->writable);
  d = parse_dir_grant(dir.path().string());
  ASSERT_TRUE(d);
  EXPECT_FALSE(d->writable);  // read-only unless asked
  EXPECT_EQ(d->guest, std::filesystem::path(dir.path()).string());
  EXPECT_FALSE(parse_dir_grant("/definitely/not/here"));
}

TEST(Policy, ParsesGrantsAndLimits) {
  test::TempDir dir("policy");
  std::filesystem::create_directory(dir.path() / "data");
  auto p = parse_policy(R"(
[grants]
env = ["MODE=fast"]
allow_hosts = ["api.example.com", "127.0.0.1:8080"]

[[grants.dirs]]
host = "data"
guest = "/data"
mode = "rw"

[limits]
timeout = "1500ms"
max_memory = "64MiB"
fuel = 1000
max_output = 4096
)",
                        "policy.toml", dir.path());
  ASSERT_TRUE(p) << p.error().message;
  EXPECT_EQ(p->grants.env.size(), 1u);
  EXPECT_EQ(p->grants.allow_hosts.size(), 2u);
  ASSERT_EQ(p->grants.dirs.size(), 1u);
  EXPECT_EQ(p->grants.dirs[0].guest, "/data");
  EXPECT_TRUE(p->grants.dirs[0].writable);
  EXPECT_EQ(p->limits.timeout.count(), 1500);
  EXPECT_EQ(p->limits.max_memory, 64u << 20);
  EXPECT_EQ(p->limits.fuel, 1000u);
  EXPECT_EQ(p->limits.max_output, 4096u);
}

TEST(Policy, BadDocumentsNameFileAndLine) {
  struct Bad {
    const char* text;
    const char* message;
  };
  const std::vector<Bad> cases = {
      {"[limits]\ntimeout = \"soon\"\n", "policy.toml:2: limits.timeout: invalid duration"},
      {"[limits]\nmemory = 5\n", "policy.toml:2: unknown key \"memory\" in [limits]"},
      {"[grants]\nallow_hosts = [\"*\"]\n", "policy.toml:2: allowed host \"*\""},
      {"[grants]\nenv = \"HOME\"\n", "policy.toml:2: grants.env must be an array of strings"},
      {"[grants]\n[[grants.dirs]]\nhost = \"/no/such/dir\"\n", "policy.toml:2:"},
      {"[sandbox]\n", "policy.toml:1: unknown key \"sandbox\""},
      {"[limits\n", "policy.toml:1:"},
      {"[limits]\nfuel = -3\n", "policy.toml:2: limits.fuel must be a positive integer"},
  };
  for (const auto& c : cases) {
    auto p = parse_policy(c.text, "policy.toml", ".");
    ASSERT_FALSE(p) << c.text;
    EXPECT_EQ(p.error().kind, ErrorKind::invalid_input);
    EXPECT_NE(p.error().message.find(c.message), std::string::npos) << p.error().message;
  }
}

}  // namespace
}  // namespace asterai::runtime
