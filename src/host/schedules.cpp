#include "asterai/host/schedules.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <deque>
#include <thread>

#include "asterai/common/sha256.h"
#include "asterai/oci/credentials.h"

namespace asterai::host {
namespace fs = std::filesystem;
using namespace schedule;

namespace {

// How long a run waits for room in a full instance pool: up to 5 s, looking every 100 ms.
constexpr auto kBusyWait = std::chrono::milliseconds(100);
constexpr int kBusyTries = 50;

// What one schedule calls.
struct Target {
  std::string member;
  std::string function_name;  // as the schedule names it; "run" for a command
  const runtime::FunctionInfo* function = nullptr;
  nlohmann::json args;
  bool command = false;  // wasi:cli/run: an `err` result is a failure
};

// Held while this process runs the environment's schedules.
class EnvLock {
 public:
  static Result<std::unique_ptr<EnvLock>> take(const fs::path& store, const std::string& env) {
    fs::path dir = store.string() + ".locks";
    std::error_code ec;
    fs::create_directories(dir, ec);
    auto digest =
        sha256_hex({reinterpret_cast<const uint8_t*>(env.data()), env.size()}).substr(0, 32);
    fs::path file = dir / (digest + ".lock");
    int fd = ::open(file.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0)
      return make_error(ErrorKind::io,
                        "cannot open " + file.string() + ": " + std::strerror(errno));
    if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
      ::close(fd);
      return make_error(ErrorKind::conflict, "the schedules of " + env +
                                                 " are run by another asterai process; this "
                                                 "one does not run them");
    }
    return std::unique_ptr<EnvLock>(new EnvLock(fd));
  }
  ~EnvLock() { ::close(fd_); }  // closing releases the lock
  EnvLock(const EnvLock&) = delete;
  EnvLock& operator=(const EnvLock&) = delete;

 private:
  explicit EnvLock(int fd) : fd_(fd) {}
  int fd_;
};

// Runs the schedules' calls: at most one per schedule at a time (the scheduler sees to it),
// so as many threads as schedules, capped, are enough and the queue stays short.
class Workers {
 public:
  explicit Workers(size_t n) {
    for (size_t i = 0; i < n; ++i) threads_.emplace_back([this] { work(); });
  }
  ~Workers() {
    {
      std::lock_guard lock(mutex_);
      stop_ = true;
    }
    ready_.notify_all();
    for (auto& t : threads_) t.join();
  }
  void submit(std::function<void()> task) {
    {
      std::lock_guard lock(mutex_);
      tasks_.push_back(std::move(task));
    }
    ready_.notify_one();
  }

 private:
  void work() {
    std::unique_lock lock(mutex_);
    while (true) {
      ready_.wait(lock, [&] { return stop_ || !tasks_.empty(); });
      if (tasks_.empty()) return;  // stopping, nothing left
      auto task = std::move(tasks_.front());
      tasks_.pop_front();
      lock.unlock();
      task();
      lock.lock();
    }
  }
  std::mutex mutex_;
  std::condition_variable ready_;
  std::deque<std::function<void()>> tasks_;
  bool stop_ = false;
  std::vector<std::thread> threads_;
};

RunResult run_target(const runtime::Composition& composition, const Target& t,
                     const RunRequest& run) {
  auto outcome = composition.call(t.member, *t.function, t.args, run.cancel);
  // No room in the engine's pool (nothing ran): a run has no client to retry it, so it
  // waits for a slot for a while, as long as its schedules are not stopping.
  for (int tries = 1; tries < kBusyTries && outcome.never_ran() && !(run.cancel && *run.cancel);
       ++tries) {
    std::this_thread::sleep_for(kBusyWait);
    outcome = composition.call(t.member, *t.function, t.args, run.cancel);
  }
  RunResult r;
  r.stats = outcome.stats;
  if (!outcome.ok()) {
    r.outcome =
        outcome.error->kind == ErrorKind::cancelled ? RunOutcome::interrupted : RunOutcome::failed;
    r.detail = std::string(error_kind_name(outcome.error->kind)) + ": " + outcome.error->message;
  } else if (outcome.result.is_object() && outcome.result.contains("err") &&
             outcome.result.size() == 1) {
    r.outcome = RunOutcome::failed;
    r.detail = t.command ? "the command exited with an error"
                         : "returned an error: " + outcome.result["err"].dump();
  }
  return r;
}

Result<Target> target_of(const LoadedComposition& loaded, const env::ScheduleSpec& s) {
  std::string where = loaded.env.source + ": schedule \"" + s.name + "\": ";
  const auto* member = loaded.composition->find(s.member);
  if (!member) return make_error(ErrorKind::not_found, where + "no component " + s.member);
  Target t{s.member, s.function.empty() ? "run" : s.function, nullptr, s.args, s.function.empty()};
  if (t.command) {
    t.function = command_function(*member->component);
    if (!t.function)
      return make_error(ErrorKind::unknown_function,
                        where + "component " + s.member +
                            " is not a command (it does not export wasi:cli/run); name a "
                            "function with function = \"NAME\"");
  } else {
    auto f = member->component->find_function(s.function);
    if (!f) return make_error(f.error().kind, where + f.error().message);
    t.function = *f;
  }
  if (auto ok = runtime::check_arguments(*t.function, t.args); !ok)
    return make_error(ok.error().kind, where + "args: " + ok.error().message);
  return t;
}

}  // namespace

fs::path default_schedule_store() {
  return oci::asterai_home() / "schedules.db";
}

struct RunningSchedules::Impl {
  std::unique_ptr<EnvLock> lock;
  std::unique_ptr<Workers> workers;
  std::shared_ptr<Scheduler> scheduler;
  std::unique_ptr<ScheduleThread> thread;
};

Result<std::unique_ptr<RunningSchedules>> RunningSchedules::start(const LoadedComposition& loaded,
                                                                  const ScheduleOptions& options) {
  const auto& specs = loaded.env.doc.schedules;
  if (specs.empty()) return std::unique_ptr<RunningSchedules>();
  std::vector<Job> jobs;
  auto targets = std::make_shared<std::map<std::string, Target>>();
  for (const auto& s : specs) {
    targets->emplace(s.name, ASTERAI_TRY(target_of(loaded, s)));
    auto cron = Cron::parse(s.cron, s.timezone);
    if (!cron)  // checked when the document was read; kept for a document built in code
      return make_error(cron.error().kind, loaded.env.source + ": schedule \"" + s.name +
                                               "\": " + cron.error().message);
    jobs.push_back({s.name, std::move(*cron), s.missed, s.overlap});
  }
  auto impl = std::make_unique<Impl>();
  const std::string& key = options.key.empty() ? loaded.env.label : options.key;
  std::shared_ptr<StateStore> store = options.state;
  if (!store) {
    impl->lock = ASTERAI_TRY(EnvLock::take(options.store, key));
    store = ASTERAI_TRY(StateStore::open(options.store));
  }
  impl->workers = std::make_unique<Workers>(std::min<size_t>(jobs.size(), 8));
  Runner runner = [workers = impl->workers.get(), composition = loaded.composition, targets,
                   on_run = options.on_run, admit = options.admit](
                      const RunRequest& run, std::function<void(RunResult)> done) {
    workers->submit([composition, targets, on_run, admit, run, done = std::move(done)] {
      std::shared_ptr<const void> held;
      if (admit) {
        auto ok = admit(run);
        if (!ok) {
          RunResult refused;
          refused.outcome = ok.error().kind == ErrorKind::cancelled ? RunOutcome::interrupted
                                                                    : RunOutcome::failed;
          refused.detail =
              std::string(error_kind_name(ok.error().kind)) + ": " + ok.error().message;
          return done(std::move(refused));
        }
        held = std::move(*ok);
      }
      const Target& t = targets->at(run.schedule);
      auto started = std::chrono::system_clock::now();
      auto result = run_target(*composition, t, run);
      held.reset();  // the instance is done: recording the run needs no core
      if (on_run) on_run(RunReport{run, t.member, t.function_name, started, result});
      done(std::move(result));
    });
  };
  impl->scheduler = std::make_shared<Scheduler>(key, std::move(jobs), std::move(store),
                                                options.clock, std::move(runner), options.log);
  ASTERAI_TRY(impl->scheduler->start());
  impl->thread = std::make_unique<ScheduleThread>(impl->scheduler, options.clock, options.grace);
  return std::unique_ptr<RunningSchedules>(new RunningSchedules(std::move(impl)));
}

RunningSchedules::RunningSchedules(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

RunningSchedules::~RunningSchedules() {
  impl_->thread.reset();     // stops ticking, lets runs finish within the grace, cancels
  impl_->scheduler->stop();  // (when start() failed after the scheduler began)
  impl_->workers.reset();
}

}  // namespace asterai::host
