// The environment document: a TOML file naming components by registry reference, plain
// `vars`, secret references by name, and per component the sandbox grants and limits it runs
// with (the policy model of docs/policy.md) plus the vars and secrets it receives. Format:
// docs/environments.md. Values are kept as written ("64MiB"), so a document round-trips.
#pragma once

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "asterai/common/error.h"
#include "asterai/schedule/policy.h"

namespace asterai::env {

// The artifact and layer type of a pushed environment (DESIGN.md, "Artifacts").
inline constexpr std::string_view kEnvironmentArtifact =
    "application/vnd.asterai.environment.v1+toml";

struct DirSpec {
  std::string host;  // relative paths resolve against the working folder at call time
  std::string guest;
  std::string mode = "ro";  // "ro" | "rw"
  bool operator==(const DirSpec&) const = default;
};

// The grants and limits of one component, as written in the document.
struct ComponentPolicy {
  std::vector<std::string> env;  // "KEY=VALUE", or "KEY": the host's value at call time
  std::vector<DirSpec> dirs;
  std::vector<std::string> allow_hosts;
  std::optional<std::string> timeout;     // "5s"
  std::optional<std::string> max_memory;  // "64MiB"
  std::optional<std::string> max_output;
  std::optional<uint64_t> fuel;
  bool operator==(const ComponentPolicy&) const = default;
};

struct ComponentEntry {
  // REGISTRY/NS/NAME:TAG in a draft; REGISTRY/NS/NAME@sha256:… once pushed. In a draft also
  // local:sha256:… (a component copied into the local store from a file).
  std::string ref;
  std::string path;  // a local component's file, re-read by `env update`; empty otherwise
  std::vector<std::string> vars;     // names in [vars], handed over as environment variables
  std::vector<std::string> secrets;  // names in `secrets`, handed over the same way
  ComponentPolicy policy;
  // `allow-missing-imports = true`: link it even when nothing provides some of its imports.
  bool allow_missing_imports = false;
  // For a proxy component (wasi:http/incoming-handler): `http = "/hooks/github"` mounts it
  // there (empty: at /NAME), `http-max-body = "1MiB"` bounds its request bodies.
  std::string http;
  std::optional<std::string> http_max_body;
  bool operator==(const ComponentEntry&) const = default;
};

// Explicit import wiring: `importer`'s import of `interface` ("ns:pkg/iface", version
// optional) comes from `provider`.
struct WireSpec {
  std::string importer;
  std::string interface;
  std::string provider;
  bool operator==(const WireSpec&) const = default;
};

using schedule::MissedPolicy;
using schedule::OverlapPolicy;

// `[[schedules]]`: a member function (or, with no function, the member's wasi:cli/run) run at
// the times of a cron expression in a time zone (include/asterai/schedule/cron.h).
struct ScheduleSpec {
  std::string name;      // unique in the document; the key of its persisted state
  std::string member;    // a name in [components]
  std::string function;  // as `env call` takes it; empty: the member's wasi:cli/run
  nlohmann::json args = nlohmann::json::array();  // positional (array) or named (object)
  std::string cron;                               // "0 3 * * *"
  std::string timezone;                           // IANA name; empty: UTC
  MissedPolicy missed = MissedPolicy::skip;
  OverlapPolicy overlap = OverlapPolicy::skip;
  bool operator==(const ScheduleSpec&) const = default;
};

struct Document {
  std::map<std::string, std::string> vars;
  std::vector<std::string> secrets;  // names in the local secret store; never values
  std::map<std::string, ComponentEntry> components;
  std::vector<WireSpec> wires;
  std::vector<ScheduleSpec> schedules;
  bool operator==(const Document&) const = default;
};

// Parses and validates a document; errors are one line, "SOURCE:LINE: what is wrong".
Result<Document> parse_document(std::string_view toml, std::string_view source);
Result<Document> load_document(const std::string& path);

// The canonical text: stable key order, so equal documents serialize to equal bytes and
// parse_document(serialize_document(d)) == d.
std::string serialize_document(const Document& doc);

// Name rules, shared with the CLI's edit commands.
// Component names: [a-z0-9][a-z0-9-_]{0,62}.
bool is_valid_component_name(std::string_view name);
// Schedule names: the same rule as component names.
bool is_valid_schedule_name(std::string_view name);
// Var and secret names are environment variable names: [A-Za-z_][A-Za-z0-9_]{0,127}.
bool is_valid_var_name(std::string_view name);
// A component reference: REGISTRY/NS/NAME with a tag or a digest, or local:sha256:…; the
// message says why not.
Result<void> validate_component_ref(std::string_view ref);
// Whether any component is a local one (a pushed version never has one).
bool has_local_components(const Document& doc);
// "ns:pkg/iface" or "ns:pkg/iface@1.2.3".
bool is_valid_interface_name(std::string_view name);
// Checks one grant or limit value as the document would hold it (for the edit commands).
Result<void> validate_env_grant(std::string_view spec);
Result<void> validate_dir(const DirSpec& dir);

}  // namespace asterai::env
