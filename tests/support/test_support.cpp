#include "test_support.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>
#include <wasmtime.h>

#include <cstdlib>
#include <random>

extern char** environ;

namespace asterai::test {
namespace fs = std::filesystem;

fs::path components_dir() {
  return ASTERAI_TEST_COMPONENTS_DIR;
}

fs::path shared_cache_dir() {
  return ASTERAI_TEST_CACHE_DIR;
}

void isolate_home(const fs::path& home) {
  ::setenv("ASTERAI_HOME", home.c_str(), 1);
  ::setenv("DOCKER_CONFIG", (home / "docker").c_str(), 1);
  ::setenv("ASTERAI_CACHE_DIR", shared_cache_dir().c_str(), 1);
  ::unsetenv("ASTERAI_REGISTRY");
  ::unsetenv("ASTERAI_SECRET_KEY");
}

fs::path component(const std::string& name) {
  auto path = components_dir() / name;
  EXPECT_TRUE(fs::exists(path)) << "test component missing: " << path
                                << " (built by the test_components target)";
  return path;
}

std::vector<std::string> kitchen_sink_languages() {
  std::vector<std::string> langs = {"c", "js"};
  // Python is optional: docs/authoring.md says when componentize-py cannot install.
  if (fs::exists(components_dir() / "kitchen-sink-py.wasm")) langs.push_back("py");
  return langs;
}

std::vector<uint8_t> wat(const std::string& text) {
  wasm_byte_vec_t out;
  if (wasmtime_error_t* err = wasmtime_wat2wasm(text.data(), text.size(), &out)) {
    wasm_name_t message;
    wasmtime_error_message(err, &message);
    std::string m(message.data, message.size);
    wasm_byte_vec_delete(&message);
    wasmtime_error_delete(err);
    ADD_FAILURE() << "bad WAT in test: " << m;
    return {};
  }
  std::vector<uint8_t> bytes(out.data, out.data + out.size);
  wasm_byte_vec_delete(&out);
  return bytes;
}

TempDir::TempDir(const std::string& tag) {
  std::random_device rd;
  path_ = fs::temp_directory_path() /
          ("asterai-" + tag + "-" + std::to_string(::getpid()) + "-" + std::to_string(rd()));
  fs::create_directories(path_);
}

TempDir::~TempDir() {
  std::error_code ec;
  fs::remove_all(path_, ec);
}

ProcessResult run_asterai(const std::vector<std::string>& args, const std::string& stdin_text) {
  ProcessResult result;
  int in_pipe[2], out_pipe[2], err_pipe[2];
  if (pipe(in_pipe) || pipe(out_pipe) || pipe(err_pipe)) return result;
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, in_pipe[0], 0);
  posix_spawn_file_actions_adddup2(&actions, out_pipe[1], 1);
  posix_spawn_file_actions_adddup2(&actions, err_pipe[1], 2);
  for (int fd : {in_pipe[0], in_pipe[1], out_pipe[0], out_pipe[1], err_pipe[0], err_pipe[1]}) {
    posix_spawn_file_actions_addclose(&actions, fd);
  }
  std::vector<std::string> argv_s = {ASTERAI_BINARY};
  argv_s.insert(argv_s.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& a : argv_s) argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_t pid = 0;
  int rc = posix_spawn(&pid, ASTERAI_BINARY, &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  close(in_pipe[0]);
  close(out_pipe[1]);
  close(err_pipe[1]);
  if (rc != 0) {
    close(in_pipe[1]);
    close(out_pipe[0]);
    close(err_pipe[0]);
    return result;
  }
  if (!stdin_text.empty()) (void)!write(in_pipe[1], stdin_text.data(), stdin_text.size());
  close(in_pipe[1]);
  // Drain both pipes together so a chatty child never blocks on a full pipe.
  pollfd fds[2] = {{out_pipe[0], POLLIN, 0}, {err_pipe[0], POLLIN, 0}};
  std::string* sinks[2] = {&result.out, &result.err};
  int open_fds = 2;
  char buf[65536];
  while (open_fds > 0) {
    if (poll(fds, 2, -1) < 0) break;
    for (int i = 0; i < 2; ++i) {
      if (fds[i].fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP))) continue;
      ssize_t n = read(fds[i].fd, buf, sizeof buf);
      if (n > 0) {
        sinks[i]->append(buf, static_cast<size_t>(n));
      } else {
        close(fds[i].fd);
        fds[i].fd = -1;
        --open_fds;
      }
    }
  }
  int status = 0;
  waitpid(pid, &status, 0);
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return result;
}

}  // namespace asterai::test
