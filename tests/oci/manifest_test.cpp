#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "asterai/oci/digest.h"
#include "asterai/oci/manifest.h"
#include "asterai/oci/media_types.h"

namespace asterai::oci {
namespace {

using nlohmann::json;

Artifact sample_component() {
  ComponentInfo info{
      {"asterai:x/values@0.1.0", "add"}, {"wasi:io/streams@0.2.0"}, "asterai:x/w@0.1.0"};
  ComponentMetadata meta;
  meta.title = "greeter";
  meta.description = "Greets";
  meta.version = "1.0.0";
  meta.licenses = "MIT";
  meta.author = "alice";
  meta.created = "2026-01-01T00:00:00Z";
  return build_component_artifact({0, 'a', 's', 'm', 1, 0, 0, 0}, info, meta);
}

TEST(Manifest, ComponentFollowsTheCncfWasmLayout) {
  auto a = sample_component();
  EXPECT_EQ(a.digest, sha256_digest(a.bytes));
  auto j = json::parse(a.bytes);
  EXPECT_EQ(j["schemaVersion"], 2);
  EXPECT_EQ(j["mediaType"], kImageManifest);
  EXPECT_EQ(j["config"]["mediaType"], kWasmConfig);
  ASSERT_EQ(j["layers"].size(), 1u);
  EXPECT_EQ(j["layers"][0]["mediaType"], kWasmLayer);
  EXPECT_EQ(j["layers"][0]["size"], 8);
  for (auto key : {kAnnotationTitle, kAnnotationDescription, kAnnotationVersion,
                   kAnnotationLicenses, kAnnotationCreated})
    EXPECT_TRUE(j["annotations"].contains(std::string(key))) << key;
  EXPECT_FALSE(j["annotations"].contains(std::string(kAnnotationSource)));  // empty: left out
  ASSERT_EQ(a.blobs.size(), 2u);
  auto config = json::parse(a.blobs[0].bytes);
  EXPECT_EQ(config["architecture"], "wasm");
  EXPECT_EQ(config["os"], "wasip2");
  EXPECT_EQ(config["author"], "alice");
  EXPECT_EQ(config["created"], "2026-01-01T00:00:00Z");
  EXPECT_EQ(config["layerDigests"], json::array({a.blobs[1].descriptor.digest}));
  EXPECT_EQ(config["component"]["target"], "asterai:x/w@0.1.0");
  EXPECT_EQ(config["component"]["exports"].size(), 2u);

  auto parsed = parse_manifest(a.bytes);
  ASSERT_TRUE(parsed);
  auto layer = wasm_layer(*parsed);
  ASSERT_TRUE(layer);
  EXPECT_EQ(layer->digest, a.blobs[1].descriptor.digest);
}

TEST(Manifest, ReferrerHasSubjectArtifactTypeAndEmptyConfig) {
  auto c = sample_component();
  std::vector<Blob> layers;
  layers.push_back(
      make_blob("text/plain", {'p', 'k', 'g'}, {{std::string(kAnnotationTitle), "w.wit"}}));
  auto r = build_referrer(kWitArtifact, c.descriptor(), std::move(layers), {});
  auto j = json::parse(r.bytes);
  EXPECT_EQ(j["artifactType"], kWitArtifact);
  EXPECT_EQ(j["config"]["mediaType"], kEmptyConfig);
  EXPECT_EQ(j["config"]["size"], 2);
  EXPECT_EQ(j["config"]["digest"], sha256_digest(std::string_view("{}")));
  EXPECT_EQ(j["subject"]["digest"], c.digest);
  EXPECT_EQ(j["subject"]["mediaType"], kImageManifest);
  auto parsed = parse_manifest(r.bytes);
  ASSERT_TRUE(parsed);
  EXPECT_EQ(parsed->effective_artifact_type(), kWitArtifact);
  ASSERT_TRUE(parsed->subject);
  EXPECT_FALSE(wasm_layer(*parsed));
}

TEST(Manifest, RejectsWhatIsNotAComponentManifest) {
  const std::string d = "sha256:" + std::string(64, '0');
  struct Case {
    std::string body;
    std::string why;
  };
  std::vector<Case> cases = {
      {"not json", "JSON"},
      {R"({"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[]})",
       "index"},
      {R"({"schemaVersion":2,"config":{"mediaType":"x","digest":"sha256:12","size":1},"layers":[]})",
       "digest"},
      {R"({"schemaVersion":2,"config":{"mediaType":"x","digest":")" + d +
           R"(","size":-1},"layers":[]})",
       "size"},
      {R"({"schemaVersion":2,"mediaType":"text/html","config":{},"layers":[]})", "media type"},
  };
  for (const auto& c : cases) {
    auto m = parse_manifest(c.body);
    ASSERT_FALSE(m) << c.body;
    EXPECT_EQ(m.error().kind, ErrorKind::invalid_input);
    EXPECT_NE(m.error().message.find(c.why), std::string::npos) << m.error().message;
  }
  std::string two = R"({"schemaVersion":2,"config":{"mediaType":"x","digest":")" + d +
                    R"(","size":1},"layers":[{"mediaType":"application/wasm","digest":")" + d +
                    R"(","size":1},{"mediaType":"application/wasm","digest":")" + d +
                    R"(","size":1}]})";
  auto m = parse_manifest(two);
  ASSERT_TRUE(m);
  EXPECT_FALSE(wasm_layer(*m));
}

TEST(Manifest, IndexRoundTrip) {
  Descriptor d{std::string(kImageManifest),
               "sha256:" + std::string(64, 'b'),
               10,
               std::string(kToolsArtifact),
               {{"k", "v"}}};
  auto parsed = parse_index(build_index({d}));
  ASSERT_TRUE(parsed);
  ASSERT_EQ(parsed->size(), 1u);
  EXPECT_EQ((*parsed)[0].artifact_type, kToolsArtifact);
  EXPECT_EQ((*parsed)[0].annotations.at("k"), "v");
}

TEST(Digest, ValidatesAndHashesStreams) {
  EXPECT_TRUE(is_valid_digest("sha256:" + std::string(64, 'f')));
  EXPECT_FALSE(is_valid_digest("sha256:" + std::string(64, 'F')));
  EXPECT_FALSE(is_valid_digest("sha512:" + std::string(64, 'f')));
  Sha256Stream s;
  std::string text = "hello world";
  s.update(std::span(reinterpret_cast<const uint8_t*>(text.data()), 5));
  s.update(std::span(reinterpret_cast<const uint8_t*>(text.data()) + 5, 6));
  EXPECT_EQ(s.finish(), sha256_digest(text));
  EXPECT_EQ(sha256_digest(std::string_view("")),
            "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

}  // namespace
}  // namespace asterai::oci
