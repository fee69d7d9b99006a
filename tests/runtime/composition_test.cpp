// Composition against real components built from source (tests/components/compose): a
// JavaScript component calls a C one, a Python component calls the JavaScript one, each callee
// in its own sandbox with its own grants and limits; link errors come at link time; an agent
// component lists and calls the others through the host API asterai:host/registry.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <thread>

#include "asterai/runtime/composition.h"
#include "test_support.h"

namespace asterai::runtime {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;

class CompositionTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    EngineOptions options;
    options.cache_dir = test::shared_cache_dir();
    runtime_ = *Runtime::create(options);
    for (const char* name :
         {"c-math", "c-cycle", "c-resource", "c-mismatch", "c-agent", "js-text", "py-report"}) {
      auto loaded = runtime_->load_file(test::component(std::string("compose-") + name + ".wasm"));
      ASSERT_TRUE(loaded) << loaded.error().to_string();
      components_[name] = *loaded;
    }
  }
  static void TearDownTestSuite() {
    components_.clear();
    runtime_.reset();
  }

  static Member member(std::string name, const std::string& component, Grants grants = {},
                       CallLimits limits = {}) {
    return Member{std::move(name), components_.at(component), std::move(grants), limits};
  }

  static std::shared_ptr<const Composition> link(std::vector<Member> members,
                                                 std::vector<Wire> wires = {}) {
    auto linked = Composition::link(runtime_, std::move(members), std::move(wires));
    EXPECT_TRUE(linked) << linked.error().to_string();
    return linked ? *linked : nullptr;
  }

  static Error link_error(std::vector<Member> members, std::vector<Wire> wires = {}) {
    auto linked = Composition::link(runtime_, std::move(members), std::move(wires));
    EXPECT_FALSE(linked) << "linked, but should not have";
    return linked ? Error{} : linked.error();
  }

  static CallOutcome call(const Composition& c, const std::string& member,
                          const std::string& function, const json& args) {
    const Member* m = c.find(member);
    EXPECT_NE(m, nullptr) << member;
    auto fn = m->component->find_function(function);
    EXPECT_TRUE(fn) << fn.error().to_string();
    return c.call(member, **fn, args);
  }

  static json ok_result(const Composition& c, const std::string& member,
                        const std::string& function, const json& args) {
    auto outcome = call(c, member, function, args);
    EXPECT_TRUE(outcome.ok()) << outcome.error->to_string();
    return outcome.result;
  }

  static inline std::shared_ptr<Runtime> runtime_;
  static inline std::map<std::string, std::shared_ptr<const Component>> components_;
};

TEST_F(CompositionTest, JavaScriptCallsC) {
  auto c = link({member("math", "c-math"), member("text", "js-text")});
  ASSERT_TRUE(c);
  EXPECT_EQ(ok_result(*c, "text", "text/summary", {{"a", 2}, {"b", 40}}), "2 + 40 = 42");
  // Records, lists, options and results cross the boundary in both directions.
  EXPECT_EQ(ok_result(*c, "text", "text/scaled", {{"p", {{"x", 2}, {"y", -3}}}, {"k", 5}}),
            json({{"x", 10}, {"y", -15}}));
  EXPECT_EQ(ok_result(*c, "text", "text/sentence", {{"words", {"snap", "together"}}}),
            "snap together.");
  EXPECT_EQ(ok_result(*c, "text", "text/sentence", {{"words", json::array()}}), "(nothing)");
  EXPECT_EQ(ok_result(*c, "text", "text/divide", {{"a", 7}, {"b", 2}}), json({{"ok", 3}}));
  EXPECT_EQ(ok_result(*c, "text", "text/divide", {{"a", 7}, {"b", 0}}),
            json({{"err", "math says: division by zero"}}));
}

TEST_F(CompositionTest, PythonCallsJavaScriptCallsC) {
  auto c =
      link({member("math", "c-math"), member("text", "js-text"), member("report", "py-report")});
  ASSERT_TRUE(c);
  EXPECT_EQ(ok_result(*c, "report", "report/report", {{"a", 20}, {"b", 22}}),
            "report: 20 + 22 = 42");
}

TEST_F(CompositionTest, EachCalleeRunsWithItsOwnGrants) {
  Grants caller;
  caller.env = {{"CALLER_TOKEN", "caller-only-value"}};
  Grants provider;
  provider.env = {{"MATH_SETTING", "math-value"}};
  auto c = link({member("math", "c-math", provider), member("text", "js-text", caller),
                 member("report", "py-report", caller)});
  ASSERT_TRUE(c);
  // The provider does not see what its caller was granted ...
  EXPECT_EQ(ok_result(*c, "text", "text/math-env", {{"name", "CALLER_TOKEN"}}), json());
  EXPECT_EQ(ok_result(*c, "report", "report/math-env", {{"name", "CALLER_TOKEN"}}), "unset");
  // ... and sees what it was granted itself, whoever calls it.
  EXPECT_EQ(ok_result(*c, "text", "text/math-env", {{"name", "MATH_SETTING"}}), "math-value");
  EXPECT_EQ(ok_result(*c, "report", "report/math-env", {{"name", "MATH_SETTING"}}), "math-value");
  EXPECT_EQ(ok_result(*c, "math", "math/env", {{"name", "MATH_SETTING"}}), "math-value");
}

TEST_F(CompositionTest, ProviderTimeoutFailsTheCaller) {
  CallLimits quick;
  quick.timeout = 200ms;
  auto c = link({member("math", "c-math", {}, quick), member("text", "js-text")});
  ASSERT_TRUE(c);
  auto outcome = call(*c, "text", "text/spin-math", json::object());
  ASSERT_FALSE(outcome.ok());
  EXPECT_EQ(outcome.error->kind, ErrorKind::timeout) << outcome.error->message;
  EXPECT_NE(outcome.error->message.find("`math` failed in asterai:compose/math@0.1.0#spin"),
            std::string::npos)
      << outcome.error->message;
  EXPECT_NE(outcome.error->message.find("200 ms"), std::string::npos) << outcome.error->message;
  // The provider failed, not the composition: the next call works.
  EXPECT_EQ(ok_result(*c, "text", "text/summary", {{"a", 1}, {"b", 1}}), "1 + 1 = 2");
}

// Cancelling the outermost call stops the provider call it is waiting in, too.
TEST_F(CompositionTest, CancellingTheCallerStopsItsProvider) {
  CallLimits slow;  // both would run for a minute
  slow.timeout = 60'000ms;
  auto c = link({member("math", "c-math", {}, slow), member("text", "js-text", {}, slow)});
  ASSERT_TRUE(c);
  const Member* m = c->find("text");
  ASSERT_NE(m, nullptr);
  auto fn = m->component->find_function("text/spin-math");
  ASSERT_TRUE(fn);
  auto flag = std::make_shared<std::atomic<bool>>(false);
  std::thread canceller([flag] {
    std::this_thread::sleep_for(300ms);
    flag->store(true);
  });
  auto outcome = c->call("text", **fn, json::object(), flag);
  canceller.join();
  ASSERT_FALSE(outcome.ok());
  EXPECT_EQ(outcome.error->kind, ErrorKind::cancelled) << outcome.error->message;
  EXPECT_EQ(ok_result(*c, "text", "text/summary", {{"a", 1}, {"b", 1}}), "1 + 1 = 2");
}

TEST_F(CompositionTest, CallerDeadlineBoundsItsProviders) {
  CallLimits slow;  // the provider alone would run for a minute
  slow.timeout = 60'000ms;
  CallLimits quick;
  quick.timeout = 300ms;
  auto c = link({member("math", "c-math", {}, slow), member("text", "js-text", {}, quick),
                 member("report", "py-report")});
  ASSERT_TRUE(c);
  auto outcome = call(*c, "text", "text/spin-math", json::object());
  ASSERT_FALSE(outcome.ok());
  EXPECT_EQ(outcome.error->kind, ErrorKind::timeout);
  EXPECT_NE(outcome.error->message.find("ran past its caller's time limit"), std::string::npos)
      << outcome.error->message;
}

TEST_F(CompositionTest, ProviderTrapFailsTheCallerNamingTheProvider) {
  auto c = link({member("math", "c-math"), member("text", "js-text")});
  ASSERT_TRUE(c);
  auto outcome = call(*c, "text", "text/crash-math", json::object());
  ASSERT_FALSE(outcome.ok());
  EXPECT_EQ(outcome.error->kind, ErrorKind::trap);
  EXPECT_NE(outcome.error->message.find("`math` failed in asterai:compose/math@0.1.0#crash"),
            std::string::npos)
      << outcome.error->message;
  EXPECT_NE(outcome.error->message.find("unreachable"), std::string::npos)
      << outcome.error->message;
}

// In a pool with room for one instance the caller takes it and its provider finds none:
// that is the caller failing (trap) after it ran, not a call that never started (busy).
TEST_F(CompositionTest, AProviderWithNoRoomFailsTheCallerAsATrapNotAsBusy) {
  EngineOptions options;
  options.cache_dir = test::shared_cache_dir();
  options.max_instances = 1;
  auto small = Runtime::create(options);
  ASSERT_TRUE(small) << small.error().to_string();
  std::vector<Member> members;
  for (const auto& [name, file] : {std::pair{"math", "c-math"}, {"text", "js-text"}}) {
    auto loaded = (*small)->load_file(test::component(std::string("compose-") + file + ".wasm"));
    ASSERT_TRUE(loaded) << loaded.error().to_string();
    members.push_back(Member{name, *loaded, {}, {}});
  }
  auto c = Composition::link(*small, std::move(members), {});
  ASSERT_TRUE(c) << c.error().to_string();
  const Member* math = (*c)->find("math");
  auto add = math->component->find_function("math/add");
  ASSERT_TRUE(add) << add.error().to_string();
  auto alone = (*c)->call("math", **add, {{"a", 2}, {"b", 40}});
  ASSERT_TRUE(alone.ok()) << alone.error->to_string();  // one instance fits
  auto outcome = call(**c, "text", "text/summary", {{"a", 2}, {"b", 40}});
  ASSERT_FALSE(outcome.ok());
  EXPECT_EQ(outcome.error->kind, ErrorKind::trap) << outcome.error->to_string();
  EXPECT_NE(outcome.error->message.find("`math` failed in"), std::string::npos)
      << outcome.error->message;
  EXPECT_NE(outcome.error->message.find("no room for another instance"), std::string::npos)
      << outcome.error->message;
}

TEST_F(CompositionTest, MissingProviderIsALinkError) {
  auto e = link_error({member("text", "js-text")});
  EXPECT_EQ(e.kind, ErrorKind::link);
  EXPECT_EQ(e.message,
            "component `text` imports asterai:compose/math@0.1.0, which no component of the "
            "environment exports; add a component that exports it, or set "
            "allow-missing-imports = true on `text` to run it anyway, calls into the import "
            "failing");
}

TEST_F(CompositionTest, AllowedMissingImportFailsOnlyTheCallsIntoIt) {
  Member text = member("text", "js-text");
  text.allow_missing_imports = true;
  auto c = link({text});
  ASSERT_TRUE(c);
  auto outcome = call(*c, "text", "text/summary", {{"a", 2}, {"b", 40}});
  ASSERT_FALSE(outcome.ok());
  EXPECT_EQ(outcome.error->kind, ErrorKind::missing_import);
  EXPECT_EQ(outcome.error->message,
            "the component called asterai:compose/math@0.1.0#add, which nothing provides");
  const auto* imports = c->imports("text");
  ASSERT_NE(imports, nullptr);
  auto math = std::find_if(imports->begin(), imports->end(), [](const ItemInfo& i) {
    return i.name == "asterai:compose/math@0.1.0";
  });
  ASSERT_NE(math, imports->end());
  EXPECT_EQ(math->source, ImportSource::none);

  // With a provider present, the flag changes nothing: the import is linked to it.
  auto both = link({member("math", "c-math"), text});
  ASSERT_TRUE(both);
  EXPECT_EQ(ok_result(*both, "text", "text/summary", {{"a", 2}, {"b", 40}}), "2 + 40 = 42");
}

TEST_F(CompositionTest, ImportsSayWhoProvidesThem) {
  auto c = link({member("math", "c-math"), member("text", "js-text")});
  ASSERT_TRUE(c);
  const auto* imports = c->imports("text");
  ASSERT_NE(imports, nullptr);
  bool saw_member = false, saw_host = false;
  for (const auto& i : *imports) {
    if (i.name == "asterai:compose/math@0.1.0") {
      saw_member = true;
      EXPECT_EQ(i.source, ImportSource::member);
      EXPECT_EQ(i.provider, "math");
    } else {
      EXPECT_EQ(i.source, ImportSource::host) << i.name;
      saw_host = saw_host || i.name.starts_with("wasi:");
    }
  }
  EXPECT_TRUE(saw_member);
  EXPECT_TRUE(saw_host);
  EXPECT_EQ(c->imports("nobody"), nullptr);
}

TEST_F(CompositionTest, AmbiguousProvidersNeedAWire) {
  auto e =
      link_error({member("math", "c-math"), member("math2", "c-math"), member("text", "js-text")});
  EXPECT_EQ(e.kind, ErrorKind::link);
  EXPECT_NE(e.message.find("several components export (`math`, `math2`); wire the import"),
            std::string::npos)
      << e.message;

  Grants marked;
  marked.env = {{"MATH_SETTING", "second"}};
  auto c =
      link({member("math", "c-math"), member("math2", "c-math", marked), member("text", "js-text")},
           {Wire{"text", "asterai:compose/math", "math2"}});
  ASSERT_TRUE(c);
  EXPECT_EQ(ok_result(*c, "text", "text/math-env", {{"name", "MATH_SETTING"}}), "second");
}

TEST_F(CompositionTest, WrongWiresAreLinkErrors) {
  auto to_non_provider = link_error({member("math", "c-math"), member("text", "js-text")},
                                    {Wire{"text", "asterai:compose/math", "text"}});
  EXPECT_EQ(to_non_provider.kind, ErrorKind::link);
  EXPECT_NE(to_non_provider.message.find("does not export an interface compatible with"),
            std::string::npos)
      << to_non_provider.message;
  auto unused = link_error({member("math", "c-math"), member("text", "js-text")},
                           {Wire{"math", "asterai:compose/text", "text"}});
  EXPECT_EQ(unused.kind, ErrorKind::link);
  EXPECT_NE(unused.message.find("matches no import of `math`"), std::string::npos)
      << unused.message;
}

TEST_F(CompositionTest, CyclesAreLinkErrors) {
  auto e = link_error({member("text", "js-text"), member("loop", "c-cycle")});
  EXPECT_EQ(e.kind, ErrorKind::link);
  EXPECT_NE(e.message.find("cycle (`text` -> `loop` -> `text`)"), std::string::npos) << e.message;
  // Longer: report needs text needs loop needs text.
  auto longer = link_error(
      {member("report", "py-report"), member("text", "js-text"), member("loop", "c-cycle")});
  EXPECT_NE(longer.message.find("cycle"), std::string::npos) << longer.message;
}

TEST_F(CompositionTest, ResourcesCannotCrossSandboxes) {
  auto e = link_error({member("user", "c-resource")});
  EXPECT_EQ(e.kind, ErrorKind::link);
  EXPECT_NE(e.message.find("imports asterai:compose/counter@0.1.0, which uses the resource "
                           "`tally`"),
            std::string::npos)
      << e.message;
}

TEST_F(CompositionTest, SignatureMismatchIsALinkError) {
  auto e = link_error({member("math", "c-math"), member("user", "c-mismatch")});
  EXPECT_EQ(e.kind, ErrorKind::link);
  EXPECT_EQ(e.message,
            "component `user` imports asterai:compose/math@0.1.0#add as func(a: u32, b: u32) -> "
            "u64, but component `math` exports it as func(a: s32, b: s32) -> s32");
}

TEST_F(CompositionTest, BadMembersAreRefused) {
  auto twice = link_error({member("math", "c-math"), member("math", "c-math")});
  EXPECT_EQ(twice.kind, ErrorKind::invalid_input);
  EXPECT_EQ(twice.message, "two components of the environment are named `math`");
}

TEST_F(CompositionTest, AgentListsAndCallsThroughTheHostApi) {
  Grants agent_grants;
  agent_grants.env = {{"AGENT_TOKEN", "agent-only-value"}};
  CallLimits quick;
  quick.timeout = 200ms;
  auto c = link({member("agent", "c-agent", agent_grants), member("math", "c-math", {}, quick),
                 member("text", "js-text")});
  ASSERT_TRUE(c);

  json catalog = ok_result(*c, "agent", "agent/catalog", json::object());
  ASSERT_TRUE(catalog.is_array());
  bool found_add = false;
  for (const auto& line : catalog) {
    std::string text = line.get<std::string>();
    std::string prefix = "math asterai:compose/math@0.1.0#add ";
    if (text.rfind(prefix, 0) != 0) continue;
    found_add = true;
    json schema = json::parse(text.substr(prefix.size()));
    EXPECT_EQ(schema["required"], json({"a", "b"})) << schema.dump();
    EXPECT_EQ(schema["properties"]["a"]["type"], "integer") << schema.dump();
  }
  EXPECT_TRUE(found_add) << catalog.dump();

  auto invoke = [&](const std::string& component, const std::string& function, json args) {
    return ok_result(
        *c, "agent", "agent/invoke",
        {{"component", component}, {"function", function}, {"args-json", args.dump()}});
  };
  EXPECT_EQ(invoke("math", "add", {{"a", 2}, {"b", 40}}), json({{"ok", "42"}}));
  // Through text (JavaScript) to math (C): the whole chain in the callees' sandboxes.
  EXPECT_EQ(invoke("text", "summary", {{"a", 1}, {"b", 2}}), json({{"ok", "\"1 + 2 = 3\""}}));
  // The callee does not see the agent's grants.
  EXPECT_EQ(invoke("math", "env", {{"name", "AGENT_TOKEN"}}), json({{"ok", "null"}}));
  // Failures come back as values; the agent keeps running.
  json missing = invoke("nobody", "add", json::object());
  ASSERT_TRUE(missing.contains("err")) << missing.dump();
  EXPECT_EQ(missing["err"].get<std::string>().rfind("not-found: ", 0), 0u) << missing.dump();
  json bad = invoke("math", "add", {{"a", "two"}, {"b", 1}});
  EXPECT_EQ(bad["err"].get<std::string>().rfind("bad-arguments: ", 0), 0u) << bad.dump();
  json slow = invoke("math", "spin", json::object());
  EXPECT_EQ(slow["err"].get<std::string>().rfind("timeout: ", 0), 0u) << slow.dump();
}

// The agent calls itself through the host API, each level one deeper, down to math#add.
json nested_invoke(int agent_levels) {
  json args = {{"component", "math"},
               {"function", "add"},
               {"args-json", json({{"a", 40}, {"b", 2}}).dump()}};
  for (int i = 1; i < agent_levels; ++i) {
    args = {{"component", "agent"}, {"function", "invoke"}, {"args-json", args.dump()}};
  }
  return args;
}

TEST_F(CompositionTest, NestingDepthIsBounded) {
  auto c = link({member("agent", "c-agent"), member("math", "c-math")});
  ASSERT_TRUE(c);
  // agent x7 + math = 8 levels: allowed.
  json deep = ok_result(*c, "agent", "agent/invoke", nested_invoke(7));
  EXPECT_NE(deep.dump().find("42"), std::string::npos) << deep.dump();
  EXPECT_EQ(deep.dump().find("nest deeper"), std::string::npos) << deep.dump();
  // agent x8 + math = 9 levels: the innermost call is refused, as a value at each level.
  json too_deep = ok_result(*c, "agent", "agent/invoke", nested_invoke(8));
  EXPECT_NE(too_deep.dump().find("calls between components nest deeper than 8 levels"),
            std::string::npos)
      << too_deep.dump();
}

}  // namespace
}  // namespace asterai::runtime
