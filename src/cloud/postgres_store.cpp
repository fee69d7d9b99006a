#include "postgres_store.h"

#include <algorithm>
#include <chrono>
#include <cstring>
#include <functional>

namespace asterai::cloud {
namespace {

constexpr const char* kSchema = R"(
CREATE TABLE IF NOT EXISTS deployments (
  id BIGSERIAL PRIMARY KEY, tenant TEXT NOT NULL, environment TEXT NOT NULL,
  version TEXT NOT NULL, reference TEXT NOT NULL, created BIGINT NOT NULL, retired BIGINT);
CREATE INDEX IF NOT EXISTS deployments_live ON deployments (tenant, environment, retired, id);
CREATE TABLE IF NOT EXISTS usage (
  call_id TEXT PRIMARY KEY, tenant TEXT NOT NULL, environment TEXT NOT NULL,
  version TEXT NOT NULL, member TEXT NOT NULL, function TEXT NOT NULL, kind TEXT NOT NULL,
  started_us BIGINT NOT NULL, wall_us BIGINT NOT NULL, fuel BIGINT,
  peak_memory BIGINT NOT NULL, http_bytes BIGINT NOT NULL, outcome TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS usage_by_tenant ON usage (tenant, started_us);
CREATE TABLE IF NOT EXISTS usage_months (
  tenant TEXT NOT NULL, month BIGINT NOT NULL, calls BIGINT NOT NULL, wall_us BIGINT NOT NULL,
  PRIMARY KEY (tenant, month));
CREATE TABLE IF NOT EXISTS usage_days (
  tenant TEXT NOT NULL, day BIGINT NOT NULL, environment TEXT NOT NULL, function TEXT NOT NULL,
  calls BIGINT NOT NULL, errors BIGINT NOT NULL, wall_us BIGINT NOT NULL, fuel BIGINT NOT NULL,
  PRIMARY KEY (tenant, day, environment, function));
CREATE TABLE IF NOT EXISTS deployment_schedules (
  deployment BIGINT PRIMARY KEY, schedules INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS leases (
  name TEXT PRIMARY KEY, holder TEXT NOT NULL, expires_ms BIGINT NOT NULL);
CREATE TABLE IF NOT EXISTS schedule_state (
  env TEXT NOT NULL, schedule TEXT NOT NULL, last_slot BIGINT NOT NULL, next_slot BIGINT,
  PRIMARY KEY (env, schedule));
CREATE TABLE IF NOT EXISTS schedule_runs (
  id BIGSERIAL PRIMARY KEY, env TEXT NOT NULL, schedule TEXT NOT NULL, slot BIGINT NOT NULL,
  outcome TEXT NOT NULL, detail TEXT NOT NULL DEFAULT '', started BIGINT, finished BIGINT,
  wall_us BIGINT NOT NULL DEFAULT 0, fuel BIGINT, peak_memory BIGINT NOT NULL DEFAULT 0,
  stdout_bytes BIGINT NOT NULL DEFAULT 0, stderr_bytes BIGINT NOT NULL DEFAULT 0,
  http_requests BIGINT NOT NULL DEFAULT 0, UNIQUE (env, schedule, slot));
CREATE INDEX IF NOT EXISTS schedule_runs_recent ON schedule_runs (env, id);
CREATE TABLE IF NOT EXISTS secrets (
  tenant TEXT NOT NULL, name TEXT NOT NULL, sealed TEXT NOT NULL, updated BIGINT NOT NULL,
  PRIMARY KEY (tenant, name));
CREATE TABLE IF NOT EXISTS secret_stamps (tenant TEXT PRIMARY KEY, stamp BIGINT NOT NULL);
)";

// Unix microseconds at the start of the UTC month of `started_us`, as month_start_us() says.
#define ASTERAI_PG_MONTH_OF(started)                              \
  "(extract(epoch FROM date_trunc('month', to_timestamp(" started \
  " / 1000000) AT TIME "                                          \
  "ZONE 'UTC'))::bigint * 1000000)"

// Unix microseconds at the start of the UTC day of `started_us`.
#define ASTERAI_PG_DAY_OF(started) "((" started " / 86400000000) * 86400000000)"

// A store made before usage_months or usage_days existed: its sums, from the records it holds.
constexpr const char* kSumDays =
    "INSERT INTO usage_days (tenant, day, environment, function, calls, errors, wall_us, fuel)"
    " SELECT tenant, " ASTERAI_PG_DAY_OF("started_us") ", environment, function, COUNT(*),"
    " COUNT(*) FILTER (WHERE outcome <> 'ok'), SUM(wall_us), COALESCE(SUM(fuel), 0) FROM usage"
    " GROUP BY 1, 2, 3, 4";
constexpr const char* kSumMonths =
    "INSERT INTO usage_months (tenant, month, calls, wall_us) SELECT tenant, " ASTERAI_PG_MONTH_OF(
        "started_us") ", COUNT(*), SUM(wall_us) FROM usage GROUP BY 1, 2";

// A batch of records, its columns as 13 arrays, and their sums. The rows stored (not those
// already there) are grouped by day first and the months taken from those groups, so the
// calendar arithmetic runs once per day and function rather than once per record.
constexpr const char* kAddUsage =
    "WITH stored AS (INSERT INTO usage (call_id, tenant, environment, version, member,"
    " function, kind, started_us, wall_us, fuel, peak_memory, http_bytes, outcome)"
    " SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[],"
    " $6::text[], $7::text[], $8::bigint[], $9::bigint[], $10::bigint[], $11::bigint[],"
    " $12::bigint[], $13::text[]) ON CONFLICT (call_id) DO NOTHING"
    " RETURNING tenant, environment, function, started_us, wall_us, fuel, outcome),"
    " days AS (SELECT tenant, " ASTERAI_PG_DAY_OF("started_us") " AS day, environment, function,"
    " COUNT(*) AS calls, COUNT(*) FILTER (WHERE outcome <> 'ok') AS errors,"
    " SUM(wall_us) AS wall_us, COALESCE(SUM(fuel), 0) AS fuel FROM stored GROUP BY 1, 2, 3, 4),"
    " months AS (INSERT INTO usage_months (tenant, month, calls, wall_us)"
    " SELECT tenant, " ASTERAI_PG_MONTH_OF("day") ", SUM(calls), SUM(wall_us) FROM days"
    " GROUP BY 1, 2 ORDER BY 1, 2 ON CONFLICT (tenant, month) DO UPDATE SET"
    " calls = usage_months.calls + excluded.calls,"
    " wall_us = usage_months.wall_us + excluded.wall_us)"
    " INSERT INTO usage_days (tenant, day, environment, function, calls, errors, wall_us, fuel)"
    " SELECT * FROM days ORDER BY 1, 2, 3, 4"
    " ON CONFLICT (tenant, day, environment, function) DO UPDATE SET"
    " calls = usage_days.calls + excluded.calls, errors = usage_days.errors + excluded.errors,"
    " wall_us = usage_days.wall_us + excluded.wall_us, fuel = usage_days.fuel + excluded.fuel";

constexpr const char* kBumpStamp =
    "INSERT INTO secret_stamps (tenant, stamp) VALUES ($1, 1)"
    " ON CONFLICT (tenant) DO UPDATE SET stamp = secret_stamps.stamp + 1";

// Serialises schema creation between nodes starting at once (any fixed number).
constexpr const char* kSchemaLock = "SELECT pg_advisory_lock(7316204)";
constexpr const char* kSchemaUnlock = "SELECT pg_advisory_unlock(7316204)";
constexpr const char* kColumns =
    "id, tenant, environment, version, reference, created,"
    " (SELECT schedules FROM deployment_schedules WHERE deployment = id)";

std::string now_seconds() {
  return std::to_string(std::chrono::duration_cast<std::chrono::seconds>(
                            std::chrono::system_clock::now().time_since_epoch())
                            .count());
}

Deployment row(PGresult* r, int i) {
  return Deployment{pg_integer(r, i, 0),
                    pg_text(r, i, 1),
                    pg_text(r, i, 2),
                    pg_text(r, i, 3),
                    pg_text(r, i, 4),
                    pg_integer(r, i, 5),
                    static_cast<size_t>(pg_integer(r, i, 6))};
}

// "postgres://…" and "postgresql://…" URLs libpq takes as they are.
bool is_postgres_url(const std::string& url) {
  return url.starts_with("postgres://") || url.starts_with("postgresql://");
}

}  // namespace

std::string pg_text(PGresult* r, int row, int col) {
  return std::string(pq().PQgetvalue(r, row, col), pq().PQgetlength(r, row, col));
}
int64_t pg_integer(PGresult* r, int row, int col) {
  return pq().PQgetisnull(r, row, col) ? 0 : std::stoll(pg_text(r, row, col));
}

Result<std::shared_ptr<PostgresStore>> PostgresStore::open(const std::string& url,
                                                           size_t connections) {
  if (!is_postgres_url(url))
    return make_error(ErrorKind::usage, "--store " + url + ": expected postgres://…");
  ASTERAI_TRY(load_pq());
  std::shared_ptr<PostgresStore> store(new PostgresStore(url));
  store->max_ = connections ? connections : 1;
  auto c = ASTERAI_TRY(store->lease());
  ASTERAI_TRY(c.exec(kSchemaLock, {}, "locking the schema"));
  auto created = create_schema(c);
  ASTERAI_TRY(c.exec(kSchemaUnlock, {}, "unlocking the schema"));
  if (!created) return tl::unexpected(created.error());
  return store;
}

Result<void> PostgresStore::create_schema(Lease& c) {
  // In one transaction, under the schema lock: a store is never left with the table and
  // without its sums, and two nodes starting at once sum the records once.
  ASTERAI_TRY(c.exec("BEGIN", {}, "creating the schema"));
  auto upgrade = c.exec(
      "SELECT to_regclass('usage') IS NOT NULL AND to_regclass('usage_months') IS NULL,"
      " to_regclass('usage') IS NOT NULL AND to_regclass('usage_days') IS NULL",
      {}, "reading the store's tables");
  if (upgrade) {
    bool sum_months = pg_text(upgrade->get(), 0, 0) == "t";
    bool sum_days = pg_text(upgrade->get(), 0, 1) == "t";
    auto created = c.exec(kSchema, {}, "creating the schema");
    if (created && sum_months)
      created = c.exec(kSumMonths, {}, "summing the stored usage by month");
    if (created && sum_days) created = c.exec(kSumDays, {}, "summing the stored usage by day");
    if (created) return c.exec("COMMIT", {}, "creating the schema").map([](auto&&) {});
    upgrade = tl::unexpected(created.error());
  }
  (void)c.exec("ROLLBACK", {}, "creating the schema");
  return tl::unexpected(upgrade.error());
}

PostgresStore::~PostgresStore() = default;

PostgresStore::Lease::~Lease() {
  if (!store_) return;
  {
    std::lock_guard lock(store_->mutex_);
    --store_->out_;
    if (conn_ && pq().PQstatus(conn_.get()) == CONNECTION_OK)
      store_->idle_.push_back(std::move(conn_));
  }
  store_->cv_.notify_one();
}

Result<PostgresStore::Lease> PostgresStore::lease() {
  Conn conn;
  {
    std::unique_lock lock(mutex_);
    cv_.wait(lock, [this] { return !idle_.empty() || out_ < max_; });
    ++out_;
    if (!idle_.empty()) {
      conn = std::move(idle_.back());
      idle_.pop_back();
    }
  }
  if (!conn) {
    conn.reset(pq().PQconnectdb(url_.c_str()));
    if (!conn || pq().PQstatus(conn.get()) != CONNECTION_OK) {
      std::string why = conn ? pq().PQerrorMessage(conn.get()) : "out of memory";
      while (!why.empty() && (why.back() == '\n' || why.back() == ' ')) why.pop_back();
      Lease(*this, nullptr);  // gives the slot back
      return make_error(ErrorKind::network, "the PostgreSQL store is unreachable: " + why);
    }
  }
  return Lease(*this, std::move(conn));
}

Result<PostgresStore::Rows> PostgresStore::Lease::exec(const std::string& sql, const Params& params,
                                                       std::string_view what) {
  std::vector<const char*> values;
  for (const auto& p : params) values.push_back(p ? p->c_str() : nullptr);
  // Without parameters PQexec, which also takes several statements (the schema).
  Rows r(params.empty()
             ? pq().PQexec(conn_.get(), sql.c_str())
             : pq().PQexecParams(conn_.get(), sql.c_str(), static_cast<int>(values.size()), nullptr,
                                 values.data(), nullptr, nullptr, 0));
  auto status = r ? pq().PQresultStatus(r.get()) : PGRES_FATAL_ERROR;
  if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK) return r;
  std::string why = r ? pq().PQresultErrorMessage(r.get()) : pq().PQerrorMessage(conn_.get());
  while (!why.empty() && (why.back() == '\n' || why.back() == ' ')) why.pop_back();
  const char* state = r ? pq().PQresultErrorField(r.get(), PG_DIAG_SQLSTATE) : nullptr;
  if (pq().PQstatus(conn_.get()) != CONNECTION_OK)
    return make_error(ErrorKind::network,
                      std::string(what) + ": the PostgreSQL store went away: " + why);
  if (state && std::strcmp(state, "23505") == 0)
    return make_error(ErrorKind::conflict, std::string(what) + ": " + why);
  return make_error(ErrorKind::io, std::string(what) + ": " + why);
}

Result<std::optional<Deployment>> PostgresStore::active_on(Lease& c, const std::string& tenant,
                                                           const std::string& environment) {
  auto r = ASTERAI_TRY(c.exec(std::string("SELECT ") + kColumns +
                                  " FROM deployments WHERE tenant = $1 AND environment = $2"
                                  " AND retired IS NULL ORDER BY id DESC LIMIT 1",
                              {tenant, environment}, "reading deployments"));
  if (pq().PQntuples(r.get()) == 0) return std::optional<Deployment>();
  return row(r.get(), 0);
}

// BEGIN, with a key an advisory lock on it (deploys and rollbacks of one environment take
// turns across nodes), and ROLLBACK unless committed.
class EnvTransaction {
 public:
  EnvTransaction(
      std::function<Result<PostgresStore::Rows>(const std::string&, const PostgresStore::Params&)>
          exec)
      : exec_(std::move(exec)) {}
  Result<void> begin(const std::optional<std::string>& key) {
    ASTERAI_TRY(exec_("BEGIN", {}));
    open_ = true;
    if (key) ASTERAI_TRY(exec_("SELECT pg_advisory_xact_lock(hashtext($1))", {*key}));
    return {};
  }
  Result<void> commit() {
    ASTERAI_TRY(exec_("COMMIT", {}));
    open_ = false;
    return {};
  }
  ~EnvTransaction() {
    if (open_) (void)exec_("ROLLBACK", {});
  }

 private:
  std::function<Result<PostgresStore::Rows>(const std::string&, const PostgresStore::Params&)>
      exec_;
  bool open_ = false;
};

Result<Deployment> PostgresStore::deploy(const Deployment& d) {
  auto c = ASTERAI_TRY(lease());
  EnvTransaction tx(
      [&c](const std::string& sql, const Params& p) { return c.exec(sql, p, "deploying"); });
  ASTERAI_TRY(tx.begin(d.tenant + "/" + d.environment));
  auto current = ASTERAI_TRY(active_on(c, d.tenant, d.environment));
  if (current && current->reference == d.reference)
    return make_error(ErrorKind::conflict, d.tenant + "/" + d.environment + "@" + d.version +
                                               " is deployed and answering already");
  auto r = ASTERAI_TRY(
      c.exec("INSERT INTO deployments (tenant, environment, version, reference, created)"
             " VALUES ($1, $2, $3, $4, $5) RETURNING id, created",
             {d.tenant, d.environment, d.version, d.reference, now_seconds()}, "deploying"));
  Deployment out = d;
  out.id = pg_integer(r.get(), 0, 0);
  out.created = pg_integer(r.get(), 0, 1);
  if (d.schedules > 0)
    ASTERAI_TRY(c.exec("INSERT INTO deployment_schedules (deployment, schedules) VALUES ($1, $2)",
                       {std::to_string(out.id), std::to_string(d.schedules)}, "deploying"));
  ASTERAI_TRY(tx.commit());
  return out;
}

Result<std::optional<Deployment>> PostgresStore::active(const std::string& tenant,
                                                        const std::string& environment) {
  auto c = ASTERAI_TRY(lease());
  return active_on(c, tenant, environment);
}

Result<std::vector<Deployment>> PostgresStore::list(const std::string& tenant) {
  auto c = ASTERAI_TRY(lease());
  auto r = ASTERAI_TRY(c.exec(
      std::string("SELECT DISTINCT ON (environment) ") + kColumns +
          " FROM deployments WHERE tenant = $1 AND retired IS NULL ORDER BY environment, id DESC",
      {tenant}, "listing deployments"));
  std::vector<Deployment> out;
  for (int i = 0; i < pq().PQntuples(r.get()); ++i) out.push_back(row(r.get(), i));
  return out;
}

Result<Deployment> PostgresStore::rollback(const std::string& tenant,
                                           const std::string& environment) {
  auto c = ASTERAI_TRY(lease());
  EnvTransaction tx(
      [&c](const std::string& sql, const Params& p) { return c.exec(sql, p, "rolling back"); });
  ASTERAI_TRY(tx.begin(tenant + "/" + environment));
  auto current = ASTERAI_TRY(active_on(c, tenant, environment));
  if (!current)
    return make_error(ErrorKind::not_found, tenant + "/" + environment + " is not deployed");
  ASTERAI_TRY(c.exec("UPDATE deployments SET retired = $1 WHERE id = $2",
                     {now_seconds(), std::to_string(current->id)}, "rolling back"));
  auto previous = ASTERAI_TRY(active_on(c, tenant, environment));
  if (!previous)
    return make_error(ErrorKind::not_found, tenant + "/" + environment + "@" + current->version +
                                                " has no earlier version to roll back to");
  ASTERAI_TRY(tx.commit());
  return *previous;
}

Result<void> PostgresStore::remove(const std::string& tenant, const std::string& environment) {
  auto c = ASTERAI_TRY(lease());
  auto r =
      ASTERAI_TRY(c.exec("UPDATE deployments SET retired = $1 WHERE tenant = $2 AND"
                         " environment = $3 AND retired IS NULL",
                         {now_seconds(), tenant, environment}, "removing a deployment"));
  if (std::strcmp(pq().PQcmdTuples(r.get()), "0") == 0)
    return make_error(ErrorKind::not_found, tenant + "/" + environment + " is not deployed");
  return {};
}

namespace {

// A PostgreSQL array literal of `values`: {"a","b",NULL}. Texts are quoted with '"' and '\\'
// escaped; numbers go as they are.
class ArrayLiteral {
 public:
  void text(std::string_view v) {
    next();
    out_ += '"';
    for (char c : v) {
      if (c == '"' || c == '\\') out_ += '\\';
      out_ += c;
    }
    out_ += '"';
  }
  void number(std::optional<int64_t> v) {
    next();
    out_ += v ? std::to_string(*v) : "NULL";
  }
  std::string done() { return out_ + "}"; }

 private:
  void next() { out_ += out_.empty() ? "{" : ","; }
  std::string out_;
};

}  // namespace

Result<void> PostgresStore::add_usage(const std::vector<UsageRecord>& records) {
  if (records.empty()) return {};
  auto c = ASTERAI_TRY(lease());
  // One statement for the batch, its columns as 13 arrays: one short text to parse and plan
  // whatever the batch's size (a VALUES row per record cost the server more than the rows).
  // A replayed batch adds nothing (ON CONFLICT DO NOTHING), and the statement is atomic: the
  // rows it stored go into their months' sums in it too. Sums are taken in one order, so two
  // nodes' batches wait for each other's rows rather than deadlock.
  ArrayLiteral id, tenant, environment, version, member, function, kind, started, wall, fuel,
      memory, http, outcome;
  for (const auto& r : records) {
    id.text(r.call_id);
    tenant.text(r.tenant);
    environment.text(r.environment);
    version.text(r.version);
    member.text(r.member);
    function.text(r.function);
    kind.text(r.kind);
    started.number(r.started_us);
    wall.number(r.wall_us);
    fuel.number(r.fuel ? std::optional<int64_t>(static_cast<int64_t>(*r.fuel)) : std::nullopt);
    memory.number(static_cast<int64_t>(r.peak_memory));
    http.number(static_cast<int64_t>(r.http_bytes));
    outcome.text(r.outcome);
  }
  ASTERAI_TRY(c.exec(kAddUsage,
                     {id.done(), tenant.done(), environment.done(), version.done(), member.done(),
                      function.done(), kind.done(), started.done(), wall.done(), fuel.done(),
                      memory.done(), http.done(), outcome.done()},
                     "storing usage"));
  return {};
}

Result<std::vector<UsageTotal>> PostgresStore::usage(const std::string& tenant, int64_t from_us,
                                                     int64_t to_us) {
  auto c = ASTERAI_TRY(lease());
  auto r = ASTERAI_TRY(c.exec(
      "SELECT to_char(to_timestamp(day / 1000000) AT TIME ZONE 'UTC', 'YYYY-MM-DD'), environment,"
      " function, calls, errors, wall_us, fuel FROM usage_days WHERE tenant = $1 AND day >= $2"
      " AND day < $3 ORDER BY day, environment, function",
      {tenant, std::to_string(from_us), std::to_string(to_us)}, "reading usage"));
  std::vector<UsageTotal> out;
  for (int i = 0; i < pq().PQntuples(r.get()); ++i) {
    out.push_back(UsageTotal{pg_text(r.get(), i, 0), pg_text(r.get(), i, 1), pg_text(r.get(), i, 2),
                             static_cast<uint64_t>(pg_integer(r.get(), i, 3)),
                             static_cast<uint64_t>(pg_integer(r.get(), i, 4)),
                             pg_integer(r.get(), i, 5),
                             static_cast<uint64_t>(pg_integer(r.get(), i, 6))});
  }
  return out;
}

Result<uint64_t> PostgresStore::usage_count(const std::string& tenant) {
  auto c = ASTERAI_TRY(lease());
  auto r = ASTERAI_TRY(
      c.exec("SELECT COUNT(*) FROM usage WHERE tenant = $1", {tenant}, "counting usage"));
  return static_cast<uint64_t>(pg_integer(r.get(), 0, 0));
}

Result<MonthUsage> PostgresStore::month_usage(const std::string& tenant, int64_t month_us) {
  auto c = ASTERAI_TRY(lease());
  auto r =
      ASTERAI_TRY(c.exec("SELECT calls, wall_us FROM usage_months WHERE tenant = $1 AND month = $2",
                         {tenant, std::to_string(month_us)}, "reading the month's usage"));
  if (pq().PQntuples(r.get()) == 0) return MonthUsage{};
  return MonthUsage{static_cast<uint64_t>(pg_integer(r.get(), 0, 0)), pg_integer(r.get(), 0, 1)};
}

Result<PostgresStore::Rows> PostgresStore::exec(const std::string& sql, const Params& params,
                                                std::string_view what) {
  auto c = ASTERAI_TRY(lease());
  return c.exec(sql, params, what);
}

Result<std::vector<Deployment>> PostgresStore::scheduled() {
  auto r = ASTERAI_TRY(
      exec(std::string("SELECT * FROM (SELECT DISTINCT ON (tenant, environment) ") + kColumns +
               " FROM deployments WHERE retired IS NULL"
               " ORDER BY tenant, environment, id DESC) live"
               " WHERE id IN (SELECT deployment FROM deployment_schedules)",
           {}, "listing scheduled deployments"));
  std::vector<Deployment> out;
  for (int i = 0; i < pq().PQntuples(r.get()); ++i) out.push_back(row(r.get(), i));
  return out;
}

Result<void> PostgresStore::put_secret(const std::string& tenant, const std::string& name,
                                       const std::string& sealed) {
  ASTERAI_TRY(
      exec("INSERT INTO secrets (tenant, name, sealed, updated) VALUES ($1, $2, $3, $4)"
           " ON CONFLICT (tenant, name) DO UPDATE SET sealed = excluded.sealed,"
           " updated = excluded.updated",
           {tenant, name, sealed, now_seconds()}, "storing a secret"));
  ASTERAI_TRY(exec(kBumpStamp, {tenant}, "storing a secret"));
  return {};
}

Result<std::optional<std::string>> PostgresStore::sealed_secret(const std::string& tenant,
                                                                const std::string& name) {
  auto r = ASTERAI_TRY(exec("SELECT sealed FROM secrets WHERE tenant = $1 AND name = $2",
                            {tenant, name}, "reading a secret"));
  if (pq().PQntuples(r.get()) == 0) return std::optional<std::string>();
  return std::optional<std::string>(pq().PQgetvalue(r.get(), 0, 0));
}

Result<std::vector<std::string>> PostgresStore::secret_names(const std::string& tenant) {
  auto r = ASTERAI_TRY(exec("SELECT name FROM secrets WHERE tenant = $1 ORDER BY name", {tenant},
                            "listing secrets"));
  std::vector<std::string> out;
  for (int i = 0; i < pq().PQntuples(r.get()); ++i)
    out.emplace_back(pq().PQgetvalue(r.get(), i, 0));
  return out;
}

Result<void> PostgresStore::remove_secret(const std::string& tenant, const std::string& name) {
  auto r = ASTERAI_TRY(exec("DELETE FROM secrets WHERE tenant = $1 AND name = $2", {tenant, name},
                            "removing a secret"));
  if (std::strcmp(pq().PQcmdTuples(r.get()), "0") == 0)
    return make_error(ErrorKind::not_found, "secret " + name + " is not set");
  ASTERAI_TRY(exec(kBumpStamp, {tenant}, "removing a secret"));
  return {};
}

Result<std::vector<SealedSecret>> PostgresStore::all_sealed_secrets() {
  auto r = ASTERAI_TRY(exec("SELECT tenant, name, sealed FROM secrets ORDER BY tenant, name", {},
                            "listing secrets"));
  std::vector<SealedSecret> out;
  for (int i = 0; i < pq().PQntuples(r.get()); ++i)
    out.push_back({pg_text(r.get(), i, 0), pg_text(r.get(), i, 1), pg_text(r.get(), i, 2)});
  return out;
}

Result<bool> PostgresStore::reseal_secret(const SealedSecret& from, const std::string& to) {
  auto r = ASTERAI_TRY(
      exec("UPDATE secrets SET sealed = $1 WHERE tenant = $2 AND name = $3 AND sealed = $4",
           {to, from.tenant, from.name, from.sealed}, "sealing a secret again"));
  return std::atoi(pq().PQcmdTuples(r.get())) > 0;
}

Result<int64_t> PostgresStore::secrets_stamp(const std::string& tenant) {
  auto r = ASTERAI_TRY(exec("SELECT stamp FROM secret_stamps WHERE tenant = $1", {tenant},
                            "reading the secrets' stamp"));
  if (pq().PQntuples(r.get()) == 0) return int64_t{0};
  return std::stoll(pq().PQgetvalue(r.get(), 0, 0));
}

Result<bool> PostgresStore::hold_lease(const std::string& name, const std::string& holder,
                                       std::chrono::milliseconds ttl) {
  // The database's clock, not the node's: nodes on several machines agree on it.
  auto r = ASTERAI_TRY(
      exec("WITH now AS (SELECT (extract(epoch FROM clock_timestamp()) * 1000)::bigint AS ms)"
           " INSERT INTO leases (name, holder, expires_ms) SELECT $1, $2, ms + $3 FROM now"
           " ON CONFLICT (name) DO UPDATE SET holder = excluded.holder,"
           " expires_ms = excluded.expires_ms WHERE leases.holder = excluded.holder"
           " OR leases.expires_ms < (SELECT ms FROM now) RETURNING holder",
           {name, holder, std::to_string(ttl.count())}, "taking the lease " + name));
  return pq().PQntuples(r.get()) == 1;
}

Result<void> PostgresStore::release_lease(const std::string& name, const std::string& holder) {
  ASTERAI_TRY(exec("DELETE FROM leases WHERE name = $1 AND holder = $2", {name, holder},
                   "releasing the lease " + name));
  return {};
}

}  // namespace asterai::cloud
