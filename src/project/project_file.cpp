// asterai.toml: the project file. One [component] table; unknown keys are errors so a typo
// never goes unnoticed.
#include <toml++/toml.h>

#include <algorithm>
#include <array>
#include <fstream>
#include <sstream>

#include "asterai/project/project.h"

namespace asterai::project {
namespace {

struct LanguageName {
  std::string_view name;
  Language language;
};
constexpr std::array<LanguageName, 13> kLanguageNames{{{"c", Language::c},
                                                       {"cpp", Language::cpp},
                                                       {"c++", Language::cpp},
                                                       {"js", Language::js},
                                                       {"javascript", Language::js},
                                                       {"ts", Language::ts},
                                                       {"typescript", Language::ts},
                                                       {"python", Language::python},
                                                       {"py", Language::python},
                                                       {"rust", Language::rust},
                                                       {"rs", Language::rust},
                                                       {"go", Language::go},
                                                       {"golang", Language::go}}};

constexpr std::array<std::string_view, 14> kComponentKeys{
    "namespace", "name", "version", "description", "license", "language", "world",
    "wit",       "src",  "policy",  "registry",    "source",  "wasm",     "preinit"};

bool is_semver(std::string_view v) {
  // MAJOR.MINOR.PATCH with an optional -pre-release / +build suffix.
  int dots = 0;
  size_t i = 0, digits = 0;
  for (; i < v.size() && v[i] != '-' && v[i] != '+'; ++i) {
    if (v[i] == '.') {
      if (digits == 0) return false;
      ++dots;
      digits = 0;
    } else if (v[i] >= '0' && v[i] <= '9') {
      ++digits;
    } else {
      return false;
    }
  }
  return dots == 2 && digits > 0 && (i == v.size() || i + 1 < v.size());
}

}  // namespace

Result<Language> parse_language(std::string_view name) {
  for (const auto& entry : kLanguageNames)
    if (entry.name == name) return entry.language;
  return make_error(ErrorKind::usage, "unknown language \"" + std::string(name) +
                                          "\" (choose one of: c, cpp, js, ts, python, rust, go)");
}

std::string_view language_name(Language language) {
  for (const auto& entry : kLanguageNames)
    if (entry.language == language) return entry.name;
  return "?";
}

Result<void> validate_wit_name(std::string_view name, std::string_view what) {
  bool ok = !name.empty();
  bool word_start = true;
  for (char ch : name) {
    if (ch == '-') {
      ok = ok && !word_start;
      word_start = true;
    } else if (ch >= 'a' && ch <= 'z') {
      word_start = false;
    } else if (ch >= '0' && ch <= '9') {
      ok = ok && !word_start;
    } else {
      ok = false;
    }
  }
  if (ok && !word_start) return {};
  return make_error(ErrorKind::usage,
                    std::string(what) + " \"" + std::string(name) +
                        "\" is not a WIT name: use lower-case words of letters and digits joined "
                        "by '-', each starting with a letter (e.g. text-stats)");
}

Result<Project> parse_project(std::string_view text, std::string_view source,
                              const std::filesystem::path& root) {
  auto fail = [&](const toml::source_region& at, const std::string& message) {
    return make_error(ErrorKind::invalid_input,
                      std::string(source) + ":" + std::to_string(at.begin.line) + ": " + message);
  };
  toml::table doc;
  try {
    doc = toml::parse(text, source);
  } catch (const toml::parse_error& e) {
    return fail(e.source(), std::string(e.description()));
  }
  const auto* component = doc.get_as<toml::table>("component");
  if (!component) return fail(doc.source(), "missing the [component] table");
  for (auto&& [key, value] : doc)
    if (key.str() != "component")
      return fail(value.source(), "unknown table or key \"" + std::string(key.str()) +
                                      "\" (only [component] is allowed)");

  Project p;
  p.root = root;
  for (auto&& [key, value] : *component) {
    if (std::find(kComponentKeys.begin(), kComponentKeys.end(), key.str()) == kComponentKeys.end())
      return fail(value.source(), "unknown key \"" + std::string(key.str()) + "\" in [component]");
    bool flag = key.str() == "preinit";
    if (flag ? !value.is_boolean() : !value.is_string())
      return fail(value.source(), "component." + std::string(key.str()) + " must be " +
                                      (flag ? "true or false" : "a string"));
  }
  auto get = [&](std::string_view key) { return component->get(key); };
  auto text_of = [&](std::string_view key) {
    const auto* node = get(key);
    return node ? node->value<std::string>().value_or("") : std::string();
  };
  for (std::string_view required : {"namespace", "name", "version", "language"})
    if (!get(required))
      return fail(component->source(), "[component] needs `" + std::string(required) + "`");

  p.namespace_ = text_of("namespace");
  p.name = text_of("name");
  p.version = text_of("version");
  p.description = text_of("description");
  p.license = text_of("license");
  p.world = get("world") ? text_of("world") : p.name;
  if (auto ok = validate_wit_name(p.namespace_, "component.namespace"); !ok)
    return fail(get("namespace")->source(), ok.error().message);
  if (auto ok = validate_wit_name(p.name, "component.name"); !ok)
    return fail(get("name")->source(), ok.error().message);
  if (auto ok = validate_wit_name(p.world, "component.world"); !ok)
    return fail(get("world") ? get("world")->source() : get("name")->source(), ok.error().message);
  if (!is_semver(p.version))
    return fail(get("version")->source(),
                "component.version \"" + p.version + "\" is not a semantic version like 0.1.0");
  auto language = parse_language(text_of("language"));
  if (!language) return fail(get("language")->source(), language.error().message);
  p.language = *language;
  if (const auto* preinit = get("preinit")) {
    p.preinit = preinit->value<bool>().value_or(false);
    if (p.preinit && p.language != Language::go)
      return fail(preinit->source(), "component.preinit is for Go projects only");
  }
  p.wit_dir = (root / (get("wit") ? text_of("wit") : "wit")).lexically_normal();
  p.src_dir = (root / (get("src") ? text_of("src") : "src")).lexically_normal();
  if (get("policy")) p.policy = (root / text_of("policy")).lexically_normal();
  p.registry = text_of("registry");
  p.source_url = text_of("source");
  p.wasm =
      (root / (get("wasm") ? text_of("wasm") : "build/" + p.name + ".wasm")).lexically_normal();
  return p;
}

Result<Project> load_project(const std::filesystem::path& dir) {
  auto file = dir / kProjectFile;
  std::ifstream in(file);
  if (!in)
    return make_error(
        ErrorKind::not_found,
        "no " + std::string(kProjectFile) + " in " + dir.string() +
            ": run `asterai build` inside a project (create one with `asterai init`)");
  std::stringstream text;
  text << in.rdbuf();
  return parse_project(text.str(), file.string(), std::filesystem::absolute(dir));
}

}  // namespace asterai::project
