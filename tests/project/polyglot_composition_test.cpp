// Composition across languages through an environment: a Rust component calling a Python one,
// and a JavaScript component calling a Go one. All four are built from
// tests/components/polyglot with `asterai build`, then composed by `asterai env` and called
// with `asterai env call`; each runs in its own sandbox with its own grants.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>

#include <nlohmann/json.hpp>

#include "test_support.h"

namespace asterai {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using test::run_asterai;

const fs::path kPolyglot = ASTERAI_POLYGLOT_DIR;

struct Pair {
  std::string caller, provider;  // folders under tests/components/polyglot
  std::string caller_lang, provider_lang;
};

void PrintTo(const Pair& p, std::ostream* os) {
  *os << p.caller << " -> " << p.provider;
}

class PolyglotComposition : public ::testing::TestWithParam<Pair> {
 protected:
  // Its own ASTERAI_HOME (drafts, the local store); the tool cache stays the user's, so the
  // builds find the installed toolchains.
  void SetUp() override { ::setenv("ASTERAI_HOME", home_.path().c_str(), 1); }
  void TearDown() override { ::unsetenv("ASTERAI_HOME"); }

  std::string build(const std::string& folder) {
    auto r = run_asterai({"build", (kPolyglot / folder).string(), "--out-dir", out_.path().string(),
                          "--json", "--force"});
    EXPECT_EQ(r.exit_code, 0) << folder << ": " << r.err;
    return json::parse(r.out.empty() ? "{}" : r.out).value("output", "");
  }

  test::ProcessResult call(const std::string& function, const std::string& argument) {
    return run_asterai({"env", "call", "--offline", "alice/poly", "digest", function, argument});
  }

  test::TempDir home_{"polyglot-home"}, out_{"polyglot-out"};
};

TEST_P(PolyglotComposition, CallerUsesProviderInAnotherLanguage) {
  const Pair& p = GetParam();
  std::string caller = build(p.caller), provider = build(p.provider);
  ASSERT_TRUE(fs::exists(caller) && fs::exists(provider));
  ASSERT_EQ(run_asterai({"env", "init", "alice/poly"}).exit_code, 0);
  ASSERT_EQ(run_asterai({"env", "add", "alice/poly", "digest", caller}).exit_code, 0);
  ASSERT_EQ(run_asterai({"env", "add", "alice/poly", "words", provider}).exit_code, 0);
  ASSERT_EQ(run_asterai({"env", "grant", "alice/poly", "words", "--env", "WORDS_SECRET=for-words"})
                .exit_code,
            0);
  ASSERT_EQ(run_asterai({"env", "grant", "alice/poly", "digest", "--env", "DIGEST_ONLY=for-digest"})
                .exit_code,
            0);

  // Records in a list, built by the provider and read by the caller.
  auto r = call("digest/summary", R"("The cat and the hat; THE end")");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "\"5 distinct words; top: the x3 (by " + p.caller_lang + ")\"\n");
  r = call("digest/summary", R"("1 2 3 !")");
  EXPECT_EQ(r.out, "\"no words (by " + p.caller_lang + ")\"\n") << r.err;

  // A result's both cases cross the boundary; the error is the provider's own.
  r = call("digest/loud", R"("quiet please")");
  EXPECT_EQ(json::parse(r.out), json({{"ok", "QUIET PLEASE"}})) << r.err;
  r = call("digest/loud", R"("")");
  EXPECT_EQ(json::parse(r.out),
            json({{"err", "provider says: nothing to shout (" + p.provider_lang + ")"}}))
      << r.err;

  // Each in its own sandbox: the provider sees its own grant, not the caller's.
  r = call("digest/provider-setting", "WORDS_SECRET");
  EXPECT_EQ(r.out, "\"for-words\"\n") << r.err;
  r = call("digest/provider-setting", "DIGEST_ONLY");
  EXPECT_EQ(r.out, "null\n") << r.err;

  // Without a provider the caller is refused at composition, naming the missing interface.
  ASSERT_EQ(run_asterai({"env", "remove", "alice/poly", "words"}).exit_code, 0);
  r = call("digest/summary", R"("a b")");
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("asterai:polyglot/words"), std::string::npos) << r.err;
}

INSTANTIATE_TEST_SUITE_P(Languages, PolyglotComposition,
                         ::testing::Values(Pair{"rust-digest", "py-words", "rust", "python"},
                                           Pair{"js-digest", "go-words", "js", "go"}),
                         [](const auto& info) {
                           return info.param.caller_lang + "_calls_" + info.param.provider_lang;
                         });

}  // namespace
}  // namespace asterai
