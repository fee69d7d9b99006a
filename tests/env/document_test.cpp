// The environment document: round trips, canonical bytes, and bad documents (unknown keys,
// bad references, bad grants, bad limits) as one-line errors with file and line.
#include <gtest/gtest.h>

#include "asterai/env/diff.h"
#include "asterai/env/document.h"

namespace asterai::env {
namespace {

const char* kFull = R"(# a hand-written environment
secrets = ["API_TOKEN"]

[vars]
MODE = "fast"
GREETING = "hello \"world\"\n"

[components.probe]
ref = "127.0.0.1:5000/alice/probe:1.0.0"
vars = ["MODE"]
secrets = ["API_TOKEN"]

[components.probe.grants]
env = ["LANG=C", "HOME"]
allow_hosts = ["api.example.com", "*.cdn.example.net"]

[[components.probe.grants.dirs]]
host = "data"
guest = "/data"
mode = "rw"

[components.probe.limits]
timeout = "5s"
max_memory = "64MiB"
fuel = 1000000

[components.calc]
ref = "127.0.0.1:5000/alice/calc@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
allow-missing-imports = true
http = "/hooks/calc"
http-max-body = "1MiB"

[[wires]]
importer = "probe"
interface = "asterai:calc/math@0.1.0"
provider = "calc"

[[schedules]]
name = "nightly"
member = "probe"
function = "probe#write-file"
args = ["/data/out.txt", "tab\there \"quoted\"", 3, 1.5, true, [1, 2], { k = "v" }]
cron = "30 2 * * *"
timezone = "Europe/Berlin"
missed = "run-once"
overlap = "queue"

[[schedules]]
name = "every-minute"
member = "calc"
args = { a = 1, "b c" = "x" }
cron = "@hourly"
)";

TEST(EnvDocument, ParsesEveryField) {
  auto doc = parse_document(kFull, "env.toml");
  ASSERT_TRUE(doc) << doc.error().message;
  EXPECT_EQ(doc->vars.at("GREETING"), "hello \"world\"\n");
  EXPECT_EQ(doc->secrets, std::vector<std::string>{"API_TOKEN"});
  ASSERT_EQ(doc->components.size(), 2u);
  const auto& p = doc->components.at("probe");
  EXPECT_EQ(p.vars, std::vector<std::string>{"MODE"});
  EXPECT_EQ(p.policy.env, (std::vector<std::string>{"LANG=C", "HOME"}));
  ASSERT_EQ(p.policy.dirs.size(), 1u);
  EXPECT_EQ(p.policy.dirs[0].mode, "rw");
  EXPECT_EQ(p.policy.timeout, "5s");
  EXPECT_EQ(p.policy.max_memory, "64MiB");
  EXPECT_EQ(p.policy.fuel, 1000000u);
  EXPECT_FALSE(p.allow_missing_imports);
  EXPECT_TRUE(doc->components.at("calc").allow_missing_imports);
  EXPECT_EQ(doc->components.at("calc").http, "/hooks/calc");
  EXPECT_EQ(doc->components.at("calc").http_max_body, "1MiB");
  EXPECT_TRUE(p.http.empty());
  ASSERT_EQ(doc->wires.size(), 1u);
  EXPECT_EQ(doc->wires[0].provider, "calc");
  ASSERT_EQ(doc->schedules.size(), 2u);
  const auto& nightly = doc->schedules[0];
  EXPECT_EQ(nightly.name, "nightly");
  EXPECT_EQ(nightly.member, "probe");
  EXPECT_EQ(nightly.function, "probe#write-file");
  EXPECT_EQ(nightly.args,
            nlohmann::json::parse(
                R"(["/data/out.txt", "tab\there \"quoted\"", 3, 1.5, true, [1, 2], {"k": "v"}])"));
  EXPECT_EQ(nightly.cron, "30 2 * * *");
  EXPECT_EQ(nightly.timezone, "Europe/Berlin");
  EXPECT_EQ(nightly.missed, MissedPolicy::run_once);
  EXPECT_EQ(nightly.overlap, OverlapPolicy::queue);
  const auto& hourly = doc->schedules[1];
  EXPECT_TRUE(hourly.function.empty());  // the member's wasi:cli/run
  EXPECT_EQ(hourly.args, nlohmann::json::parse(R"({"a": 1, "b c": "x"})"));
  EXPECT_TRUE(hourly.timezone.empty());
  EXPECT_EQ(hourly.missed, MissedPolicy::skip);
  EXPECT_EQ(hourly.overlap, OverlapPolicy::skip);
}

TEST(EnvDocument, RoundTripsToCanonicalBytes) {
  auto doc = parse_document(kFull, "env.toml");
  ASSERT_TRUE(doc);
  std::string text = serialize_document(*doc);
  auto again = parse_document(text, "canonical.toml");
  ASSERT_TRUE(again) << again.error().message << "\n" << text;
  EXPECT_EQ(*again, *doc);
  EXPECT_EQ(serialize_document(*again), text);  // a fixed point: same content, same bytes
  EXPECT_EQ(serialize_document(Document{}), "# asterai environment (docs/environments.md)\n");
}

TEST(EnvDocument, LocalComponentsKeepTheirFile) {
  const std::string ref =
      "local:sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
  auto doc =
      parse_document("[components.p]\nref = \"" + ref + "\"\npath = \"/src/p.wasm\"\n", "l.toml");
  ASSERT_TRUE(doc) << doc.error().message;
  EXPECT_EQ(doc->components.at("p").ref, ref);
  EXPECT_EQ(doc->components.at("p").path, "/src/p.wasm");
  EXPECT_TRUE(has_local_components(*doc));
  auto again = parse_document(serialize_document(*doc), "canonical.toml");
  ASSERT_TRUE(again);
  EXPECT_EQ(*again, *doc);
  EXPECT_FALSE(has_local_components(*parse_document(kFull, "env.toml")));
}

struct BadCase {
  const char* name;
  const char* toml;
  const char* error;  // the whole expected message
};

const BadCase kBad[] = {
    {"unknown top-level key", "[vars]\nA = \"1\"\n\n[component.x]\nref = \"r\"\n",
     "bad.toml:4: unknown key \"component\" in the environment (allowed: vars, secrets, "
     "components, wires, schedules)"},
    {"unknown component key", "[components.x]\nref = \"h.io/a/b:1.0.0\"\nmemory = \"1MiB\"\n",
     "bad.toml:3: unknown key \"memory\" in [components.x] (allowed: ref, path, vars, secrets, "
     "grants, limits, allow-missing-imports, http, http-max-body)"},
    {"allow-missing-imports not a boolean",
     "[components.x]\nref = \"h.io/a/b:1.0.0\"\nallow-missing-imports = \"yes\"\n",
     "bad.toml:3: components.x.allow-missing-imports must be true or false"},
    {"path of a registry component",
     "[components.x]\nref = \"h.io/a/b:1.0.0\"\npath = \"/x.wasm\"\n",
     "bad.toml:3: components.x.path is only for local components (ref = \"local:sha256:…\")"},
    {"local component without path",
     "[components.x]\nref = \"local:sha256:"
     "0000000000000000000000000000000000000000000000000000000000000000\"\n",
     "bad.toml:1: [components.x] is a local component and needs path = \"FILE.wasm\""},
    {"bad local digest", "[components.x]\nref = \"local:sha256:abc\"\npath = \"/x.wasm\"\n",
     "bad.toml:2: bad component reference \"local:sha256:abc\" (write REGISTRY/NS/NAME:VERSION or "
     "REGISTRY/NS/NAME@sha256:…)"},
    {"unknown limit",
     "[components.x]\nref = \"h.io/a/b:1.0.0\"\n[components.x.limits]\nmemory = 5\n",
     "bad.toml:4: unknown key \"memory\" in [components.x.limits] (allowed: timeout, max_memory, "
     "fuel, max_output)"},
    {"bad reference", "[components.x]\nref = \"not a ref\"\n",
     "bad.toml:2: bad component reference \"not a ref\" (write REGISTRY/NS/NAME:VERSION or "
     "REGISTRY/NS/NAME@sha256:…)"},
    {"missing ref", "[components.x]\nvars = []\n",
     "bad.toml:1: [components.x] needs ref = \"REGISTRY/NS/NAME:VERSION\""},
    {"bad component name", "[components.Big]\nref = \"h.io/a/b:1.0.0\"\n",
     "bad.toml:1: bad component name \"Big\" (use lower-case letters, digits, '-' and '_')"},
    {"undeclared var",
     "[vars]\nA = \"1\"\n[components.x]\nref = \"h.io/a/b:1.0.0\"\nvars = [\"B\"]\n",
     "bad.toml:5: components.x.vars names \"B\", which is not in [vars]"},
    {"undeclared secret", "[components.x]\nref = \"h.io/a/b:1.0.0\"\nsecrets = [\"TOKEN\"]\n",
     "bad.toml:3: components.x.secrets names \"TOKEN\", which is not declared in the top-level "
     "secrets list"},
    {"bad host grant",
     "[components.x]\nref = \"h.io/a/b:1.0.0\"\n[components.x.grants]\nallow_hosts = [\"*\"]\n",
     "bad.toml:4: "},
    {"bad env grant",
     "[components.x]\nref = \"h.io/a/b:1.0.0\"\n[components.x.grants]\nenv = [\"1BAD=x\"]\n",
     "bad.toml:4: bad env grant \"1BAD\" (write NAME or NAME=VALUE; names are "
     "[A-Za-z_][A-Za-z0-9_]*)"},
    {"bad dir mode",
     "[components.x]\nref = \"h.io/a/b:1.0.0\"\n[[components.x.grants.dirs]]\nhost = \"d\"\nguest "
     "= \"/d\"\nmode = \"rx\"\n",
     "bad.toml:3: mode must be \"ro\" or \"rw\", not \"rx\""},
    {"relative guest",
     "[components.x]\nref = \"h.io/a/b:1.0.0\"\n[[components.x.grants.dirs]]\nhost = \"d\"\nguest "
     "= \"d\"\n",
     "bad.toml:3: guest path \"d\" must be absolute (e.g. \"/data\")"},
    {"bad timeout",
     "[components.x]\nref = \"h.io/a/b:1.0.0\"\n[components.x.limits]\ntimeout = \"soon\"\n",
     "bad.toml:4: "},
    {"bad fuel", "[components.x]\nref = \"h.io/a/b:1.0.0\"\n[components.x.limits]\nfuel = -1\n",
     "bad.toml:4: components.x.limits.fuel must be a positive integer"},
    {"same variable twice",
     "secrets = [\"A\"]\n[vars]\nA = \"1\"\n[components.x]\nref = \"h.io/a/b:1.0.0\"\nvars = "
     "[\"A\"]\nsecrets = [\"A\"]\n",
     "bad.toml:4: components.x receives the environment variable \"A\" twice (from vars, secrets "
     "or grants.env)"},
    {"wire to unknown component",
     "[components.x]\nref = \"h.io/a/b:1.0.0\"\n[[wires]]\nimporter = \"x\"\ninterface = "
     "\"a:b/c\"\nprovider = \"y\"\n",
     "bad.toml:3: wire names component \"y\", which is not in [components]"},
    {"bad wire interface",
     "[components.x]\nref = \"h.io/a/b:1.0.0\"\n[components.y]\nref = "
     "\"h.io/a/c:1.0.0\"\n[[wires]]\n"
     "importer = \"x\"\ninterface = \"calc\"\nprovider = \"y\"\n",
     "bad.toml:5: bad interface \"calc\" (write ns:pkg/iface or ns:pkg/iface@1.2.3)"},
    {"http route without a slash", "[components.x]\nref = \"h.io/a/b:1.0.0\"\nhttp = \"hooks\"\n",
     "bad.toml:3: components.x.http: bad HTTP route \"hooks\": it must start with /"},
    {"reserved http route", "[components.x]\nref = \"h.io/a/b:1.0.0\"\nhttp = \"/v1/hooks\"\n",
     "bad.toml:3: components.x.http: bad HTTP route \"/v1/hooks\": /v1 is the server's own "
     "(reserved)"},
    {"http route taken",
     "[components.x]\nref = \"h.io/a/b:1.0.0\"\nhttp = \"/h\"\n[components.y]\nref = "
     "\"h.io/a/c:1.0.0\"\nhttp = \"/h\"\n",
     "bad.toml:6: components.y.http: the route /h is already x's"},
    {"bad http body limit", "[components.x]\nref = \"h.io/a/b:1.0.0\"\nhttp-max-body = \"big\"\n",
     "bad.toml:3: "},
    {"var not a string", "[vars]\nA = 1\n", "bad.toml:2: vars.A must be a string"},
    {"schedules not an array", "schedules = 1\n",
     "bad.toml:1: schedules must be an array of tables ([[schedules]])"},
    {"schedule without cron",
     "[components.x]\nref = \"h.io/a/b:1.0.0\"\n[[schedules]]\nname = \"n\"\nmember = \"x\"\n",
     "bad.toml:3: [[schedules]] needs cron = \"0 3 * * *\""},
    {"schedule unknown key",
     "[components.x]\nref = \"h.io/a/b:1.0.0\"\n[[schedules]]\nname = \"n\"\nmember = \"x\"\ncron "
     "= \"* * * * *\"\nevery = \"1m\"\n",
     "bad.toml:7: unknown key \"every\" in [[schedules]] (allowed: name, member, function, args, "
     "cron, "
     "timezone, missed, overlap)"},
    {"schedule of an unknown member",
     "[components.x]\nref = \"h.io/a/b:1.0.0\"\n[[schedules]]\nname = \"n\"\nmember = \"y\"\ncron "
     "= \"* * * * *\"\n",
     "bad.toml:5: schedule \"n\" names component \"y\", which is not in [components]"},
    {"bad cron expression",
     "[components.x]\nref = \"h.io/a/b:1.0.0\"\n[[schedules]]\nname = \"n\"\nmember = \"x\"\ncron "
     "= \"61 * * * *\"\n",
     "bad.toml:6: schedule \"n\": cron expression \"61 * * * *\": minute 61 is out of range 0-59"},
    {"cron with too few fields",
     "[components.x]\nref = \"h.io/a/b:1.0.0\"\n[[schedules]]\nname = \"n\"\nmember = \"x\"\ncron "
     "= \"* * *\"\n",
     "bad.toml:6: schedule \"n\": cron expression \"* * *\": expected 5 fields (minute hour "
     "day-of-month month day-of-week), got 3"},
    {"unknown time zone",
     "[components.x]\nref = \"h.io/a/b:1.0.0\"\n[[schedules]]\nname = \"n\"\nmember = \"x\"\ncron "
     "= \"* * * * *\"\ntimezone = \"Mars/Base\"\n",
     "bad.toml:7: schedule \"n\": unknown time zone \"Mars/Base\": use an IANA name such as "
     "\"Europe/Berlin\" or \"UTC\""},
    {"bad missed policy",
     "[components.x]\nref = \"h.io/a/b:1.0.0\"\n[[schedules]]\nname = \"n\"\nmember = \"x\"\ncron "
     "= \"* * * * *\"\nmissed = \"all\"\n",
     "bad.toml:7: schedule \"n\".missed must be \"skip\" or \"run-once\", not \"all\""},
    {"bad overlap policy",
     "[components.x]\nref = \"h.io/a/b:1.0.0\"\n[[schedules]]\nname = \"n\"\nmember = \"x\"\ncron "
     "= \"* * * * *\"\noverlap = \"parallel\"\n",
     "bad.toml:7: schedule \"n\".overlap must be \"skip\" or \"queue\", not \"parallel\""},
    {"two schedules with one name",
     "[components.x]\nref = \"h.io/a/b:1.0.0\"\n[[schedules]]\nname = \"n\"\nmember = \"x\"\ncron "
     "= \"* * * * *\"\n"
     "[[schedules]]\nname = \"n\"\nmember = \"x\"\ncron = \"@daily\"\n",
     "bad.toml:8: two schedules are named \"n\""},
    {"bad schedule name",
     "[components.x]\nref = \"h.io/a/b:1.0.0\"\n[[schedules]]\nname = \"Nightly Job\"\nmember = "
     "\"x\"\ncron = \"* * * * *\"\n",
     "bad.toml:4: bad schedule name \"Nightly Job\" (use [a-z0-9][a-z0-9_-]*, at most 63 "
     "characters)"},
    {"schedule args not a list",
     "[components.x]\nref = \"h.io/a/b:1.0.0\"\n[[schedules]]\nname = \"n\"\nmember = \"x\"\ncron "
     "= \"* * * * *\"\nargs = 3\n",
     "bad.toml:7: schedule \"n\".args must be an array (positional) or a table (named)"},
    {"schedule args with a date",
     "[components.x]\nref = \"h.io/a/b:1.0.0\"\n[[schedules]]\nname = \"n\"\nmember = \"x\"\ncron "
     "= \"* * * * *\"\nargs = [1979-05-27]\n",
     "bad.toml:7: schedule arguments are strings, numbers, booleans, arrays and tables (write a "
     "date "
     "as a string)"},
    {"toml syntax", "[vars\nA = \"1\"\n", "bad.toml:1: "},
    // Found by tests/fuzz/env_document_fuzz: toml++ quotes the input it stopped at, line break
    // included, and a quoted key may hold control characters: messages escape them.
    {"toml error quoting a line break", "[vars]\nA = fa\n", "bad.toml:2: "},
    // Found by env_document_fuzz: a float beyond int64's range was converted (undefined).
    {"float limit beyond any integer",
     "[components.x]\nref = \"h.io/a/b:1.0.0\"\n[components.x.limits]\n"
     "max_memory = 5000111111111111111111111111111111.01\n",
     "bad.toml:4: components.x.limits.max_memory must be a string like \"64MiB\" / \"5s\" or a "
     "non-negative integer"},
    {"float fuel",
     "[components.x]\nref = \"h.io/a/b:1.0.0\"\n[components.x.limits]\nfuel = 1e300\n",
     "bad.toml:4: components.x.limits.fuel must be a positive integer"},
    {"control characters in a key", "[vars]\n\"A\\nB\\u001b[2J\" = \"1\"\n", "bad.toml:2: "},
};

TEST(EnvDocument, BadDocumentsNameFileAndLine) {
  for (const auto& c : kBad) {
    auto doc = parse_document(c.toml, "bad.toml");
    ASSERT_FALSE(doc) << c.name;
    EXPECT_EQ(doc.error().kind, ErrorKind::invalid_input) << c.name;
    EXPECT_EQ(doc.error().message.find('\n'), std::string::npos) << c.name;
    EXPECT_TRUE(doc.error().message.starts_with(c.error))
        << c.name << ": got " << doc.error().message;
    if (std::string(c.error).size() > 12) {  // a full message, not only the location
      EXPECT_EQ(doc.error().message, c.error) << c.name;
    }
  }
}

TEST(EnvDiff, BumpsByWhatChanged) {
  auto base = parse_document(kFull, "a.toml");
  ASSERT_TRUE(base);
  EXPECT_TRUE(diff_documents(*base, *base).empty());
  EXPECT_EQ(bump_for({}), Bump::none);

  auto vars = *base;
  vars.vars["MODE"] = "slow";
  auto changes = diff_documents(*base, vars);
  ASSERT_EQ(changes.size(), 1u);
  EXPECT_EQ(changes[0].kind, "var-changed");
  EXPECT_EQ(bump_for(changes), Bump::patch);

  auto limits = *base;
  limits.components["probe"].policy.timeout = "9s";
  changes = diff_documents(*base, limits);
  ASSERT_EQ(changes.size(), 1u);
  EXPECT_EQ(changes[0].kind, "limits-changed");
  EXPECT_EQ(changes[0].detail,
            "timeout=5s max_memory=64MiB fuel=1000000 -> timeout=9s max_memory=64MiB fuel=1000000");

  auto grants = *base;
  grants.components["probe"].policy.allow_hosts.push_back("x.example.com");
  EXPECT_EQ(diff_documents(*base, grants)[0].kind, "grants-changed");
  EXPECT_EQ(bump_for(diff_documents(*base, grants)), Bump::patch);

  auto relaxed = *base;
  relaxed.components["probe"].allow_missing_imports = true;
  changes = diff_documents(*base, relaxed);
  ASSERT_EQ(changes.size(), 1u);
  EXPECT_EQ(changes[0].kind, "allow-missing-imports-changed");
  EXPECT_EQ(changes[0].detail, "false -> true");

  auto upgraded = *base;
  upgraded.components["probe"].ref = "127.0.0.1:5000/alice/probe:1.1.0";
  EXPECT_EQ(diff_documents(*base, upgraded)[0].kind, "component-upgraded");
  EXPECT_EQ(bump_for(diff_documents(*base, upgraded)), Bump::minor);

  auto added = *base;
  added.components["extra"].ref = "127.0.0.1:5000/alice/extra:1.0.0";
  EXPECT_EQ(bump_for(diff_documents(*base, added)), Bump::minor);
  EXPECT_EQ(bump_for(diff_documents(added, *base)), Bump::major);  // a removal

  oci::Version v{1, 2, 3, ""};
  EXPECT_EQ(next_version(std::nullopt, Bump::minor), "0.1.0");
  EXPECT_EQ(next_version(v, Bump::patch), "1.2.4");
  EXPECT_EQ(next_version(v, Bump::minor), "1.3.0");
  EXPECT_EQ(next_version(v, Bump::major), "2.0.0");
}

}  // namespace
}  // namespace asterai::env
