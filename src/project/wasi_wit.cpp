#include "wasi_wit.h"

#include <cstdlib>
#include <regex>
#include <vector>

#include <nlohmann/json.hpp>

#include "asterai/common/files.h"
#include "asterai/common/process.h"

namespace asterai::project {
namespace {

namespace fs = std::filesystem;

constexpr std::string_view kCrate = "wasmtime-wasi-http";

std::string wit_text_without_comments(const fs::path& file) {
  auto bytes = read_file(file);
  std::string text = bytes ? std::string(bytes->begin(), bytes->end()) : std::string();
  static const std::regex comment("//[^\n]*");
  return std::regex_replace(text, comment, "");
}

// Every `.wit` file under `dir`.
std::vector<fs::path> wit_files(const fs::path& dir) {
  std::vector<fs::path> files;
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(dir, ec); !ec && it != fs::end(it);
       it.increment(ec))
    if (it->is_regular_file(ec) && it->path().extension() == ".wit") files.push_back(it->path());
  return files;
}

// The `NS:NAME` packages that `text` declares (`package NS:NAME@...`), or with `declared`
// false, the ones it refers to anywhere else.
std::set<std::string> package_names(const std::string& text, std::string_view ns, bool declared) {
  const std::regex pattern(declared ? R"(\bpackage\s+)" + std::string(ns) + R"(:([a-z][a-z0-9-]*))"
                                    : R"(\b)" + std::string(ns) + R"(:([a-z][a-z0-9-]*))");
  std::set<std::string> names;
  for (std::sregex_iterator it(text.begin(), text.end(), pattern), end; it != end; ++it)
    names.insert((*it)[1].str());
  return names;
}

std::set<std::string> wasi_names(const std::string& text, bool declared) {
  return package_names(text, "wasi", declared);
}

// The line of a tool's output that says what went wrong: the first "error" line, else the last.
std::string first_error_line(const std::string& output) {
  std::string last;
  size_t start = 0;
  while (start < output.size()) {
    size_t end = output.find('\n', start);
    std::string line = output.substr(start, end == std::string::npos ? end : end - start);
    if (line.rfind("error", 0) == 0) return line;
    if (!line.empty()) last = line;
    if (end == std::string::npos) break;
    start = end + 1;
  }
  return last;
}

// Where Cargo keeps wasmtime-wasi-http VERSION's sources: asks `cargo metadata` about a
// throwaway package depending on exactly that version (offline first: the runtime's own build
// usually downloaded it already).
Result<fs::path> crate_dir(const fs::path& scratch, std::string_view version) {
  std::string manifest =
      "[package]\nname = \"asterai-wasi-wit\"\nversion = \"0.0.0\"\n"
      "edition = \"2021\"\n[lib]\npath = \"lib.rs\"\n[dependencies]\n" +
      std::string(kCrate) + " = { version = \"=" + std::string(version) +
      "\", default-features = false }\n";
  ASTERAI_TRY(
      write_file_atomic(scratch / "Cargo.toml",
                        {reinterpret_cast<const uint8_t*>(manifest.data()), manifest.size()}));
  ASTERAI_TRY(write_file_atomic(scratch / "lib.rs", {}));
  fs::path cargo = find_on_path("cargo");
  if (cargo.empty())
    return make_error(ErrorKind::toolchain_missing,
                      "cargo is not installed; it fetches the WASI WIT packages this project "
                      "imports (install Rust, or set ASTERAI_WASI_WIT to a folder of them)");
  std::vector<std::string> argv{cargo.string(),     "metadata",
                                "--format-version", "1",
                                "--manifest-path",  (scratch / "Cargo.toml").string()};
  auto offline = argv;
  offline.push_back("--offline");
  auto out = ASTERAI_TRY(run_process(offline));
  if (out.exit_code != 0) out = ASTERAI_TRY(run_process(argv));
  if (out.exit_code != 0)
    return make_error(ErrorKind::toolchain_missing,
                      "cargo could not fetch " + std::string(kCrate) + " " + std::string(version) +
                          " for its WASI WIT packages (" + first_error_line(out.output) +
                          "); set ASTERAI_WASI_WIT to a folder of them to build offline");
  // stdout and stderr are interleaved: the JSON document is one line, from {"packages" on.
  size_t at = out.output.find("{\"packages\"");
  std::string line = at == std::string::npos ? std::string() : out.output.substr(at);
  line = line.substr(0, line.find('\n'));
  auto doc = nlohmann::json::parse(line, nullptr, false);
  if (doc.is_object())
    for (const auto& p : doc.value("packages", nlohmann::json::array()))
      if (p.value("name", "") == kCrate && p.value("version", "") == version)
        return fs::path(p.value("manifest_path", "")).parent_path();
  return make_error(
      ErrorKind::toolchain_missing,
      "cargo metadata did not list " + std::string(kCrate) + " " + std::string(version));
}

}  // namespace

std::set<std::string> wit_package_names(const fs::path& dir, std::string_view ns, bool declared) {
  std::set<std::string> names;
  for (const auto& f : wit_files(dir))
    names.merge(package_names(wit_text_without_comments(f), ns, declared));
  return names;
}

std::set<std::string> missing_wasi_packages(const fs::path& wit_dir) {
  // References from the project's own deps count too: a wasi:http it carries needs wasi:io.
  std::set<std::string> used = wit_package_names(wit_dir, "wasi", false);
  std::error_code ec;
  if (fs::is_directory(wit_dir / "deps", ec))
    for (const auto& name : wit_package_names(wit_dir / "deps", "wasi", true)) used.erase(name);
  return used;
}

Result<fs::path> wasi_wit_packages(const fs::path& tools_dir, std::string_view wasmtime_version) {
  std::error_code ec;
  if (const char* env = std::getenv("ASTERAI_WASI_WIT"); env && *env) {
    if (fs::is_directory(env, ec)) return fs::path(env);
    return make_error(ErrorKind::toolchain_missing,
                      std::string("ASTERAI_WASI_WIT is ") + env + ", which is not a folder");
  }
  if (wasmtime_version.empty() || wasmtime_version == "unknown")
    return make_error(ErrorKind::internal,
                      "the runtime's Wasmtime version is unknown, so its WASI WIT is too");
  fs::path dir = tools_dir / ("wasi-wit-" + std::string(wasmtime_version));
  if (fs::is_directory(dir, ec)) return dir;

  // Filled in a scratch folder and renamed into place: a concurrent or interrupted fill never
  // leaves a half-copied folder that looks complete.
  fs::create_directories(tools_dir, ec);
  std::string pattern = (tools_dir / ".wasi-wit.XXXXXX").string();
  if (!mkdtemp(pattern.data()))
    return make_error(ErrorKind::io, "cannot create a folder in " + tools_dir.string());
  fs::path scratch = pattern;
  struct Cleanup {
    fs::path path;
    ~Cleanup() {
      std::error_code ignored;
      fs::remove_all(path, ignored);
    }
  } cleanup{scratch};
  fs::path crate = ASTERAI_TRY(crate_dir(scratch, wasmtime_version));
  fs::copy(crate / "wit/deps", scratch / "wit", fs::copy_options::recursive, ec);
  if (ec)
    return make_error(ErrorKind::io,
                      "copying " + (crate / "wit/deps").string() + ": " + ec.message());
  fs::rename(scratch / "wit", dir, ec);
  if (ec && !fs::is_directory(dir))  // another build may have won the race: use its copy
    return make_error(ErrorKind::io, "cannot create " + dir.string() + ": " + ec.message());
  return dir;
}

Result<void> compose_wit(const fs::path& wit_dir, const fs::path& wasi_dir, const fs::path& dest) {
  std::error_code ec;
  fs::copy(wit_dir, dest, fs::copy_options::recursive, ec);
  if (ec) return make_error(ErrorKind::io, "copying " + wit_dir.string() + ": " + ec.message());
  if (wasi_dir.empty()) return {};
  std::set<std::string> own;
  if (fs::is_directory(wit_dir / "deps", ec))
    own = wit_package_names(wit_dir / "deps", "wasi", true);
  fs::create_directories(dest / "deps", ec);
  for (const auto& entry : fs::directory_iterator(wasi_dir, ec)) {
    std::set<std::string> names;
    for (const auto& f : fs::is_directory(entry.path()) ? wit_files(entry.path())
                                                        : std::vector<fs::path>{entry.path()})
      names.merge(wasi_names(wit_text_without_comments(f), true));
    bool wanted = !names.empty();
    for (const auto& n : names) wanted = wanted && !own.contains(n);
    if (!wanted) continue;
    // Prefixed: a package folder of the project's own deps may have the same file name.
    fs::copy(entry.path(), dest / "deps" / ("wasi-" + entry.path().filename().string()),
             fs::copy_options::recursive, ec);
    if (ec)
      return make_error(ErrorKind::io, "copying " + entry.path().string() + ": " + ec.message());
  }
  return {};
}

}  // namespace asterai::project
