#include "asterai/project/scaffold.h"

#include <system_error>

#include "asterai/common/files.h"
#include "templates.h"

namespace asterai::project {
namespace {

namespace fs = std::filesystem;

std::string replace_all(std::string text, std::string_view from, std::string_view to) {
  for (size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size()))
    text.replace(at, from.size(), to);
  return text;
}

std::string render(std::string_view text, const InitOptions& o) {
  std::string c_world = o.name;
  for (char& ch : c_world)
    if (ch == '-') ch = '_';
  std::string hint;
  switch (o.language) {
    case Language::c:
      hint = "C (clang-19 + wasi-libc + wit-bindgen).";
      break;
    case Language::cpp:
      hint = "C++20 (clang++-19 + wasi-libc + libc++ + wit-bindgen).";
      break;
    case Language::js:
      hint = "JavaScript (componentize-js).";
      break;
    case Language::ts:
      hint = "TypeScript (transpiled, then componentize-js).";
      break;
    case Language::python:
      hint = "Python (componentize-py).";
      break;
    case Language::rust:
      hint = "Rust (Debian's rustc and cargo for wasm32-wasip2 + wit-bindgen).";
      break;
    case Language::go:
      hint = "Go (wit-bindgen go + GOOS=wasip1 go build + wasm-tools).";
      break;
  }
  std::string out(text);
  out = replace_all(out, "{{namespace}}", o.namespace_);
  out = replace_all(out, "{{name}}", o.name);
  out = replace_all(out, "{{world}}", o.name);
  out = replace_all(out, "{{c_world}}", c_world);
  out = replace_all(out, "{{version}}", o.version);
  out = replace_all(out, "{{language}}", language_name(o.language));
  out = replace_all(out, "{{build_hint}}", hint);
  return out;
}

// Removes the project folder unless release() was called: a failed init leaves nothing.
class NewFolder {
 public:
  explicit NewFolder(fs::path path) : path_(std::move(path)) {}
  ~NewFolder() {
    std::error_code ec;
    if (!path_.empty()) fs::remove_all(path_, ec);
  }
  NewFolder(const NewFolder&) = delete;
  NewFolder& operator=(const NewFolder&) = delete;
  void release() { path_.clear(); }

 private:
  fs::path path_;
};

}  // namespace

Result<std::vector<fs::path>> init_project(const InitOptions& options) {
  ASTERAI_TRY(validate_wit_name(options.name, "project name"));
  ASTERAI_TRY(validate_wit_name(options.namespace_, "namespace"));
  fs::path dir = options.dir.empty() ? fs::path(options.name) : options.dir;
  std::error_code ec;
  bool existed = fs::exists(dir, ec);
  if (existed && (!fs::is_directory(dir, ec) || !fs::is_empty(dir, ec)))
    return make_error(ErrorKind::conflict, dir.string() +
                                               " exists and is not an empty folder: choose another "
                                               "name or --dir");
  if (!fs::create_directories(dir, ec) && ec)
    return make_error(ErrorKind::io, "cannot create " + dir.string() + ": " + ec.message());
  // An empty folder the user made is emptied again on failure, not removed.
  NewFolder guard(existed ? fs::path() : dir);

  std::vector<fs::path> written;
  for (const auto& file : templates_for(options.language)) {
    fs::path target = dir / file.path;
    fs::create_directories(target.parent_path(), ec);
    std::string text = render(file.text, options);
    auto ok =
        write_file_atomic(target, {reinterpret_cast<const uint8_t*>(text.data()), text.size()});
    if (!ok) {
      for (const auto& w : written) fs::remove(dir / w, ec);
      return tl::unexpected(ok.error());
    }
    written.emplace_back(file.path);
  }
  guard.release();
  return written;
}

}  // namespace asterai::project
