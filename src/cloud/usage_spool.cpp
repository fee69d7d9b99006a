#include "asterai/cloud/usage_spool.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <nlohmann/json.hpp>
#include <vector>

#include "asterai/cloud/usage.h"

namespace asterai::cloud {
namespace fs = std::filesystem;
using nlohmann::json;

namespace {

constexpr std::string_view kSuffix = ".usage";

Error io_error(const std::string& what, const fs::path& path) {
  return Error{ErrorKind::io, what + " " + path.string() + ": " + std::strerror(errno), {}};
}

json to_json(const UsageRecord& r) {
  json j = {{"id", r.call_id},      {"tenant", r.tenant},    {"env", r.environment},
            {"version", r.version}, {"member", r.member},    {"function", r.function},
            {"kind", r.kind},       {"start", r.started_us}, {"wall", r.wall_us},
            {"mem", r.peak_memory}, {"http", r.http_bytes},  {"outcome", r.outcome}};
  if (r.fuel) j["fuel"] = *r.fuel;
  return j;
}

std::optional<UsageRecord> from_json(const std::string& line) {
  json j = json::parse(line, nullptr, false);
  if (!j.is_object()) return std::nullopt;
  try {
    UsageRecord r;
    r.call_id = j.at("id");
    r.tenant = j.at("tenant");
    r.environment = j.at("env");
    r.version = j.at("version");
    r.member = j.at("member");
    r.function = j.at("function");
    r.kind = j.at("kind");
    r.started_us = j.at("start");
    r.wall_us = j.at("wall");
    r.peak_memory = j.at("mem");
    r.http_bytes = j.at("http");
    r.outcome = j.at("outcome");
    if (j.contains("fuel")) r.fuel = j.at("fuel").get<uint64_t>();
    return r;
  } catch (const json::exception&) {
    return std::nullopt;
  }
}

}  // namespace

SpoolFile::~SpoolFile() {
  if (fd_ >= 0) ::close(fd_);
}

void SpoolFile::remove() {
  std::error_code ec;
  fs::remove(path_, ec);  // gone already: another node replayed it
  ::close(fd_);
  fd_ = -1;
}

Result<std::unique_ptr<UsageSpool>> UsageSpool::open(const fs::path& dir) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec)
    return make_error(ErrorKind::io,
                      "cannot create the usage spool " + dir.string() + ": " + ec.message());
  std::unique_ptr<UsageSpool> spool(new UsageSpool(dir));
  spool->prefix_ = std::to_string(::getpid()) + "-" + new_call_id().substr(0, 8);
  spool->current_ = ASTERAI_TRY(spool->new_file());
  return spool;
}

UsageSpool::~UsageSpool() {
  std::error_code ec;
  if (current_ && fs::file_size(current_->path(), ec) == 0 && !ec) current_->remove();
}

Result<std::unique_ptr<SpoolFile>> UsageSpool::new_file() {
  fs::path path = dir_ / (prefix_ + "-" + std::to_string(next_++) + std::string(kSuffix));
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
  if (fd < 0) return tl::unexpected(io_error("cannot create", path));
  auto file = std::make_unique<SpoolFile>(path, fd);
  // Held while this process may still store its records: others leave the file alone.
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) return tl::unexpected(io_error("cannot lock", path));
  return file;
}

Result<void> UsageSpool::append(const UsageRecord& record) {
  std::string line = to_json(record).dump() + "\n";
  // One write: O_APPEND keeps lines whole; a short write only happens on a full disk.
  ssize_t n = ::write(current_->fd(), line.data(), line.size());
  if (n != static_cast<ssize_t>(line.size())) {
    if (n >= 0) errno = ENOSPC;
    return tl::unexpected(io_error("cannot append to", current_->path()));
  }
  return {};
}

Result<std::unique_ptr<SpoolFile>> UsageSpool::rotate() {
  auto next = ASTERAI_TRY(new_file());
  std::swap(next, current_);
  return next;
}

Result<size_t> UsageSpool::replay_orphans(Store& store) const {
  std::error_code ec;
  size_t replayed = 0;
  for (const auto& entry : fs::directory_iterator(dir_, ec)) {
    const auto& path = entry.path();
    if (path.extension() != kSuffix) continue;
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) continue;  // replayed and deleted meanwhile by another node
    SpoolFile file(path, fd);
    if (::flock(fd, LOCK_EX | LOCK_NB) != 0) continue;  // its process lives (or this one)
    std::ifstream in(path);
    std::vector<UsageRecord> records;
    for (std::string line; std::getline(in, line);)
      if (auto r = from_json(line)) records.push_back(std::move(*r));
    if (!records.empty()) ASTERAI_TRY(store.add_usage(records));
    replayed += records.size();
    file.remove();
  }
  return replayed;
}

}  // namespace asterai::cloud
