// cloud-store-bench FILE | postgres://…: usage records/s a cloud store takes, in batches (as
// a node's group commit writes them) and one transaction per record (the worst case). A FILE
// is the embedded SQLite store, made anew. Prints one JSON object (bench/cloud/run.sh).
#include <chrono>
#include <cstdio>
#include <filesystem>

#include "asterai/cloud/store.h"
#include "asterai/cloud/usage.h"

using namespace asterai::cloud;

namespace {

// Ids as a node takes them (new every run, so a server's earlier rows never clash).
UsageRecord record(uint64_t n) {
  UsageRecord r;
  r.call_id = new_call_id();
  r.tenant = "bench";
  r.environment = "tools";
  r.version = "1.0.0";
  r.member = "ks";
  r.function = "add";
  r.kind = "call";
  r.started_us = 1'700'000'000'000'000 + static_cast<int64_t>(n);
  r.wall_us = 20;
  r.outcome = "ok";
  return r;
}

}  // namespace

int main(int argc, char** argv) {
  constexpr const char* kUsage =
      "usage: cloud-store-bench FILE | postgres://…  (FILE: a new SQLite store, which must not "
      "exist yet)\n";
  std::string target = argc == 2 ? argv[1] : "";
  if (target == "-h" || target == "--help") {
    std::printf("%s", kUsage);
    return 0;
  }
  if (target.empty() || target.starts_with("-")) {
    std::fprintf(stderr, "%s", kUsage);
    return 2;
  }
  if (!target.starts_with("postgres://") && !target.starts_with("postgresql://")) {
    // Never someone's store: the records written here would mix with theirs.
    if (std::filesystem::exists(target)) {
      std::fprintf(stderr, "error: %s exists: give a path that does not\n", target.c_str());
      return 2;
    }
    target = "sqlite:" + target;
  }
  auto store = open_store(target);
  if (!store) {
    std::fprintf(stderr, "error: %s\n", store.error().message.c_str());
    return 1;
  }
  using Clock = std::chrono::steady_clock;
  constexpr size_t kBatch = 1024, kBatches = 200, kSingles = 500;
  uint64_t n = 0;
  auto t0 = Clock::now();
  for (size_t b = 0; b < kBatches; ++b) {
    std::vector<UsageRecord> batch;
    for (size_t i = 0; i < kBatch; ++i) batch.push_back(record(n++));
    if (!(*store)->add_usage(batch)) return 1;
  }
  double batched = kBatch * kBatches / std::chrono::duration<double>(Clock::now() - t0).count();
  t0 = Clock::now();
  for (size_t i = 0; i < kSingles; ++i)
    if (!(*store)->add_usage({record(n++)})) return 1;
  double single = kSingles / std::chrono::duration<double>(Clock::now() - t0).count();
  std::printf("{\"batch\": %zu, \"batched_records_per_s\": %.0f, \"single_records_per_s\": %.0f}\n",
              kBatch, batched, single);
  return 0;
}
