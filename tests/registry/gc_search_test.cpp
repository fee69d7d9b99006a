// Garbage collection (what it keeps, what it removes) and search ranking/visibility, and
// crash leftovers (temp files, partial uploads) never becoming visible.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "asterai/common/sqlite.h"

#include "asterai/registry/digest.h"
#include "asterai/registry/gc.h"
#include "test_server.h"

namespace asterai::registry::testing {
namespace {

using nlohmann::json;
const std::string kType = "Content-Type: application/vnd.oci.image.manifest.v1+json";

std::string push_manifest(const Client& c, const std::string& repo, const std::string& ref,
                          const std::string& m) {
  auto r = c.send({"PUT", "/v2/" + repo + "/manifests/" + ref, m, {kType}});
  EXPECT_EQ(r.status, 201) << r.body;
  return r.header("docker-content-digest");
}

GcReport gc(TestRegistry& t, int64_t grace = 60) {
  GcOptions o;
  o.grace_seconds = grace;
  auto r = collect_garbage(t.registry().blobs(), t.registry().metadata(), t.clock(), o);
  EXPECT_TRUE(r);
  return *r;
}

TEST(Gc, KeepsReferencedAndYoungRemovesOrphans) {
  TestRegistry t;
  auto c = t.client();
  std::string cfg = push_blob(c, "a/b", "{}");
  std::string kept = push_blob(c, "a/b", "kept layer");
  std::string dropped = push_blob(c, "a/b", "layer of a deleted manifest");
  std::string dangling = push_blob(c, "a/b", "pushed but never used");
  push_manifest(c, "a/b", "v1", image_manifest(cfg, 2, {{kept, 10}}));
  std::string gone = push_manifest(c, "a/b", "v2", image_manifest(cfg, 2, {{dropped, 27}}));
  // A referrer whose subject is v1 keeps its own content.
  std::string sig = push_blob(c, "a/b", "signature");
  std::string subject = push_manifest(c, "a/b", "v1", image_manifest(cfg, 2, {{kept, 10}}));
  push_manifest(
      c, "a/b", "sig",
      image_manifest(
          cfg, 2, {{sig, 9}},
          R"(,"subject":{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":")" +
              subject + R"(","size":1})"));
  ASSERT_EQ(c.send({"DELETE", "/v2/a/b/manifests/" + gone}).status, 202);
  // Within the grace period nothing goes (a manifest may still be on its way).
  EXPECT_EQ(gc(t).blobs_removed, 0u);
  t.clock().now += 3600;
  // File mtimes are real time; a grace of -1 h makes every file "old" for this test.
  GcReport r = gc(t, -3600);
  EXPECT_EQ(r.blobs_removed, 3u);  // dropped layer, dangling blob, deleted manifest
  for (const auto& d : {cfg, kept, sig})
    EXPECT_EQ(c.send({"HEAD", "/v2/a/b/blobs/" + d}).status, 200) << d;
  for (const auto& d : {dropped, dangling})
    EXPECT_EQ(c.send({"HEAD", "/v2/a/b/blobs/" + d}).status, 404) << d;
  EXPECT_EQ(c.get("/v2/a/b/manifests/v1").status, 200);
  EXPECT_EQ(c.get("/v2/a/b/manifests/sig").status, 200);
  EXPECT_EQ(gc(t, -3600).blobs_removed, 0u);  // idempotent
}

TEST(Gc, OpenUploadsSurviveUntilTheyAreOld) {
  TestRegistry t;
  auto c = t.client();
  auto start = c.send({"POST", "/v2/a/b/blobs/uploads/"});
  ASSERT_EQ(c.send({"PATCH", start.header("location"), "partial"}).status, 202);
  EXPECT_EQ(gc(t, -3600).uploads_removed, 0u);
  EXPECT_EQ(c.get(start.header("location")).status, 204);
  t.clock().now += 2 * 24 * 3600;
  EXPECT_EQ(gc(t, -3600).uploads_removed, 1u);
  EXPECT_EQ(c.get(start.header("location")).status, 404);
}

TEST(Durability, CrashLeftoversAreNeverServed) {
  TestRegistry t;
  auto c = t.client();
  std::string good = push_blob(c, "a/b", "committed");
  // What a crash mid-write leaves: a temp file, and a blob file without metadata.
  std::ofstream(t.root() / "tmp" / "12345") << "half a manifest";
  std::string orphan = digest_of("never linked").to_string();
  auto dir = t.root() / "blobs" / "sha256" / orphan.substr(7, 2);
  std::filesystem::create_directories(dir);
  std::ofstream(dir / orphan.substr(7)) << "never linked";
  t.restart();
  c = t.client();
  EXPECT_TRUE(std::filesystem::is_empty(t.root() / "tmp"));
  EXPECT_EQ(c.get("/v2/a/b/blobs/" + good).body, "committed");
  EXPECT_EQ(c.send({"HEAD", "/v2/a/b/blobs/" + orphan}).status, 404);
  // gc removes the orphan, and the committed blob too: no manifest references it.
  EXPECT_EQ(gc(t, -3600).blobs_removed, 2u);
}

std::string push_tool(const Client& c, const std::string& repo, const std::string& description,
                      const std::string& wit, const std::string& tools) {
  std::string cfg = push_blob(c, repo, "{}");
  std::string wasm = push_blob(c, repo, "\0asm" + repo);
  std::string subject =
      push_manifest(c, repo, "1.0.0",
                    image_manifest(cfg, 2, {{wasm, 4 + repo.size()}},
                                   R"(,"annotations":{"org.opencontainers.image.description":")" +
                                       description + "\"}"));
  auto referrer = [&](const std::string& type, const std::string& body) {
    std::string layer = push_blob(c, repo, body);
    std::string m =
        R"({"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","artifactType":")" +
        type + R"(","config":{"mediaType":"application/vnd.oci.empty.v1+json","digest":")" + cfg +
        R"(","size":2},"layers":[{"mediaType":"text/plain","digest":")" + layer + R"(","size":)" +
        std::to_string(body.size()) +
        R"(}],"subject":{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":")" +
        subject + R"(","size":1}})";
    push_manifest(c, repo, digest_of(m).to_string(), m);
  };
  referrer("application/vnd.asterai.wit.v1+text", wit);
  referrer("application/vnd.asterai.tools.v1+json", tools);
  return subject;
}

TEST(Search, RanksPublicToolsByNameToolsAndInterfaces) {
  TestRegistry t(/*auth=*/false, /*default_public=*/true);
  auto c = t.client();
  push_tool(c, "acme/weather", "Forecasts for any city",
            "package acme:weather;\ninterface forecast {}\n",
            R"({"tools":[{"name":"get-forecast"}]})");
  push_tool(c, "acme/clock", "Tells the time; no weather", "interface time {}\n",
            R"([{"name":"now"}])");
  push_tool(c, "acme/secret", "weather for insiders", "interface hidden {}\n",
            R"([{"name":"weather-leak"}])");
  ASSERT_TRUE(t.registry().metadata().set_visibility("acme/secret", false));
  auto r = json::parse(c.get("/v1/search?q=weather").body);
  ASSERT_EQ(r["total"], 2);
  EXPECT_EQ(r["results"][0]["name"], "acme/weather");
  EXPECT_EQ(r["results"][0]["tools"], json({"get-forecast"}));
  EXPECT_EQ(r["results"][0]["tags"], json({"1.0.0"}));
  EXPECT_EQ(r["results"][0]["description"], "Forecasts for any city");
  EXPECT_EQ(r["results"][1]["name"], "acme/clock");
  EXPECT_EQ(json::parse(c.get("/v1/search?q=forecast").body)["results"][0]["interfaces"],
            json({"acme:weather", "forecast"}));
  EXPECT_EQ(json::parse(c.get("/v1/search?q=now").body)["results"][0]["name"], "acme/clock");
  EXPECT_EQ(json::parse(c.get("/v1/search?q=insiders").body)["total"], 0);
  auto page = json::parse(c.get("/v1/search?q=&n=1&page=2").body);
  EXPECT_EQ(page["total"], 2);
  EXPECT_EQ(page["results"].size(), 1u);
}

// Searches read an index kept in memory: every change since the last search shows, whether it
// came through this registry or another connection to its database.
TEST(Search, SeesEveryChangeSinceTheLastSearch) {
  TestRegistry t(/*auth=*/false, /*default_public=*/true);
  auto c = t.client();
  auto total = [&](const std::string& q) {
    return json::parse(c.get("/v1/search?q=" + q).body)["total"].get<int>();
  };
  EXPECT_EQ(total("weather"), 0);
  push_tool(c, "acme/weather", "Forecasts", "interface forecast {}\n",
            R"([{"name":"get-forecast"}])");
  EXPECT_EQ(total("weather"), 1);
  EXPECT_EQ(total("1.0.0"), 1) << "its tag";
  ASSERT_EQ(c.send({"DELETE", "/v2/acme/weather/manifests/1.0.0", "", {}}).status, 202);
  EXPECT_EQ(total("1.0.0"), 0) << "the tag is gone";
  ASSERT_TRUE(t.registry().metadata().set_visibility("acme/weather", false));
  EXPECT_EQ(total("weather"), 0);

  // Another process (e.g. an admin command) writing to the same database.
  auto other = sqlite::Database::open((t.root() / "registry.db").string());
  ASSERT_TRUE(other) << other.error().message;
  ASSERT_TRUE((*other)->exec("UPDATE repositories SET public=1 WHERE name='acme/weather'"));
  EXPECT_EQ(total("weather"), 1);
}

// Found by tests/fuzz/registry_http_fuzz: the query is echoed in the answer, and one that was
// not UTF-8 made the JSON unwritable: a 500.
TEST(Search, AQueryThatIsNotUtf8IsAnswered) {
  TestRegistry t(/*auth=*/false, /*default_public=*/true);
  auto r = t.client().get("/v1/search?q=%D9weather");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(json::parse(r.body)["query"], "\xEF\xBF\xBDweather");
}

}  // namespace
}  // namespace asterai::registry::testing
