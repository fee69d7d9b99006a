// resolve_component: files pass through; references come from the local store or are pulled
// on demand; --offline uses the store only. The resolved path runs in the runtime.
#include "asterai/host/resolve.h"

#include <gtest/gtest.h>

#include "asterai/common/files.h"
#include "asterai/oci/publish.h"
#include "asterai/runtime/runtime.h"
#include "test_server.h"
#include "test_support.h"

namespace asterai {
namespace {
namespace fs = std::filesystem;

class Resolve : public ::testing::Test {
 protected:
  void SetUp() override {
    home_ = std::make_unique<test::TempDir>("resolve-home");
    ::setenv("ASTERAI_HOME", home_->path().c_str(), 1);
    ::setenv("DOCKER_CONFIG", (home_->path() / "docker").c_str(), 1);
    host_ = registry_.base_url().substr(7);
  }
  void TearDown() override { ::unsetenv("ASTERAI_HOME"); }
  // Publishes the C kitchen sink (no auth on this registry) and returns its manifest digest.
  std::string publish_kitchen_sink(const std::string& tag) {
    auto wasm = read_file(test::component("kitchen-sink-c.wasm"));
    oci::PublishRequest req;
    req.ref = *oci::parse_reference(host_ + "/alice/ks:" + tag);
    oci::ComponentMetadata meta;
    meta.created = oci::rfc3339_now();
    req.component = oci::build_component_artifact(*wasm, {}, meta);
    oci::RegistryClient client(host_);
    auto r = oci::publish(client, req);
    EXPECT_TRUE(r) << r.error().message;
    return r ? r->digest : "";
  }
  registry::testing::TestRegistry registry_{false};
  std::unique_ptr<test::TempDir> home_;
  std::string host_;
};

TEST_F(Resolve, FilesPassThrough) {
  auto file = test::component("kitchen-sink-c.wasm");
  EXPECT_EQ(*host::resolve_component(file.string()), file);
  EXPECT_EQ(*host::resolve_component("missing.wasm"), fs::path("missing.wasm"));
  EXPECT_EQ(*host::resolve_component("./a/b"), fs::path("./a/b"));
}

TEST_F(Resolve, PullsOnDemandThenWorksOffline) {
  std::string ref = host_ + "/alice/ks:1.0.0";
  host::ResolveOptions offline;
  offline.offline = true;
  auto missing = host::resolve_component(ref, offline);
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().kind, ErrorKind::not_found);
  EXPECT_NE(missing.error().message.find("asterai pull"), std::string::npos);

  auto digest = publish_kitchen_sink("1.0.0");
  auto path = host::resolve_component(ref);
  ASSERT_TRUE(path) << path.error().message;
  EXPECT_TRUE(path->string().starts_with(home_->path().string()));
  auto again = host::resolve_component(ref, offline);
  ASSERT_TRUE(again) << again.error().message;
  EXPECT_EQ(*again, *path);
  auto by_digest = host::resolve_component(host_ + "/alice/ks@" + digest, offline);
  ASSERT_TRUE(by_digest) << by_digest.error().message;
  EXPECT_EQ(*by_digest, *path);

  // The stored component runs.
  runtime::EngineOptions options;
  options.pooling = false;
  auto rt = runtime::Runtime::create(options);
  ASSERT_TRUE(rt);
  auto component = (*rt)->load_file(*path);
  ASSERT_TRUE(component) << component.error().message;
  auto add = (*component)->find_function("add");
  ASSERT_TRUE(add);
  auto out = (*rt)->call(**component, **add, nlohmann::json::array({1, 2}));
  ASSERT_TRUE(out.ok());
  EXPECT_EQ(out.result, 3);
}

TEST_F(Resolve, BadReferencesAndMissingOnes) {
  auto bad = host::resolve_component("alice/ks:1.0.0");  // no registry, no ASTERAI_REGISTRY
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().kind, ErrorKind::usage);
  EXPECT_NE(bad.error().message.find("no such file"), std::string::npos);
  auto none = host::resolve_component(host_ + "/alice/none:1.0.0");
  ASSERT_FALSE(none);
  EXPECT_EQ(none.error().kind, ErrorKind::not_found);
}

}  // namespace
}  // namespace asterai
