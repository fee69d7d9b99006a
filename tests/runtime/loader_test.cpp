// Bad inputs to Runtime::load: each gets a typed error and a message that says what to do.
#include <gtest/gtest.h>
#include <sys/resource.h>

#include <span>

#include "asterai/common/files.h"
#include "asterai/runtime/runtime.h"
#include "asterai/runtime/wit_text.h"
#include "test_support.h"

namespace asterai::runtime {
namespace {

std::shared_ptr<Runtime> runtime() {
  auto rt = Runtime::create({});
  EXPECT_TRUE(rt);
  return *rt;
}

Error load_error(std::vector<uint8_t> bytes) {
  auto c = runtime()->load(bytes, "input.wasm");
  EXPECT_FALSE(c);
  return c ? Error{} : c.error();
}

TEST(Loader, NotWasm) {
  auto e = load_error({'h', 'e', 'l', 'l', 'o', ' ', 'w', 'o', 'r', 'l', 'd'});
  EXPECT_EQ(e.kind, ErrorKind::not_wasm);
  EXPECT_NE(e.message.find("not a WebAssembly binary"), std::string::npos);
  EXPECT_EQ(load_error({}).kind, ErrorKind::not_wasm);
}

TEST(Loader, CoreModuleSaysHowToComponentize) {
  auto bytes = read_file(test::component("core-module.wasm"));
  ASSERT_TRUE(bytes);
  auto e = load_error(*bytes);
  EXPECT_EQ(e.kind, ErrorKind::not_a_component);
  EXPECT_NE(e.message.find("core WebAssembly module, not a component"), std::string::npos);
  EXPECT_NE(e.message.find("wasm-tools component new"), std::string::npos);
}

TEST(Loader, TruncatedAndCorruptedComponents) {
  auto bytes = read_file(test::component("kitchen-sink-c.wasm"));
  ASSERT_TRUE(bytes);
  // (8 bytes alone is a valid, empty component: the header.)
  for (size_t keep : {size_t{9}, size_t{20}, bytes->size() / 2, bytes->size() - 1}) {
    auto e = load_error({bytes->begin(), bytes->begin() + static_cast<long>(keep)});
    EXPECT_EQ(e.kind, ErrorKind::invalid_component) << "kept " << keep;
    EXPECT_NE(e.message.find("not a valid component"), std::string::npos);
  }
  // Overwrite a stretch in the middle with garbage.
  auto corrupt = *bytes;
  for (size_t i = corrupt.size() / 3; i < corrupt.size() / 3 + 64; ++i) corrupt[i] = 0xff;
  EXPECT_EQ(load_error(corrupt).kind, ErrorKind::invalid_component);
  // A component header with an unknown layer.
  std::vector<uint8_t> odd = {0x00, 0x61, 0x73, 0x6d, 0x0d, 0x00, 0x07, 0x00};
  EXPECT_EQ(load_error(odd).kind, ErrorKind::invalid_component);
}

TEST(Loader, AFileLoadedUnderALabelIsNamedByItNotByItsPath) {
  test::TempDir tmp("loader-label");
  const auto& dir = tmp.path();
  auto path = dir / "blob";
  std::string text = "hello world";
  ASSERT_TRUE(write_file_atomic(
      path, std::span(reinterpret_cast<const uint8_t*>(text.data()), text.size())));
  auto labelled = runtime()->load_file(path, "alice/probe@sha256:ab");
  ASSERT_FALSE(labelled);
  EXPECT_EQ(labelled.error().kind, ErrorKind::not_wasm);
  EXPECT_EQ(labelled.error().message.find("alice/probe@sha256:ab is not"), 0u)
      << labelled.error().message;
  EXPECT_EQ(labelled.error().message.find(dir.string()), std::string::npos);
  auto plain = runtime()->load_file(path);
  ASSERT_FALSE(plain);
  EXPECT_NE(plain.error().message.find(path.string()), std::string::npos);
  auto c = runtime()->load_file(test::component("kitchen-sink-c.wasm"), "ks");
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ((*c)->label(), "ks");
}

TEST(Loader, MissingFile) {
  auto c = runtime()->load_file("/nonexistent/x.wasm");
  ASSERT_FALSE(c);
  EXPECT_EQ(c.error().kind, ErrorKind::io);
}

TEST(Loader, ReflectsImportsExportsAndFunctions) {
  auto c = runtime()->load_file(test::component("kitchen-sink-c.wasm"));
  ASSERT_TRUE(c) << c.error().message;
  const auto& fns = (*c)->functions();
  EXPECT_GE(fns.size(), 30u);
  bool saw_add = false, saw_greet = false;
  for (const auto& f : fns) {
    if (f.qualified_name() == "add") {
      saw_add = true;
      EXPECT_EQ(f.signature(), "func(a: s32, b: s32) -> s32");
    }
    if (f.qualified_name() == "asterai:kitchen-sink/values@0.1.0#greet") {
      saw_greet = true;
      EXPECT_EQ(f.signature(), "func(who: record { name: string, age: u32 }) -> string");
    }
  }
  EXPECT_TRUE(saw_add);
  EXPECT_TRUE(saw_greet);
  bool exports_interface = false;
  for (const auto& e : (*c)->exports()) {
    exports_interface |= e.name == "asterai:kitchen-sink/values@0.1.0" && e.kind == "instance";
  }
  EXPECT_TRUE(exports_interface);
  EXPECT_FALSE((*c)->imports().empty());  // the WASI adapter's imports
}

TEST(Loader, ResourceInSignatureIsUnsupportedAtInspectAndCall) {
  auto bytes = test::wat(R"((component
    (type $r (resource (rep i32)))
    (export $re "thing" (type $r))
    (core module $m (func (export "f") (param i32)))
    (core instance $i (instantiate $m))
    (func (export "take") (param "t" (own $re)) (canon lift (core func $i "f")))
  ))");
  auto rt = runtime();
  auto c = rt->load(bytes, "res.wasm");
  ASSERT_TRUE(c) << c.error().message;
  auto f = (*c)->find_function("take");
  ASSERT_TRUE(f);
  EXPECT_NE((*f)->unsupported.find("resource"), std::string::npos);
  auto outcome = rt->call(**c, **f, nlohmann::json::array({1}));
  ASSERT_FALSE(outcome.ok());
  EXPECT_EQ(outcome.error->kind, ErrorKind::unsupported_type);
  EXPECT_NE(outcome.error->message.find("unsupported in a tool signature"), std::string::npos);
}

// Found by tests/fuzz/component_fuzz: 370 invalid bytes on which wit-parser's decoder (what
// `asterai push` reads a component's WIT with) allocated 1.3 GB and took seconds. They are now
// refused by the validator before the decoder sees them.
TEST(Loader, AnInvalidComponentIsRefusedBeforeItsWitIsDecoded) {
  static const uint8_t kInput[] = {
      0x00, 0x61, 0x73, 0x6d, 0x0d, 0x00, 0x01, 0x00, 0x01, 0x33, 0x00, 0x61, 0x73, 0x6d, 0x01,
      0x00, 0x00, 0x00, 0x01, 0x0b, 0x01, 0x60, 0x06, 0x7f, 0x7f, 0x7f, 0x7f, 0x7f, 0x7f, 0x01,
      0x7f, 0x03, 0x02, 0x01, 0x00, 0x07, 0x05, 0x01, 0x01, 0x66, 0x00, 0x00, 0x0a, 0x06, 0x01,
      0xff, 0xff, 0xff, 0xff, 0x04, 0x00, 0x20, 0x00, 0x0b, 0x00, 0x09, 0x04, 0x6e, 0x61, 0x6d,
      0x04, 0x01, 0x00, 0x00, 0x00, 0x07, 0x09, 0x01, 0x72, 0x02, 0x07, 0x14, 0x02, 0x6b, 0x7d,
      0x40, 0x00, 0x61, 0x73, 0x6d, 0x0d, 0x00, 0x01, 0x00, 0x01, 0x33, 0x00, 0x61, 0x73, 0x6d,
      0x01, 0x00, 0x00, 0x00, 0x01, 0x0b, 0x01, 0x60, 0x06, 0x7f, 0x7f, 0x7f, 0x7f, 0x7f, 0x7f,
      0x01, 0x7f, 0x03, 0x02, 0x01, 0x00, 0x07, 0x05, 0x01, 0x01, 0x66, 0x00, 0x00, 0x0a, 0x06,
      0x01, 0x04, 0x00, 0x20, 0x00, 0x0b, 0x00, 0x09, 0x04, 0x6e, 0x61, 0x6d, 0x65, 0x00, 0x02,
      0x01, 0x6d, 0x02, 0x14, 0x02, 0x6b, 0x7d, 0x40, 0x04, 0x01, 0x72, 0x01, 0x01, 0x65, 0x03,
      0x01, 0x6f, 0x06, 0x02, 0x66, 0x6c, 0x05, 0x00, 0x79, 0x06, 0x07, 0x01, 0x00, 0x00, 0x01,
      0x00, 0x01, 0x66, 0x08, 0x06, 0x01, 0x00, 0x00, 0x00, 0x00, 0x07, 0x00, 0x5b, 0x0c, 0x70,
      0x61, 0x63, 0x6b, 0x61, 0x67, 0x65, 0x2d, 0x64, 0x6f, 0x63, 0x73, 0x01, 0x7b, 0x22, 0x77,
      0x6f, 0x72, 0x6c, 0x64, 0x73, 0x22, 0x3a, 0x7b, 0x22, 0x72, 0x6f, 0x6f, 0x41, 0x22, 0x3a,
      0x7b, 0x22, 0x74, 0x79, 0x70, 0x65, 0x73, 0x22, 0x3a, 0x7b, 0x22, 0x70, 0x6f, 0x69, 0x6e,
      0x74, 0x22, 0x3a, 0x7b, 0x22, 0x64, 0x6f, 0x63, 0x73, 0x22, 0x3a, 0x22, 0x41, 0x20, 0x70,
      0x6f, 0x69, 0x6e, 0x74, 0x2e, 0x22, 0x2c, 0x22, 0x69, 0x74, 0x65, 0x6d, 0x73, 0x22, 0x3a,
      0x7b, 0x22, 0x61, 0x77, 0x6f, 0x72, 0x6c, 0x64, 0x7d, 0x7d, 0x7d, 0x7d, 0x7d, 0x7d, 0x0b,
      0x07, 0x01, 0x00, 0x01, 0x66, 0x01, 0x00, 0x00, 0x00, 0x39, 0x0e, 0x63, 0x6f, 0x6d, 0x70,
      0x6f, 0x6e, 0x65, 0x6e, 0x74, 0x2d, 0x6e, 0x61, 0x6d, 0x65, 0x01, 0x06, 0x6d, 0x0d, 0x00,
      0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
      0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
      0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x33, 0x00, 0x61, 0x73, 0x6d,
      0x01, 0x00, 0x00, 0x00, 0x01, 0x0b, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x0d,
      0x01, 0x60, 0x06, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x7f,
  };
  rusage before{};
  getrusage(RUSAGE_SELF, &before);
  auto wit = component_wit(std::span<const uint8_t>(kInput, sizeof kInput));
  rusage after{};
  getrusage(RUSAGE_SELF, &after);
  ASSERT_FALSE(wit);
  EXPECT_NE(wit.error().message.find("not a valid component"), std::string::npos)
      << wit.error().message;
  EXPECT_LT(after.ru_maxrss - before.ru_maxrss, 64 * 1024) << "KiB of peak memory grown";
}

}  // namespace
}  // namespace asterai::runtime
