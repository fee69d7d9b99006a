// The sandbox holds against a real guest: tests/components/sandbox-probe (C, wasi-libc, and
// wasi:http / wasi:sockets bound directly) tries to read, write, list, look at the
// environment and reach the network beyond its grants. Each refusal is checked as the guest
// sees it, on the host's side (no file changed, no request arrived), and by a normal call
// that still works afterwards.
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <map>

#include "asterai/runtime/runtime.h"
#include "loopback_http_server.h"
#include "test_support.h"

namespace asterai::runtime {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

std::string read_text(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

void write_text(const fs::path& p, const std::string& text) {
  std::ofstream(p, std::ios::binary) << text;
}

// Every entry under root: files with their content, symlinks with their target, folders.
// Comparing two snapshots proves that nothing under root was created, changed or removed.
std::map<std::string, std::string> snapshot(const fs::path& root) {
  std::map<std::string, std::string> entries;
  for (const auto& e : fs::recursive_directory_iterator(root)) {
    auto rel = fs::relative(e.path(), root).string();
    if (e.is_symlink())
      entries[rel] = "-> " + fs::read_symlink(e.path()).string();
    else if (e.is_directory())
      entries[rel] = "<dir>";
    else
      entries[rel] = read_text(e.path());
  }
  return entries;
}

// "abc…z" repeated: what big-output and write-stdout produce.
std::string pattern(size_t n) {
  std::string s(n, '\0');
  for (size_t i = 0; i < n; ++i) s[i] = static_cast<char>('a' + i % 26);
  return s;
}

json ok(json v) {
  return json{{"ok", std::move(v)}};
}
json err(json v) {
  return json{{"err", std::move(v)}};
}

// A temp folder laid out for escapes: `granted/` is what the guest gets; `outside/` holds a
// secret next to it, reachable from the grant by `..` or by the two symlinks.
struct Layout {
  test::TempDir tmp{"sandbox"};
  fs::path granted = tmp.path() / "granted";
  fs::path outside = tmp.path() / "outside";
  fs::path secret = outside / "secret.txt";

  Layout() {
    fs::create_directories(granted / "sub");
    fs::create_directories(outside);
    write_text(granted / "inside.txt", "inside the grant");
    write_text(secret, "top secret");
    fs::create_symlink(secret, granted / "link-abs");                   // absolute target
    fs::create_symlink("../outside/secret.txt", granted / "link-rel");  // relative, escaping
    fs::create_symlink("inside.txt", granted / "link-ok");              // stays inside
  }
  Grants grant(bool writable, const std::string& guest = "/data") const {
    Grants g;
    g.dirs.push_back(DirGrant{granted, guest, writable});
    return g;
  }
};

class SandboxEnforcement : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    EngineOptions options;
    options.cache_dir = test::shared_cache_dir();
    auto rt = Runtime::create(options);
    ASSERT_TRUE(rt) << rt.error().message;
    rt_ = *rt;
    auto c = rt_->load_file(test::component("sandbox-probe.wasm"));
    ASSERT_TRUE(c) << c.error().message;
    probe_ = *c;
  }
  static void TearDownTestSuite() {
    probe_.reset();
    rt_.reset();
  }

  // Calls probe/NAME; the call itself must succeed (refusals are values the guest returns).
  static json call_ok(const std::string& name, const json& args, const Grants& grants = {},
                      CallLimits limits = {}) {
    auto o = call(name, args, grants, limits);
    EXPECT_TRUE(o.ok()) << name << ": " << o.error->to_string() << "\n" << o.err.data;
    return o.result;
  }
  static CallOutcome call(const std::string& name, const json& args, const Grants& grants = {},
                          CallLimits limits = {}) {
    auto f = probe_->find_function("probe/" + name);
    EXPECT_TRUE(f) << f.error().message;
    if (!f) return {};
    return rt_->call(*probe_, **f, args, limits, grants);
  }
  // After a refusal the same runtime still serves a normal call.
  static void expect_still_serving(const Grants& grants = {}) {
    EXPECT_EQ(call_ok("ping", json::array(), grants), 42);
  }

  static std::shared_ptr<Runtime> rt_;
  static std::shared_ptr<const Component> probe_;
};

std::shared_ptr<Runtime> SandboxEnforcement::rt_;
std::shared_ptr<const Component> SandboxEnforcement::probe_;

// --- files --------------------------------------------------------------------------------

TEST_F(SandboxEnforcement, NoGrantMeansNoFileSystem) {
  ASSERT_TRUE(fs::exists("/etc/passwd"));  // there is something to steal on the host
  // wasi-libc finds no preopened folder to resolve the path in (ENOTCAPABLE) ...
  EXPECT_EQ(call_ok("read-file", {"/etc/passwd"}), err("open: Capabilities insufficient"));
  EXPECT_EQ(call_ok("list-dir", {"/"}), err("opendir: Capabilities insufficient"));
  EXPECT_EQ(call_ok("list-dir", {"."}), err("opendir: Capabilities insufficient"));
  // ... and a guest going around wasi-libc finds no descriptor in the host either.
  for (int fd : {3, 4, 5}) {
    EXPECT_EQ(call_ok("read-file-fd", {fd, "etc/passwd"}), err("openat: Bad file descriptor"))
        << "fd " << fd;
  }
  expect_still_serving();
}

TEST_F(SandboxEnforcement, ReadsStayInsideTheGrantedFolder) {
  Layout l;
  auto g = l.grant(false);
  EXPECT_EQ(call_ok("read-file", {"/data/inside.txt"}, g), ok("inside the grant"));
  EXPECT_EQ(call_ok("read-file", {"/data/link-ok"}, g), ok("inside the grant"));
  EXPECT_EQ(call_ok("list-dir", {"/data"}, g),
            ok({"inside.txt", "link-abs", "link-ok", "link-rel", "sub"}));

  // `..` out of the grant: by path (wasi-libc hands "../outside/secret.txt" to the host
  // relative to the preopen), by openat on the folder, by a guessed descriptor. The host
  // refuses each (EPERM).
  EXPECT_EQ(call_ok("read-file", {"/data/../outside/secret.txt"}, g),
            err("open: Operation not permitted"));
  EXPECT_EQ(call_ok("read-file", {"/data/sub/../../outside/secret.txt"}, g),
            err("open: Operation not permitted"));
  EXPECT_EQ(call_ok("read-file-at", {"/data", "../outside/secret.txt"}, g),
            err("openat: Operation not permitted"));
  EXPECT_EQ(call_ok("read-file-fd", {3, "../outside/secret.txt"}, g),
            err("openat: Operation not permitted"));
  EXPECT_EQ(call_ok("list-dir", {"/data/.."}, g), err("opendir: Operation not permitted"));
  // The secret's real (absolute) host path is not a path the guest has.
  EXPECT_EQ(call_ok("read-file", {l.secret.string()}, g), err("open: Capabilities insufficient"));
  // Symlinks inside the grant that point out of it, absolute or relative.
  EXPECT_EQ(call_ok("read-file", {"/data/link-abs"}, g), err("open: Operation not permitted"));
  EXPECT_EQ(call_ok("read-file", {"/data/link-rel"}, g), err("open: Operation not permitted"));
  EXPECT_EQ(call_ok("read-file-at", {"/data", "link-abs"}, g),
            err("openat: Operation not permitted"));
  expect_still_serving(g);
}

TEST_F(SandboxEnforcement, GuestPathSameAsHostPathStillConfines) {
  // `asterai call --dir HOST` maps the folder at its own host path: the secret's absolute
  // path then looks like a sibling of a granted path, and must stay out of reach.
  Layout l;
  auto g = l.grant(false, l.granted.string());
  auto inside = (l.granted / "inside.txt").string();
  EXPECT_EQ(call_ok("read-file", {inside}, g), ok("inside the grant"));
  EXPECT_EQ(call_ok("read-file", {l.secret.string()}, g), err("open: Capabilities insufficient"));
  EXPECT_EQ(call_ok("read-file", {(l.granted / ".." / "outside" / "secret.txt").string()}, g),
            err("open: Operation not permitted"));
  EXPECT_EQ(call_ok("read-file-at", {l.granted.string(), "../outside/secret.txt"}, g),
            err("openat: Operation not permitted"));
  expect_still_serving(g);
}

TEST_F(SandboxEnforcement, ReadOnlyGrantRefusesEveryWrite) {
  Layout l;
  auto before = snapshot(l.tmp.path());
  auto g = l.grant(false);
  EXPECT_EQ(call_ok("write-file", {"/data/inside.txt", "overwritten"}, g),
            err("open: Operation not permitted"));
  EXPECT_EQ(call_ok("write-file", {"/data/new.txt", "created"}, g),
            err("open: Operation not permitted"));
  EXPECT_EQ(call_ok("write-file", {"/data/link-abs", "through a link"}, g),
            err("open: Operation not permitted"));
  EXPECT_EQ(snapshot(l.tmp.path()), before);  // nothing changed, nothing was created
  EXPECT_EQ(read_text(l.granted / "inside.txt"), "inside the grant");
  expect_still_serving(g);
}

TEST_F(SandboxEnforcement, ReadWriteGrantWritesOnlyInsideIt) {
  Layout l;
  auto outside_before = snapshot(l.outside);
  auto g = l.grant(true);
  EXPECT_EQ(call_ok("write-file", {"/data/new.txt", "created by the guest"}, g), ok(nullptr));
  EXPECT_EQ(read_text(l.granted / "new.txt"), "created by the guest");
  EXPECT_EQ(call_ok("write-file", {"/data/inside.txt", "replaced"}, g), ok(nullptr));
  EXPECT_EQ(read_text(l.granted / "inside.txt"), "replaced");
  EXPECT_EQ(call_ok("read-file", {"/data/new.txt"}, g), ok("created by the guest"));

  // Writable does not mean unconfined: escapes are refused exactly as for reads.
  EXPECT_EQ(call_ok("write-file", {"/data/sub/../../outside/planted.txt", "x"}, g),
            err("open: Operation not permitted"));
  EXPECT_EQ(call_ok("write-file", {"/data/link-abs", "through a link"}, g),
            err("open: Operation not permitted"));
  EXPECT_EQ(call_ok("write-file", {"/data/link-rel", "through a link"}, g),
            err("open: Operation not permitted"));
  EXPECT_EQ(call_ok("write-file", {(l.outside / "planted.txt").string(), "x"}, g),
            err("open: Capabilities insufficient"));
  EXPECT_EQ(snapshot(l.outside), outside_before);
  EXPECT_EQ(read_text(l.secret), "top secret");
  expect_still_serving(g);
}

// --- environment --------------------------------------------------------------------------

TEST_F(SandboxEnforcement, EnvironmentHoldsOnlyGrantedVariables) {
  ::setenv("ASTERAI_TEST_HOST_SECRET", "hunter2", 1);
  ASSERT_NE(std::getenv("PATH"), nullptr);  // the host has an environment to leak
  EXPECT_EQ(call_ok("env-count", json::array()), 0);
  EXPECT_EQ(call_ok("get-env", {"PATH"}), nullptr);
  EXPECT_EQ(call_ok("get-env", {"ASTERAI_TEST_HOST_SECRET"}), nullptr);
  expect_still_serving();

  Grants g;
  g.env = {{"MODE", "fast"}, {"EMPTY", ""}};
  EXPECT_EQ(call_ok("env-count", json::array(), g), 2);
  EXPECT_EQ(call_ok("get-env", {"MODE"}, g), "fast");
  EXPECT_EQ(call_ok("get-env", {"EMPTY"}, g), "");
  EXPECT_EQ(call_ok("get-env", {"ASTERAI_TEST_HOST_SECRET"}, g), nullptr);
  EXPECT_EQ(call_ok("get-env", {"PATH"}, g), nullptr);
}

// --- network ------------------------------------------------------------------------------

TEST_F(SandboxEnforcement, HttpToAHostNotAllowedIsNeverSent) {
  test::LoopbackHttpServer server(203);
  const std::string denied_origin = "http://" + server.authority();

  // Nothing granted.
  auto o = call("http-get", {server.url("/no-grant")});
  ASSERT_TRUE(o.ok()) << o.error->to_string();
  EXPECT_EQ(o.result, err("HTTP-request-denied"));
  EXPECT_EQ(o.denied_requests, std::vector<std::string>{denied_origin});

  // Granted: the same host on another port, and the host by another name. The allow-list
  // matches what the guest asked for, not what a name resolves to.
  Grants near_miss;
  near_miss.allow_hosts = {"127.0.0.1:" + std::to_string(server.port() ^ 1),
                           "localhost:" + std::to_string(server.port())};
  o = call("http-get", {server.url("/near-miss")}, near_miss);
  ASSERT_TRUE(o.ok()) << o.error->to_string();
  EXPECT_EQ(o.result, err("HTTP-request-denied"));
  EXPECT_EQ(o.denied_requests, std::vector<std::string>{denied_origin});

  // Raw sockets are not a way around the allow-list, even for an allowed host.
  Grants allowed;
  allowed.allow_hosts = {server.authority()};
  EXPECT_EQ(call_ok("tcp-connect", {"127.0.0.1", server.port()}, allowed), err("access-denied"));
  EXPECT_EQ(call_ok("resolve", {"localhost"}, allowed), err("permanent-resolver-failure"));

  // The allowed request is the first and only thing that reached the server: the refused
  // ones (sent before it, in order) never left the sandbox.
  o = call("http-get", {server.url("/allowed?q=1")}, allowed);
  ASSERT_TRUE(o.ok()) << o.error->to_string();
  EXPECT_EQ(o.result, ok(203));
  EXPECT_TRUE(o.denied_requests.empty());
  EXPECT_EQ(server.requests(), std::vector<std::string>{"GET /allowed?q=1"});
  EXPECT_EQ(server.connections(), 1);
  expect_still_serving();
}

// --- output -------------------------------------------------------------------------------

TEST_F(SandboxEnforcement, MultiMegabyteResultReturnsIntact) {
  constexpr size_t kSize = 6 << 20;
  auto o = call("big-output", {kSize});
  ASSERT_TRUE(o.ok()) << o.error->to_string();
  ASSERT_TRUE(o.result.is_string());
  const auto& s = o.result.get_ref<const std::string&>();
  EXPECT_EQ(s.size(), kSize);
  EXPECT_TRUE(s == pattern(kSize)) << "the result differs from what the guest produced";
  expect_still_serving();
}

TEST_F(SandboxEnforcement, MultiMegabyteStdoutIsBoundedAndMarkedTruncated) {
  constexpr size_t kWritten = 5 << 20;
  CallLimits limits;
  limits.max_output = 1 << 20;
  auto o = call("write-stdout", {kWritten}, {}, limits);
  ASSERT_TRUE(o.ok()) << o.error->to_string();
  EXPECT_EQ(o.out.data.size(), limits.max_output);
  EXPECT_TRUE(o.out.data == pattern(limits.max_output)) << "the kept prefix is not the output";
  EXPECT_TRUE(o.out.truncated);
  EXPECT_EQ(o.stats.stdout_bytes, kWritten);  // counted in full, kept in part
  EXPECT_FALSE(o.err.truncated);

  // Under the cap nothing is marked.
  o = call("write-stdout", {1000}, {}, limits);
  ASSERT_TRUE(o.ok());
  EXPECT_EQ(o.out.data, pattern(1000));
  EXPECT_FALSE(o.out.truncated);
  expect_still_serving();
}

// --- time ---------------------------------------------------------------------------------

TEST_F(SandboxEnforcement, SleepingPastTheTimeoutEndsAsTimeout) {
  CallLimits limits;
  limits.timeout = std::chrono::milliseconds(100);
  auto o = call("sleep-ms", {400}, {}, limits);
  ASSERT_FALSE(o.ok());
  EXPECT_EQ(o.error->kind, ErrorKind::timeout) << o.error->to_string();
  expect_still_serving();
}

// Epoch interruption stops wasm code only; a guest blocked inside the host is ended by the
// call's deadline on wasi:io. The bound below is for correctness (the call must not wait for
// the sleep or the server), far above the timeout so a loaded machine cannot fail it.
constexpr auto kPromptly = std::chrono::seconds(10);

template <typename F>
std::chrono::steady_clock::duration time_of(F&& f) {
  auto start = std::chrono::steady_clock::now();
  f();
  return std::chrono::steady_clock::now() - start;
}

TEST_F(SandboxEnforcement, SleepInTheHostEndsAtTheDeadline) {
  CallLimits limits;
  limits.timeout = std::chrono::milliseconds(300);
  CallOutcome o;
  auto took = time_of([&] { o = call("sleep-ms", {30'000}, {}, limits); });
  ASSERT_FALSE(o.ok());
  EXPECT_EQ(o.error->kind, ErrorKind::timeout) << o.error->to_string();
  EXPECT_LT(took, kPromptly);
  EXPECT_GE(took, limits.timeout);  // not an early failure of some other kind
  expect_still_serving();
}

TEST_F(SandboxEnforcement, WaitForAnHttpResponseEndsAtTheDeadline) {
  test::LoopbackHttpServer server;
  server.never_answer();
  Grants allowed;
  allowed.allow_hosts = {server.authority()};
  CallLimits limits;
  limits.timeout = std::chrono::milliseconds(300);
  CallOutcome o;
  auto took = time_of([&] { o = call("http-get", {server.url("/silent")}, allowed, limits); });
  ASSERT_FALSE(o.ok()) << o.result;
  EXPECT_EQ(o.error->kind, ErrorKind::timeout) << o.error->to_string();
  EXPECT_LT(took, kPromptly);
  EXPECT_EQ(o.stats.http_requests, 1u);
  // The request did reach the server, which kept it waiting.
  EXPECT_EQ(server.requests(), std::vector<std::string>{"GET /silent"});
  expect_still_serving(allowed);
}

// A blocking stream read (the response body) is bounded the same way, and the bytes that did
// arrive before the deadline are metered.
TEST_F(SandboxEnforcement, StalledResponseBodyEndsAtTheDeadline) {
  test::LoopbackHttpServer server;
  constexpr size_t kBody = 10'000;
  server.set_response_body_size(kBody);
  server.stall_mid_body();  // sends half, then nothing
  Grants allowed;
  allowed.allow_hosts = {server.authority()};
  CallLimits limits;
  limits.timeout = std::chrono::milliseconds(300);
  CallOutcome o;
  auto took = time_of([&] { o = call("http-post", {server.url("/stall"), 100}, allowed, limits); });
  ASSERT_FALSE(o.ok()) << o.result;
  EXPECT_EQ(o.error->kind, ErrorKind::timeout) << o.error->to_string();
  EXPECT_LT(took, kPromptly);
  EXPECT_EQ(o.stats.http_requests, 1u);
  EXPECT_EQ(o.stats.http_bytes_sent, 100u);
  EXPECT_GT(o.stats.http_bytes_received, 0u);
  EXPECT_LE(o.stats.http_bytes_received, kBody / 2);
  expect_still_serving(allowed);
}

// --- public addresses only (a cloud node's tenants) ----------------------------------------

// A granted host is still refused when it is not a public address: by IP literal and by a
// name that resolves to it, with wasi:http's destination-IP-prohibited, and nothing connects.
TEST_F(SandboxEnforcement, PublicAddressesOnlyRefusesLoopbackWhateverTheName) {
  test::LoopbackHttpServer server(203);
  Grants tenant;
  tenant.allow_hosts = {server.authority(), "localhost:" + std::to_string(server.port())};
  tenant.public_addresses_only = true;
  auto o = call("http-get", {server.url("/literal")}, tenant);
  ASSERT_TRUE(o.ok()) << o.error->to_string();
  EXPECT_EQ(o.result, err("destination-IP-prohibited"));
  EXPECT_TRUE(o.denied_requests.empty());  // the allow-list said yes; the address said no
  o = call("http-get", {"http://localhost:" + std::to_string(server.port()) + "/name"}, tenant);
  ASSERT_TRUE(o.ok()) << o.error->to_string();
  EXPECT_EQ(o.result, err("destination-IP-prohibited"));
  EXPECT_EQ(server.connections(), 0);

  // The same grant without the rule reaches it.
  tenant.public_addresses_only = false;
  EXPECT_EQ(call_ok("http-get", {server.url("/open")}, tenant), ok(203));
  EXPECT_EQ(server.requests(), std::vector<std::string>{"GET /open"});
}

// A network the operator adds is reached through the same checked sender: bodies both ways,
// metering, and the deadline on a stalled body.
TEST_F(SandboxEnforcement, PublicAddressesOnlyReachesAnAddedNetwork) {
  struct Cleared {
    ~Cleared() { clear_private_networks(); }
  } cleared;
  ASSERT_TRUE(allow_private_network("127.0.0.0/8"));
  test::LoopbackHttpServer server;
  constexpr size_t kSent = 70'000, kReceived = 123'457;
  server.set_response_body_size(kReceived);
  Grants tenant;
  tenant.allow_hosts = {server.authority()};
  tenant.public_addresses_only = true;
  auto o = call("http-post", {server.url("/upload"), kSent}, tenant);
  ASSERT_TRUE(o.ok()) << o.error->to_string();
  EXPECT_EQ(o.result, ok(kReceived));
  EXPECT_EQ(o.stats.http_bytes_sent, kSent);
  EXPECT_EQ(o.stats.http_bytes_received, kReceived);
  EXPECT_EQ(server.body_bytes_received(), kSent);
  EXPECT_EQ(server.requests(), std::vector<std::string>{"POST /upload"});

  server.set_response_body_size(10'000);
  server.stall_mid_body();
  CallLimits limits;
  limits.timeout = std::chrono::milliseconds(300);
  auto took = time_of([&] { o = call("http-post", {server.url("/stall"), 100}, tenant, limits); });
  ASSERT_FALSE(o.ok()) << o.result;
  EXPECT_EQ(o.error->kind, ErrorKind::timeout) << o.error->to_string();
  EXPECT_LT(took, kPromptly);

  // Cleared, loopback is refused again.
  clear_private_networks();
  EXPECT_EQ(call_ok("http-get", {server.url("/again")}, tenant), err("destination-IP-prohibited"));
}

// --- HTTP metering ------------------------------------------------------------------------

TEST_F(SandboxEnforcement, HttpRequestsAndBodyBytesAreMeteredPerCall) {
  test::LoopbackHttpServer server;
  constexpr size_t kSent = 70'000, kReceived = 123'457;  // several stream chunks each way
  server.set_response_body_size(kReceived);
  Grants allowed;
  allowed.allow_hosts = {server.authority()};
  auto o = call("http-post", {server.url("/upload"), kSent}, allowed);
  ASSERT_TRUE(o.ok()) << o.error->to_string();
  EXPECT_EQ(o.result, ok(kReceived));  // the guest read the whole response body
  EXPECT_EQ(o.stats.http_requests, 1u);
  EXPECT_EQ(o.stats.http_bytes_sent, kSent);
  EXPECT_EQ(o.stats.http_bytes_received, kReceived);
  EXPECT_EQ(server.body_bytes_received(), kSent);
  EXPECT_EQ(server.requests(), std::vector<std::string>{"POST /upload"});

  // A GET: one request, no body out, the 9-byte "recorded\n" body not read by the guest.
  server.set_response_body_size(0);
  o = call("http-get", {server.url("/get")}, allowed);
  ASSERT_TRUE(o.ok()) << o.error->to_string();
  EXPECT_EQ(o.stats.http_requests, 1u);
  EXPECT_EQ(o.stats.http_bytes_sent, 0u);
  EXPECT_EQ(o.stats.http_bytes_received, 0u);

  // A refused request is not counted (it is reported in denied_requests instead), and a
  // call without HTTP reports zeros: the counters belong to one call only.
  o = call("http-post", {server.url("/refused"), 10}, Grants{});
  ASSERT_TRUE(o.ok());
  EXPECT_EQ(o.result, err("HTTP-request-denied"));
  EXPECT_EQ(o.stats.http_requests, 0u);
  EXPECT_EQ(o.stats.http_bytes_sent, 0u);
  EXPECT_EQ(o.denied_requests.size(), 1u);
  o = call("ping", json::array());
  EXPECT_EQ(o.stats.http_requests, 0u);
  EXPECT_EQ(o.stats.http_bytes_received, 0u);
  EXPECT_EQ(server.requests().size(), 2u);
}

}  // namespace
}  // namespace asterai::runtime
