// Shared helpers for asterai's tests: where the test components are, running the real
// `asterai` binary, WAT -> component bytes, temporary folders.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace asterai::test {

// The folder the test components were built into (CMake: ASTERAI_TEST_COMPONENTS_DIR).
std::filesystem::path components_dir();
// components_dir() / name, failing the test when it is missing.
std::filesystem::path component(const std::string& name);
// Languages whose kitchen-sink component was built ("c", "js" and, when available, "py").
std::vector<std::string> kitchen_sink_languages();

// A compile cache shared by all tests of a build, so the large JavaScript and Python
// components are compiled once per build rather than once per test process.
std::filesystem::path shared_cache_dir();

// Points the CLI (and this process) at a private ASTERAI_HOME and Docker config under `home`,
// the shared compile cache, and no default registry or secret key, so a test sees only its
// own store, credentials and secrets.
void isolate_home(const std::filesystem::path& home);

// Compiles WebAssembly text (a core module or a component) to binary.
std::vector<uint8_t> wat(const std::string& text);

// A fresh, empty folder under the system temp dir, removed by the destructor.
class TempDir {
 public:
  explicit TempDir(const std::string& tag);
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

struct ProcessResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

// Runs the built `asterai` binary with these arguments (no shell), optional stdin text.
ProcessResult run_asterai(const std::vector<std::string>& args, const std::string& stdin_text = {});

}  // namespace asterai::test
