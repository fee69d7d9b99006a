// Manifests, tags, referrers and catalog over HTTP, plus the manifest error cases.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "asterai/registry/digest.h"
#include "test_server.h"

namespace asterai::registry::testing {
namespace {

using nlohmann::json;
const std::string kManifestType = "Content-Type: application/vnd.oci.image.manifest.v1+json";

struct Pushed {
  std::string digest;
  std::string body;
};

Pushed push_image(const Client& c, const std::string& repo, const std::string& ref,
                  const std::string& layer, const std::string& extra = "") {
  std::string config = "{}";
  std::string cd = push_blob(c, repo, config);
  std::string ld = push_blob(c, repo, layer);
  std::string m = image_manifest(cd, config.size(), {{ld, layer.size()}}, extra);
  auto r = c.send({"PUT", "/v2/" + repo + "/manifests/" + ref, m, {kManifestType}});
  EXPECT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(r.header("docker-content-digest"), digest_of(m).to_string());
  return {digest_of(m).to_string(), m};
}

TEST(Manifests, PushByTagPullByTagAndDigest) {
  TestRegistry t;
  auto c = t.client();
  auto p = push_image(c, "alice/tool", "latest", "layer");
  auto byTag = c.get("/v2/alice/tool/manifests/latest");
  EXPECT_EQ(byTag.status, 200);
  EXPECT_EQ(byTag.body, p.body);
  EXPECT_EQ(byTag.header("content-type"), "application/vnd.oci.image.manifest.v1+json");
  EXPECT_EQ(byTag.header("docker-content-digest"), p.digest);
  auto head = c.send({"HEAD", "/v2/alice/tool/manifests/" + p.digest});
  EXPECT_EQ(head.status, 200);
  EXPECT_EQ(head.header("content-length"), std::to_string(p.body.size()));
  EXPECT_EQ(c.get("/v2/alice/tool/manifests/nope").status, 404);
}

TEST(Manifests, Rejections) {
  TestRegistry t;
  auto c = t.client();
  std::string cd = push_blob(c, "a/b", "{}");
  auto code_of = [&](const std::string& ref, const std::string& body,
                     const std::string& type = kManifestType) {
    auto r = c.send({"PUT", "/v2/a/b/manifests/" + ref, body, {type}});
    auto j = json::parse(r.body, nullptr, false);
    std::string code = j.is_object() ? j["errors"][0]["code"].get<std::string>() : "";
    return std::to_string(r.status) + " " + code;
  };
  EXPECT_EQ(code_of("v", "{not json"), "400 MANIFEST_INVALID");
  EXPECT_EQ(code_of("v", "[]"), "400 MANIFEST_INVALID");
  EXPECT_EQ(code_of("v", R"({"schemaVersion":2,"layers":[]})"), "400 MANIFEST_INVALID");
  std::string missing = image_manifest(cd, 2, {{digest_of("absent").to_string(), 6}});
  EXPECT_EQ(code_of("v", missing), "400 MANIFEST_BLOB_UNKNOWN");
  std::string good = image_manifest(cd, 2, {});
  EXPECT_EQ(code_of(digest_of("other").to_string(), good), "400 DIGEST_INVALID");
  EXPECT_EQ(code_of("v", good, "Content-Type: application/vnd.oci.image.index.v1+json"),
            "400 MANIFEST_INVALID");
  EXPECT_EQ(code_of("bad..tag!", good), "400 MANIFEST_INVALID");
  std::string huge =
      image_manifest(cd, 2, {}, R"(,"annotations":{"x":")" + std::string(5 << 20, 'x') + "\"}");
  EXPECT_EQ(code_of("v", huge), "413 SIZE_INVALID");
  EXPECT_EQ(code_of("v", good), "201 ");
}

TEST(Manifests, ReleasedVersionsAreImmutable) {
  TestRegistry t;
  auto c = t.client();
  push_image(c, "a/b", "1.0.0", "one");
  auto again = push_image(c, "a/b", "latest", "two");
  auto r = c.send({"PUT", "/v2/a/b/manifests/1.0.0", again.body, {kManifestType}});
  EXPECT_EQ(r.status, 409);
  // Pre-releases and other tags move freely.
  push_image(c, "a/b", "1.1.0-rc.1", "three");
  EXPECT_EQ(c.send({"PUT", "/v2/a/b/manifests/1.1.0-rc.1", again.body, {kManifestType}}).status,
            201);
}

TEST(Manifests, IndexNeedsItsManifests) {
  TestRegistry t;
  auto c = t.client();
  auto p = push_image(c, "a/b", "amd64", "x");
  std::string index =
      R"({"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[)"
      R"({"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":")" +
      p.digest + R"(","size":)" + std::to_string(p.body.size()) + "}]}";
  const std::string type = "Content-Type: application/vnd.oci.image.index.v1+json";
  EXPECT_EQ(c.send({"PUT", "/v2/a/b/manifests/multi", index, {type}}).status, 201);
  EXPECT_EQ(c.send({"PUT", "/v2/a/other/manifests/multi", index, {type}}).status, 400);
}

TEST(Manifests, DeleteByDigestRemovesTagsAndDeleteTag) {
  TestRegistry t;
  auto c = t.client();
  auto p = push_image(c, "a/b", "one", "x");
  push_image(c, "a/b", "two", "x");  // same content, second tag
  EXPECT_EQ(c.send({"DELETE", "/v2/a/b/manifests/two"}).status, 202);
  EXPECT_EQ(c.get("/v2/a/b/manifests/two").status, 404);
  EXPECT_EQ(c.get("/v2/a/b/manifests/one").status, 200);
  EXPECT_EQ(c.send({"DELETE", "/v2/a/b/manifests/" + p.digest}).status, 202);
  EXPECT_EQ(c.get("/v2/a/b/manifests/one").status, 404);
  EXPECT_EQ(c.get("/v2/a/b/manifests/" + p.digest).status, 404);
  EXPECT_EQ(c.send({"DELETE", "/v2/a/b/manifests/" + p.digest}).status, 404);
}

TEST(Discovery, TagsPaginateWithLinkHeaders) {
  TestRegistry t;
  auto c = t.client();
  for (auto tag : {"c", "a", "b", "d"}) push_image(c, "a/b", tag, "x");
  auto all = json::parse(c.get("/v2/a/b/tags/list").body);
  EXPECT_EQ(all["tags"], json({"a", "b", "c", "d"}));
  auto page1 = c.get("/v2/a/b/tags/list?n=2");
  EXPECT_EQ(json::parse(page1.body)["tags"], json({"a", "b"}));
  EXPECT_EQ(page1.header("link"), "</v2/a/b/tags/list?n=2&last=b>; rel=\"next\"");
  auto page2 = c.get("/v2/a/b/tags/list?n=2&last=b");
  EXPECT_EQ(json::parse(page2.body)["tags"], json({"c", "d"}));
  EXPECT_EQ(page2.header("link"), "");
  EXPECT_EQ(c.get("/v2/nobody/here/tags/list").status, 404);
  EXPECT_EQ(c.get("/v2/a/b/tags/list?n=x").status, 400);
}

TEST(Discovery, ReferrersWithArtifactTypeFilter) {
  TestRegistry t;
  auto c = t.client();
  auto subject = push_image(c, "a/b", "v1", "component");
  std::string subj =
      R"(,"subject":{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":")" +
      subject.digest + R"(","size":)" + std::to_string(subject.body.size()) + "}";
  std::string empty_config = push_blob(c, "a/b", "{}");
  std::string witText =
      "package acme:greet;\ninterface greeter { greet: func(name: string) -> string; }\n";
  std::string witLayer = push_blob(c, "a/b", witText);
  std::string m = R"({"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json",)"
                  R"("artifactType":"application/vnd.asterai.wit.v1+text",)"
                  R"("config":{"mediaType":"application/vnd.oci.empty.v1+json","digest":")" +
                  empty_config + R"(","size":2},"layers":[{"mediaType":"text/plain","digest":")" +
                  witLayer + R"(","size":)" + std::to_string(witText.size()) + "}]" + subj + "}";
  auto put = c.send({"PUT", "/v2/a/b/manifests/" + digest_of(m).to_string(), m, {kManifestType}});
  EXPECT_EQ(put.status, 201) << put.body;
  EXPECT_EQ(put.header("oci-subject"), subject.digest);
  auto other = push_image(c, "a/b", "sig", "signature", subj);
  auto all = c.get("/v2/a/b/referrers/" + subject.digest);
  EXPECT_EQ(all.status, 200);
  EXPECT_EQ(all.header("content-type"), "application/vnd.oci.image.index.v1+json");
  EXPECT_EQ(json::parse(all.body)["manifests"].size(), 2u);
  auto filtered = c.get("/v2/a/b/referrers/" + subject.digest +
                        "?artifactType=application/vnd.asterai.wit.v1%2Btext");
  auto j = json::parse(filtered.body);
  ASSERT_EQ(j["manifests"].size(), 1u);
  EXPECT_EQ(j["manifests"][0]["digest"], digest_of(m).to_string());
  EXPECT_EQ(j["manifests"][0]["artifactType"], "application/vnd.asterai.wit.v1+text");
  EXPECT_EQ(filtered.header("oci-filters-applied"), "artifactType");
  // An image manifest without artifactType reports its config media type.
  auto none = c.get("/v2/a/b/referrers/" + subject.digest +
                    "?artifactType=application/vnd.oci.image.config.v1%2Bjson");
  EXPECT_EQ(json::parse(none.body)["manifests"][0]["digest"], other.digest);
  EXPECT_EQ(
      json::parse(c.get("/v2/a/b/referrers/" + digest_of("nothing").to_string()).body)["manifests"]
          .size(),
      0u);
}

TEST(Discovery, Catalog) {
  TestRegistry t;
  auto c = t.client();
  for (auto repo : {"x/one", "x/two", "y/three"}) push_image(c, repo, "v", "x");
  auto page = c.get("/v2/_catalog?n=2");
  EXPECT_EQ(json::parse(page.body)["repositories"], json({"x/one", "x/two"}));
  EXPECT_NE(page.header("link").find("last=x/two"), std::string::npos);
  EXPECT_EQ(json::parse(c.get("/v2/_catalog?n=2&last=x/two").body)["repositories"],
            json({"y/three"}));
}

TEST(BadInput, NamesAndEndpoints) {
  TestRegistry t;
  auto c = t.client();
  EXPECT_EQ(c.get("/v2/").status, 200);
  for (std::string path : {"/v2/UPPER/manifests/x", "/v2/a/../b/manifests/x",
                           "/v2/a%2F..%2Fb/manifests/x", "/v2/-a/blobs/sha256:00"}) {
    auto r = c.get(path);
    EXPECT_TRUE(r.status == 400 || r.status == 404) << path << " " << r.status;
  }
  EXPECT_NE(c.get("/v2/UPPER/manifests/x").body.find("NAME_INVALID"), std::string::npos);
  EXPECT_EQ(c.get("/v2/a/b/blobs/sha256:xyz").status, 400);
  EXPECT_EQ(c.get("/v2/a/b/blobs/uploads/../../etc").status, 404);
  EXPECT_EQ(c.get("/v2/a/b/blobs/uploads/0123456789abcdef0123456789abcdef").status, 404);
  EXPECT_EQ(c.get("/elsewhere").status, 404);
  EXPECT_EQ(c.send({"POST", "/v2/a/b/manifests/x"}).status, 405);
}

}  // namespace
}  // namespace asterai::registry::testing
