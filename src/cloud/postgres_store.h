// Store on PostgreSQL (`--store postgres://…`), for nodes on several machines: one database
// every node shares. libpq directly (Debian's libpqxx 6.4 predates C++20), behind a small
// pool of connections; a dropped connection is re-opened on its next use.
#pragma once

#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "asterai/cloud/store.h"
#include "pq_library.h"

namespace asterai::cloud {

// A result cell as text, and as a number (0 when NULL).
std::string pg_text(PGresult* r, int row, int col);
int64_t pg_integer(PGresult* r, int row, int col);

class PostgresStore : public Store, public std::enable_shared_from_this<PostgresStore> {
 public:
  static Result<std::shared_ptr<PostgresStore>> open(const std::string& url,
                                                     size_t connections = 4);
  ~PostgresStore() override;

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

  struct ResultFree {
    void operator()(PGresult* r) const { pq().PQclear(r); }
  };
  using Rows = std::unique_ptr<PGresult, ResultFree>;
  using Params = std::vector<std::optional<std::string>>;
  // One statement on a pooled connection (postgres_schedule_state.cpp keeps its tables in
  // the same database).
  Result<Rows> exec(const std::string& sql, const Params& params, std::string_view what);

 private:
  struct ConnFree {
    void operator()(PGconn* c) const { pq().PQfinish(c); }
  };
  using Conn = std::unique_ptr<PGconn, ConnFree>;
  // A connection taken from the pool; given back when it ends.
  class Lease {
   public:
    Lease(PostgresStore& store, Conn conn) : store_(&store), conn_(std::move(conn)) {}
    Lease(Lease&& other) noexcept
        : store_(std::exchange(other.store_, nullptr)), conn_(std::move(other.conn_)) {}
    Lease& operator=(Lease&&) = delete;
    ~Lease();
    PGconn* get() const { return conn_.get(); }
    // One statement; an error names `what`.
    Result<Rows> exec(const std::string& sql, const Params& params, std::string_view what);

   private:
    PostgresStore* store_;
    Conn conn_;
  };

  explicit PostgresStore(std::string url) : url_(std::move(url)) {}
  Result<Lease> lease();
  // The tables, and the month sums of records stored before usage_months existed.
  static Result<void> create_schema(Lease& c);
  Result<std::optional<Deployment>> active_on(Lease& c, const std::string& tenant,
                                              const std::string& environment);

  std::string url_;
  std::mutex mutex_;
  std::condition_variable cv_;
  std::vector<Conn> idle_;
  size_t out_ = 0;  // connections leased now
  size_t max_ = 4;
};

}  // namespace asterai::cloud
