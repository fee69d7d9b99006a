// Against Debian's docker-registry (distribution 2.8) on loopback with htpasswd Basic auth:
// no referrers API, so referrers are written and read through the `sha256-<hex>` tag fallback.
// Skipped when the package is not installed.
#include <arpa/inet.h>
#include <crypt.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <random>
#include <thread>

#include "asterai/oci/http.h"
#include "asterai/oci/media_types.h"
#include "asterai/oci/publish.h"
#include "asterai/oci/pull.h"
#include "asterai/oci/referrers.h"
#include "asterai/signing/signatures.h"

extern char** environ;

namespace asterai::oci {
namespace {
namespace fs = std::filesystem;

int free_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  socklen_t len = sizeof addr;
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  ::close(fd);
  return ntohs(addr.sin_port);
}

class Distribution : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!fs::exists(ASTERAI_DOCKER_REGISTRY)) GTEST_SKIP() << "docker-registry not installed";
    std::random_device rd;
    root_ = fs::temp_directory_path() / ("asterai-distribution-" + std::to_string(rd()));
    fs::create_directories(root_ / "data");
    // distribution's htpasswd wants bcrypt; libxcrypt makes it.
    char salt[64];
    ASSERT_TRUE(crypt_gensalt_rn("$2y$", 5, nullptr, 0, salt, sizeof salt));
    crypt_data data{};
    const char* hash = crypt_r("secret", salt, &data);
    ASSERT_TRUE(hash && hash[0] == '$');
    std::ofstream(root_ / "htpasswd") << "carol:" << hash << "\n";
    port_ = free_port();
    std::ofstream(root_ / "config.yml")
        << "version: 0.1\nlog:\n  level: error\nstorage:\n  filesystem:\n    rootdirectory: "
        << (root_ / "data").string()
        << "\n  delete:\n    enabled: true\nhttp:\n  addr: 127.0.0.1:" << port_
        << "\nauth:\n  htpasswd:\n    realm: test\n    path: " << (root_ / "htpasswd").string()
        << "\n";
    std::string config = (root_ / "config.yml").string();
    std::vector<std::string> args = {ASTERAI_DOCKER_REGISTRY, "serve", config};
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    std::string log = (root_ / "log").string();
    posix_spawn_file_actions_addopen(&actions, 1, log.c_str(), O_WRONLY | O_CREAT, 0644);
    posix_spawn_file_actions_addopen(&actions, 2, log.c_str(), O_WRONLY | O_CREAT, 0644);
    ASSERT_EQ(posix_spawn(&pid_, ASTERAI_DOCKER_REGISTRY, &actions, nullptr, argv.data(), environ),
              0);
    posix_spawn_file_actions_destroy(&actions);
    HttpClient http;
    for (int i = 0; i < 100; ++i) {
      HttpRequest req;
      req.url = "http://" + host() + "/v2/";
      auto r = http.send(req);
      if (r && r->status == 401) return;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    FAIL() << "docker-registry did not start";
  }
  void TearDown() override {
    if (pid_ > 0) {
      ::kill(pid_, SIGTERM);
      int status;
      waitpid(pid_, &status, 0);
    }
    std::error_code ec;
    fs::remove_all(root_, ec);
  }
  std::string host() const { return "127.0.0.1:" + std::to_string(port_); }
  RegistryClient client(std::optional<Credentials> c = Credentials{"carol", "secret"}) {
    ClientOptions o;
    o.credentials = std::move(c);
    o.backoff = std::chrono::milliseconds(1);
    return RegistryClient(host(), o);
  }

  fs::path root_;
  int port_ = 0;
  pid_t pid_ = -1;
};

PublishRequest component(const Reference& ref, const std::string& wasm) {
  ComponentMetadata meta;
  meta.created = "2026-01-01T00:00:00Z";
  meta.version = ref.tag;
  PublishRequest req;
  req.ref = ref;
  req.component = build_component_artifact({wasm.begin(), wasm.end()}, {}, meta);
  for (auto type : {kWitArtifact, kToolsArtifact}) {
    std::string text = std::string("content of ") + std::string(type);
    std::vector<Blob> layers;
    layers.push_back(make_blob("text/plain", {text.begin(), text.end()}));
    req.referrers.push_back({std::string(type), build_referrer(type, req.component.descriptor(),
                                                               std::move(layers), {})});
  }
  return req;
}

TEST_F(Distribution, ReferrersGoThroughTheTagFallback) {
  auto c = client();
  auto req = component(*parse_reference(host() + "/carol/tool:1.0.0"), "wasm bytes");
  auto pushed = publish(c, req);
  ASSERT_TRUE(pushed) << pushed.error().message;
  EXPECT_TRUE(pushed->used_fallback);
  EXPECT_TRUE(pushed->latest_moved);
  auto index = c.resolve("carol/tool", fallback_tag(pushed->digest));
  ASSERT_TRUE(index && *index) << "no sha256-<hex> tag";
  auto wit = list_referrers(c, "carol/tool", pushed->digest, std::string(kWitArtifact));
  ASSERT_TRUE(wit);
  ASSERT_EQ(wit->size(), 1u);
  EXPECT_EQ((*wit)[0].artifact_type, kWitArtifact);
  auto all = list_referrers(c, "carol/tool", pushed->digest);
  ASSERT_TRUE(all);
  EXPECT_EQ(all->size(), 2u);

  auto root = root_ / "store";
  auto store = LocalStore::open(root);
  ASSERT_TRUE(store);
  auto pulled = pull(c, *store, *parse_reference(host() + "/carol/tool:1.0.0"));
  ASSERT_TRUE(pulled) << pulled.error().message;
  EXPECT_EQ(pulled->referrers, 2u);
  EXPECT_EQ(pulled->digest, pushed->digest);
}

TEST_F(Distribution, VisibilityFlagsFailBeforeAnythingIsPushed) {
  auto c = client();
  auto req = component(*parse_reference(host() + "/carol/vis:1.0.0"), "wasm bytes");
  req.visibility = true;
  auto pushed = publish(c, req);
  ASSERT_FALSE(pushed);
  EXPECT_EQ(pushed.error().kind, ErrorKind::not_found);
  EXPECT_NE(pushed.error().message.find("no repository visibility API"), std::string::npos)
      << pushed.error().message;
  EXPECT_FALSE(*c.has_tags("carol/vis"));
  EXPECT_FALSE(c.has_blob("carol/vis", req.component.blobs[0].descriptor.digest).value());
  // On a repository that exists already the flags only warn: the push itself is valid.
  req.visibility.reset();
  ASSERT_TRUE(publish(c, req));
  req.visibility = false;
  auto again = publish(c, req);
  ASSERT_TRUE(again) << again.error().message;
  EXPECT_FALSE(again->visibility_set);
  EXPECT_NE(again->visibility_note.find("first publication only"), std::string::npos);
}

TEST_F(Distribution, ReleasedVersionIsProtectedClientSide) {
  auto c = client();
  ASSERT_TRUE(publish(c, component(*parse_reference(host() + "/carol/tool:1.0.0"), "one")));
  auto other = publish(c, component(*parse_reference(host() + "/carol/tool:1.0.0"), "two"));
  ASSERT_FALSE(other);
  EXPECT_EQ(other.error().kind, ErrorKind::conflict);
}

TEST_F(Distribution, BasicAuthIsRequiredAndChecked) {
  auto anonymous = client(std::nullopt);
  auto a = anonymous.list_tags("carol/tool");
  ASSERT_FALSE(a);
  EXPECT_EQ(a.error().kind, ErrorKind::unauthorized);
  EXPECT_NE(a.error().message.find("asterai login"), std::string::npos);
  auto wrong = client(Credentials{"carol", "wrong"});
  EXPECT_FALSE(wrong.check_login());
  EXPECT_TRUE(client().check_login());
}

// No referrers API: signatures are found through cosign's `sha256-<hex>.sig` tag alone.
TEST_F(Distribution, SignaturesLiveAtCosignsTagWithoutAReferrersApi) {
  auto c = client();
  auto pushed = publish(c, component(*parse_reference(host() + "/carol/tool:1.0.0"), "signed"));
  ASSERT_TRUE(pushed) << pushed.error().message;
  auto files = signing::generate_key_pair("");
  ASSERT_TRUE(files);
  auto key = *signing::decrypt_private_key(files->private_pem, "");
  auto s = signing::sign_manifest(c, "carol/tool", pushed->digest, key);
  ASSERT_TRUE(s) << s.error().message;
  ASSERT_FALSE(*c.referrers("carol/tool", pushed->digest)) << "distribution 2.8 has no API";
  auto found = signing::find_signatures(c, "carol/tool", pushed->digest);
  ASSERT_TRUE(found) << found.error().message;
  auto v = signing::verify_signatures(*found, pushed->digest,
                                      {*signing::parse_public_key(files->public_pem)});
  EXPECT_EQ(v.signers.size(), 1u);
}

}  // namespace
}  // namespace asterai::oci
