#include "asterai/common/process.h"

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <sstream>

extern char** environ;

namespace asterai {
namespace {

// Closes both ends of a pipe on every path out of run_process.
struct Pipe {
  int fds[2] = {-1, -1};
  ~Pipe() {
    for (int fd : fds)
      if (fd >= 0) close(fd);
  }
  void close_end(int i) {
    if (fds[i] >= 0) close(fds[i]);
    fds[i] = -1;
  }
};

struct SpawnActions {
  posix_spawn_file_actions_t actions;
  SpawnActions() { posix_spawn_file_actions_init(&actions); }
  ~SpawnActions() { posix_spawn_file_actions_destroy(&actions); }
  SpawnActions(const SpawnActions&) = delete;
  SpawnActions& operator=(const SpawnActions&) = delete;
};

}  // namespace

std::filesystem::path find_on_path(const std::string& program) {
  const char* path = std::getenv("PATH");
  if (!path) return {};
  std::stringstream dirs(path);
  std::string dir;
  while (std::getline(dirs, dir, ':')) {
    if (dir.empty()) continue;
    std::filesystem::path candidate = std::filesystem::path(dir) / program;
    if (access(candidate.c_str(), X_OK) == 0) return candidate;
  }
  return {};
}

Result<ProcessOutput> run_process(const std::vector<std::string>& argv,
                                  const std::filesystem::path& cwd) {
  if (argv.empty()) return make_error(ErrorKind::internal, "run_process: empty command");
  Pipe pipe_fds;
  if (pipe2(pipe_fds.fds, O_CLOEXEC) != 0)
    return make_error(ErrorKind::internal, std::string("pipe: ") + std::strerror(errno));
  SpawnActions sa;
  posix_spawn_file_actions_addopen(&sa.actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&sa.actions, pipe_fds.fds[1], STDOUT_FILENO);
  posix_spawn_file_actions_adddup2(&sa.actions, pipe_fds.fds[1], STDERR_FILENO);
  if (!cwd.empty()) posix_spawn_file_actions_addchdir_np(&sa.actions, cwd.c_str());

  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  pid_t pid = 0;
  int rc = posix_spawnp(&pid, args[0], &sa.actions, nullptr, args.data(), environ);
  if (rc != 0)
    return make_error(ErrorKind::not_found, "cannot run " + argv[0] + ": " + std::strerror(rc));
  pipe_fds.close_end(1);

  ProcessOutput out;
  char buf[8192];
  for (;;) {
    ssize_t n = read(pipe_fds.fds[0], buf, sizeof buf);
    if (n > 0) {
      out.output.append(buf, static_cast<size_t>(n));
    } else if (n == 0 || errno != EINTR) {
      break;
    }
  }
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  out.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return out;
}

}  // namespace asterai
