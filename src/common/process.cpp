#include "asterai/common/process.h"

#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
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

namespace {

// Shared by run_process and run_filter: with `input`, stdin is a pipe fed that text (small,
// written before the output is read, so it fits the pipe buffer); otherwise /dev/null.
Result<ProcessOutput> spawn_and_collect(const std::vector<std::string>& argv,
                                        const std::filesystem::path& cwd,
                                        const std::string_view* input, bool merge_stderr) {
  if (argv.empty()) return make_error(ErrorKind::internal, "run_process: empty command");
  Pipe out_pipe, in_pipe;
  if (pipe2(out_pipe.fds, O_CLOEXEC) != 0 || (input && pipe2(in_pipe.fds, O_CLOEXEC) != 0))
    return make_error(ErrorKind::internal, std::string("pipe: ") + std::strerror(errno));
  SpawnActions sa;
  if (input)
    posix_spawn_file_actions_adddup2(&sa.actions, in_pipe.fds[0], STDIN_FILENO);
  else
    posix_spawn_file_actions_addopen(&sa.actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&sa.actions, out_pipe.fds[1], STDOUT_FILENO);
  if (merge_stderr)
    posix_spawn_file_actions_adddup2(&sa.actions, out_pipe.fds[1], STDERR_FILENO);
  else
    posix_spawn_file_actions_addopen(&sa.actions, STDERR_FILENO, "/dev/null", O_WRONLY, 0);
  if (!cwd.empty()) posix_spawn_file_actions_addchdir_np(&sa.actions, cwd.c_str());

  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  pid_t pid = 0;
  int rc = posix_spawnp(&pid, args[0], &sa.actions, nullptr, args.data(), environ);
  if (rc != 0)
    return make_error(ErrorKind::not_found, "cannot run " + argv[0] + ": " + std::strerror(rc));
  out_pipe.close_end(1);
  if (input) {
    in_pipe.close_end(0);
    // A child that exits without reading must not kill us with SIGPIPE: block it for this
    // thread during the write and swallow the one it raised (the usual POSIX idiom).
    sigset_t pipe_set, old_set;
    sigemptyset(&pipe_set);
    sigaddset(&pipe_set, SIGPIPE);
    pthread_sigmask(SIG_BLOCK, &pipe_set, &old_set);
    size_t done = 0;
    bool broken = false;
    while (done < input->size()) {
      ssize_t n = write(in_pipe.fds[1], input->data() + done, input->size() - done);
      if (n > 0) {
        done += static_cast<size_t>(n);
      } else if (!(n < 0 && errno == EINTR)) {
        broken = n < 0 && errno == EPIPE;
        break;
      }
    }
    if (broken) {
      timespec zero{};
      sigtimedwait(&pipe_set, nullptr, &zero);
    }
    pthread_sigmask(SIG_SETMASK, &old_set, nullptr);
    in_pipe.close_end(1);
  }

  ProcessOutput out;
  char buf[8192];
  for (;;) {
    ssize_t n = read(out_pipe.fds[0], buf, sizeof buf);
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

}  // namespace

Result<ProcessOutput> run_process(const std::vector<std::string>& argv,
                                  const std::filesystem::path& cwd) {
  return spawn_and_collect(argv, cwd, nullptr, true);
}

Result<ProcessOutput> run_filter(const std::vector<std::string>& argv, std::string_view input) {
  return spawn_and_collect(argv, {}, &input, false);
}

}  // namespace asterai
