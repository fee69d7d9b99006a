#include "oci_common.h"

#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>

#include "output.h"

namespace asterai::cli {
namespace {

bool env_flag(const char* name) {
  const char* v = std::getenv(name);
  return v && *v && std::string_view(v) != "0";
}

class ProgressBar final : public oci::Progress {
 public:
  void start(const std::string& label, uint64_t total) override {
    label_ = label;
    total_ = total;
    done_ = 0;
    began_ = last_draw_ = std::chrono::steady_clock::now();
    draw(false);
  }
  void update(uint64_t done) override {
    done_ = done;
    auto now = std::chrono::steady_clock::now();
    if (now - last_draw_ < std::chrono::milliseconds(100)) return;
    last_draw_ = now;
    draw(false);
  }
  void finish(bool skipped) override {
    if (skipped) {
      std::fprintf(stderr, "\r\033[K  %s  %s  already there\n", label_.c_str(),
                   human_size(total_).c_str());
      return;
    }
    done_ = total_;
    draw(true);
  }

 private:
  void draw(bool final) {
    double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - began_).count();
    double rate = secs > 0 ? static_cast<double>(done_) / secs : 0;
    const int width = 24;
    int filled = total_ ? static_cast<int>(width * static_cast<double>(done_) / total_) : 0;
    std::string bar(static_cast<size_t>(filled), '#');
    bar.resize(width, '.');
    std::fprintf(stderr, "\r\033[K  %s  [%s] %s / %s  %s/s%s", label_.c_str(), bar.c_str(),
                 human_size(done_).c_str(), human_size(total_).c_str(),
                 human_size(static_cast<uint64_t>(rate)).c_str(), final ? "\n" : "");
    std::fflush(stderr);
  }
  std::string label_;
  uint64_t total_ = 0, done_ = 0;
  std::chrono::steady_clock::time_point began_, last_draw_;
};

}  // namespace

void RegistryFlags::add_to(CLI::App& cmd) {
  cmd.add_flag(
      "--plain-http", plain_http,
      "Talk HTTP instead of HTTPS (always for 127.0.0.1/localhost; or ASTERAI_PLAIN_HTTP=1)");
}

std::unique_ptr<oci::Progress> make_progress(bool json) {
  if (json || env_flag("CI") || !isatty(STDOUT_FILENO) || !isatty(STDERR_FILENO)) return nullptr;
  return std::make_unique<ProgressBar>();
}

}  // namespace asterai::cli
