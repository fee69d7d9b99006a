// Store on an embedded SQLite file (`--store sqlite:PATH`, the default for one machine).
#pragma once

#include <condition_variable>
#include <filesystem>
#include <mutex>
#include <thread>

#include "asterai/cloud/store.h"
#include "asterai/common/sqlite.h"

namespace asterai::cloud {

class SqliteStore : public Store {
 public:
  static Result<std::shared_ptr<SqliteStore>> open(const std::filesystem::path& file);

  Result<Deployment> deploy(const Deployment& deployment) override;
  Result<std::optional<Deployment>> active(const std::string& tenant,
                                           const std::string& environment) override;
  Result<std::vector<Deployment>> list(const std::string& tenant) override;
  Result<Deployment> rollback(const std::string& tenant, const std::string& environment) override;
  Result<void> remove(const std::string& tenant, const std::string& environment) override;
  Result<void> add_usage(const std::vector<UsageRecord>& records) override;
  Result<std::vector<UsageTotal>> usage(const std::string& tenant, int64_t from_us,
                                        int64_t to_us) override;
  Result<uint64_t> usage_count(const std::string& tenant) override;
  Result<MonthUsage> month_usage(const std::string& tenant, int64_t month_us) override;
  Result<void> put_secret(const std::string& tenant, const std::string& name,
                          const std::string& sealed) override;
  Result<std::optional<std::string>> sealed_secret(const std::string& tenant,
                                                   const std::string& name) override;
  Result<std::vector<std::string>> secret_names(const std::string& tenant) override;
  Result<void> remove_secret(const std::string& tenant, const std::string& name) override;
  Result<int64_t> secrets_stamp(const std::string& tenant) override;
  Result<std::vector<SealedSecret>> all_sealed_secrets() override;
  Result<bool> reseal_secret(const SealedSecret& from, const std::string& to) override;
  Result<std::vector<Deployment>> scheduled() override;
  Result<bool> hold_lease(const std::string& name, const std::string& holder,
                          std::chrono::milliseconds ttl) override;
  Result<void> release_lease(const std::string& name, const std::string& holder) override;
  Result<std::shared_ptr<schedule::StateStore>> schedule_state() override;

  ~SqliteStore() override;

 private:
  // Moves the WAL into the database file on its own connection and thread, every
  // `kCheckpointEvery`: a checkpoint run by the committing connection (SQLite's automatic one)
  // fsyncs and copies megabytes while every answer waiting for that commit waits too.
  class Checkpointer {
   public:
    explicit Checkpointer(std::shared_ptr<sqlite::Database> db);
    ~Checkpointer();
    Checkpointer(const Checkpointer&) = delete;
    Checkpointer& operator=(const Checkpointer&) = delete;

   private:
    std::shared_ptr<sqlite::Database> db_;
    std::mutex mutex_;
    std::condition_variable wake_;
    bool stop_ = false;
    std::thread thread_;
  };

  SqliteStore(std::shared_ptr<sqlite::Database> db, std::shared_ptr<sqlite::Database> checkpoints,
              std::shared_ptr<schedule::StateStore> schedules)
      : db_(std::move(db)),
        checkpointer_(std::move(checkpoints)),
        schedule_state_(std::move(schedules)) {}
  Result<std::optional<Deployment>> active_locked(const std::string& tenant,
                                                  const std::string& environment);
  // One transaction storing `records` and adding them to their months' sums, under the
  // connection's mutex. Not `careful`: false (and nothing stored) when a record was stored
  // already, as only a careful run tells which.
  Result<bool> insert_usage(const std::vector<UsageRecord>& records, bool careful);

  std::shared_ptr<sqlite::Database> db_;
  Checkpointer checkpointer_;
  std::shared_ptr<schedule::StateStore> schedule_state_;
};

}  // namespace asterai::cloud
