// Components whose imports nobody provides (tests/components/missing-imports, built from C):
// they load, the exports that do not use the missing imports work, and a call into one ends
// with missing-import naming it while the runtime goes on serving. Components bound to older
// WASI 0.2.x releases (tests/components/wasi-versions) resolve to the host's WASI.
#include <gtest/gtest.h>

#include <algorithm>

#include "asterai/runtime/composition.h"
#include "host_interfaces.h"
#include "test_support.h"

namespace asterai::runtime {
namespace {

using nlohmann::json;

class MissingImportsTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    EngineOptions options;
    options.cache_dir = test::shared_cache_dir();
    runtime_ = *Runtime::create(options);
  }
  static void TearDownTestSuite() { runtime_.reset(); }

  static std::shared_ptr<const Component> load(const std::string& file) {
    auto loaded = runtime_->load_file(test::component(file));
    EXPECT_TRUE(loaded) << loaded.error().to_string();
    return loaded ? *loaded : nullptr;
  }

  static CallOutcome call(const Component& c, const std::string& function, const json& args,
                          const Grants& grants = {}) {
    auto fn = c.find_function(function);
    EXPECT_TRUE(fn) << fn.error().to_string();
    return runtime_->call(c, **fn, args, {}, grants);
  }

  static const ItemInfo* import_named(const Component& c, const std::string& name) {
    auto it = std::find_if(c.imports().begin(), c.imports().end(),
                           [&](const ItemInfo& i) { return i.name == name; });
    return it == c.imports().end() ? nullptr : &*it;
  }

  static inline std::shared_ptr<Runtime> runtime_;
};

TEST_F(MissingImportsTest, ExportsThatDoNotUseTheImportWork) {
  auto c = load("missing-imports.wasm");
  ASSERT_TRUE(c);
  auto outcome = call(*c, "add", json::array({40, 2}));
  ASSERT_TRUE(outcome.ok()) << outcome.error->to_string();
  EXPECT_EQ(outcome.result, 42);
}

TEST_F(MissingImportsTest, CallingAMissingFunctionIsAMissingImportError) {
  auto c = load("missing-imports.wasm");
  ASSERT_TRUE(c);
  auto outcome = call(*c, "roundtrip", json::array({7}));
  ASSERT_FALSE(outcome.ok());
  EXPECT_EQ(outcome.error->kind, ErrorKind::missing_import);
  EXPECT_EQ(outcome.error->message,
            "the component called test:numbers/test#roundtrip-u8, which nothing provides");
  // The runtime goes on: the next call of the same component works.
  auto next = call(*c, "add", json::array({1, 2}));
  ASSERT_TRUE(next.ok()) << next.error->to_string();
  EXPECT_EQ(next.result, 3);
}

TEST_F(MissingImportsTest, AResourceOfAMissingInterfaceCannotBeMade) {
  auto c = load("missing-imports.wasm");
  ASSERT_TRUE(c);
  auto outcome = call(*c, "make-counter", json::array({5}));
  ASSERT_FALSE(outcome.ok());
  EXPECT_EQ(outcome.error->kind, ErrorKind::missing_import);
  EXPECT_EQ(outcome.error->message,
            "the component called test:numbers/counters#[constructor]counter, which nothing "
            "provides");
}

TEST_F(MissingImportsTest, ImportsSayWhetherTheHostProvidesThem) {
  auto c = load("missing-imports.wasm");
  ASSERT_TRUE(c);
  for (const char* name : {"test:numbers/test", "test:numbers/counters"}) {
    const ItemInfo* i = import_named(*c, name);
    ASSERT_NE(i, nullptr) << name;
    EXPECT_EQ(i->source, ImportSource::none) << name;
    EXPECT_EQ(i->provider, "") << name;
  }
}

TEST_F(MissingImportsTest, ComponentsOfTheHostsOwnWasiNeedNothingMore) {
  // The sandbox probe binds the WIT of the linked Wasmtime itself: every import resolves to
  // exactly its own name, which pins kHostWasiVersion to that Wasmtime.
  auto c = load("sandbox-probe.wasm");
  ASSERT_TRUE(c);
  for (const auto& i : c->imports()) {
    EXPECT_EQ(i.source, ImportSource::host) << i.name;
    if (i.name.starts_with("wasi:http/")) {
      EXPECT_EQ(i.provider, i.name);
    }
  }
  for (const auto& lang : test::kitchen_sink_languages()) {
    auto sink = load("kitchen-sink-" + lang + ".wasm");
    ASSERT_TRUE(sink);
    EXPECT_FALSE(sink->imports().empty());  // the WASI adapter's
    for (const auto& i : sink->imports()) {
      EXPECT_EQ(i.source, ImportSource::host) << i.name;
      EXPECT_TRUE(i.provider.ends_with("@" + std::string(kHostWasiVersion))) << i.provider;
    }
  }
}

class OlderWasiTest : public MissingImportsTest,
                      public ::testing::WithParamInterface<const char*> {};

TEST_P(OlderWasiTest, ResolvesToTheHostsWasi) {
  std::string version = GetParam();
  auto c = load("wasi-env-" + version + ".wasm");
  ASSERT_TRUE(c);
  const ItemInfo* env = import_named(*c, "wasi:cli/environment@" + version);
  ASSERT_NE(env, nullptr);
  EXPECT_EQ(env->source, ImportSource::host);
  EXPECT_EQ(env->provider, "wasi:cli/environment@" + std::string(kHostWasiVersion));
  // The host's implementation answers: the component sees exactly what it was granted.
  Grants grants;
  grants.env = {{"GREETING", "hello"}};
  auto outcome = call(*c, "first-var", json::array(), grants);
  ASSERT_TRUE(outcome.ok()) << outcome.error->to_string();
  EXPECT_EQ(outcome.result, "GREETING=hello");
}

INSTANTIATE_TEST_SUITE_P(Versions, OlderWasiTest, ::testing::Values("0.2.0", "0.2.3"));

TEST(HostInterfaceTest, AnyWasi02ReleaseResolvesToTheHosts) {
  std::string host = "wasi:io/streams@" + std::string(kHostWasiVersion);
  EXPECT_EQ(host_interface_for("wasi:io/streams@0.2.0"), host);
  EXPECT_EQ(host_interface_for("wasi:io/streams@0.2.3"), host);
  EXPECT_EQ(host_interface_for(host), host);
  EXPECT_EQ(host_interface_for("wasi:http/types@0.2.1"),
            "wasi:http/types@" + std::string(kHostWasiVersion));
  // Another track, no version, a pre-release, an interface the host lacks: not the host's.
  EXPECT_EQ(host_interface_for("wasi:io/streams@0.3.0"), std::nullopt);
  EXPECT_EQ(host_interface_for("wasi:io/streams"), std::nullopt);
  EXPECT_EQ(host_interface_for("wasi:io/streams@0.2.0-rc-2023-11-10"), std::nullopt);
  EXPECT_EQ(host_interface_for("wasi:keyvalue/store@0.2.0"), std::nullopt);
  EXPECT_EQ(host_interface_for("wasi:http/incoming-handler@0.2.0"), std::nullopt);
  EXPECT_EQ(host_interface_for("test:numbers/test"), std::nullopt);
}

}  // namespace
}  // namespace asterai::runtime
