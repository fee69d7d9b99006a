// A component project: a folder with `asterai.toml`, a `wit/` world and sources in one
// language. `asterai init` writes one (scaffold.h), `asterai build` turns it into a component
// (build.h). Format: docs/authoring.md.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "asterai/common/error.h"

namespace asterai::project {

enum class Language { c, cpp, js, ts, python, rust, go };

// "c", "cpp", "js", "ts", "python", "rust", "go" (also "javascript", "typescript", "py", "c++",
// "rs", "golang").
Result<Language> parse_language(std::string_view name);
std::string_view language_name(Language language);

struct Project {
  std::filesystem::path root;  // the folder holding asterai.toml
  std::string namespace_;      // registry namespace, e.g. "acme"
  std::string name;            // kebab-case, e.g. "text-stats"
  std::string version;         // semver, e.g. "0.1.0"
  std::string description;
  std::string license;
  Language language = Language::c;
  std::string world;                            // the WIT world to build; defaults to `name`
  std::filesystem::path wit_dir;                // absolute; default root/wit
  std::filesystem::path src_dir;                // absolute; default root/src (key `src`)
  std::optional<std::filesystem::path> policy;  // default sandbox policy file, if any
  // For `asterai push`: the default registry host, the source repository URL (annotation),
  // and the component file when it is not the build output (build/NAME.wasm).
  std::string registry;
  std::string source_url;
  std::filesystem::path wasm;  // absolute
  // Go only: snapshot the started Go runtime at build time (docs/authoring.md, "Go").
  bool preinit = false;
};

inline constexpr std::string_view kProjectFile = "asterai.toml";

// Parses `asterai.toml` text; `source` names it in errors ("asterai.toml:3: ...").
Result<Project> parse_project(std::string_view toml, std::string_view source,
                              const std::filesystem::path& root);
// Reads DIR/asterai.toml.
Result<Project> load_project(const std::filesystem::path& dir);

// WIT identifiers: lower-case words of letters and digits joined by '-', each word starting
// with a letter ("text-stats"). Returns a one-line reason when `name` is not one.
Result<void> validate_wit_name(std::string_view name, std::string_view what);

}  // namespace asterai::project
