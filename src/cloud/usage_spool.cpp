#include "asterai/cloud/usage_spool.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <sstream>
#include <utility>
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

// `s` as a JSON string onto `out`. Runs that need no escape (nearly every name) go on in one
// piece: this is on the path of every answer.
void append_quoted(std::string& out, std::string_view s) {
  out += '"';
  size_t plain = 0;  // start of the run not yet copied
  for (size_t i = 0; i < s.size(); ++i) {
    auto u = static_cast<unsigned char>(s[i]);
    if (u >= 0x20 && u != '"' && u != '\\') continue;  // UTF-8 passes through as it is
    out.append(s.data() + plain, i - plain);
    plain = i + 1;
    if (u == '"' || u == '\\') {
      out += '\\';
      out += s[i];
    } else {
      char esc[8];
      std::snprintf(esc, sizeof esc, "\\u%04x", u);
      out += esc;
    }
  }
  out.append(s.data() + plain, s.size() - plain);
  out += '"';
}

// One record as a line of JSON, written directly: this runs before every answer, and building
// a JSON object first cost more than the write.
std::string to_line(const UsageRecord& r) {
  std::string out = "{";
  out.reserve(256);
  auto key = [&out](std::string_view name) {
    if (out.size() > 1) out += ',';
    out += '"';
    out += name;
    out += "\":";
  };
  auto field = [&](std::string_view name, std::string_view value) {
    key(name);
    append_quoted(out, value);
  };
  auto number = [&](std::string_view name, auto value) {
    key(name);
    out += std::to_string(value);
  };
  field("id", r.call_id);
  field("tenant", r.tenant);
  field("env", r.environment);
  field("version", r.version);
  field("member", r.member);
  field("function", r.function);
  field("kind", r.kind);
  number("start", r.started_us);
  number("wall", r.wall_us);
  number("mem", r.peak_memory);
  number("http", r.http_bytes);
  field("outcome", r.outcome);
  if (r.fuel) number("fuel", *r.fuel);
  out += "}\n";
  return out;
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
  close();
}

void SpoolFile::close() {
  if (map_) ::munmap(map_, size_);
  map_ = nullptr;
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

Result<void> SpoolFile::map(size_t bytes) {
  // Reserved, not sparse: a store into a mapped page that has no block behind it on a full
  // disk would kill the process (SIGBUS).
  if (int e = ::posix_fallocate(fd_, 0, static_cast<off_t>(bytes)); e != 0) {
    errno = e;
    return tl::unexpected(io_error("cannot reserve space for", path_));
  }
  void* m = ::mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_SHARED, fd_, 0);
  if (m == MAP_FAILED) return tl::unexpected(io_error("cannot map", path_));
#ifdef MADV_POPULATE_WRITE
  // Faulted in writable now (nearly always on the recorder's thread, which makes the next
  // file), not by the first record stored into each page on the way to an answer. Only a hint: a
  // kernel without it (before 5.14) leaves the faults where they were.
  (void)::madvise(m, bytes, MADV_POPULATE_WRITE);
#endif
  map_ = static_cast<char*>(m);
  size_ = bytes;
  return {};
}

bool SpoolFile::append(std::string_view line) {
  if (line.size() > size_ - used_) return false;
  std::memcpy(map_ + used_, line.data(), line.size());
  used_ += line.size();
  return true;
}

Result<void> SpoolFile::rename(const fs::path& to) {
  if (::rename(path_.c_str(), to.c_str()) != 0)
    return tl::unexpected(io_error("cannot rename", path_));
  path_ = to;
  return {};
}

void SpoolFile::remove() {
  std::error_code ec;
  fs::remove(path_, ec);  // gone already: another node replayed it
  close();
}

Result<std::unique_ptr<UsageSpool>> UsageSpool::open(const fs::path& dir) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec)
    return make_error(ErrorKind::io,
                      "cannot create the usage spool " + dir.string() + ": " + ec.message());
  std::unique_ptr<UsageSpool> spool(new UsageSpool(dir));
  spool->prefix_ = std::to_string(::getpid()) + "-" + random_hex(4);
  spool->current_ = ASTERAI_TRY(spool->make_file());
  return spool;
}

UsageSpool::~UsageSpool() {
  if (current_ && current_->used() == 0) current_->remove();
  if (spare_) spare_->remove();
}

Result<std::unique_ptr<SpoolFile>> UsageSpool::make_file() {
  fs::path path = dir_ / (prefix_ + "-" + std::to_string(next_++) + std::string(kSuffix));
  // Made under another name, and given its own once locked and reserved: a node replaying
  // orphans (which looks only at kSuffix files) could otherwise find it between its creation
  // and its lock, take it for an empty orphan and delete it, and this process would then
  // spool records into a file nobody could replay after a crash.
  fs::path making = path;
  making += ".new";
  int fd = ::open(making.c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) return tl::unexpected(io_error("cannot create", making));
  auto file = std::make_unique<SpoolFile>(making, fd);
  if (on_create_) on_create_();
  // Held while this process may still store its records: others leave the file alone.
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    auto locked = io_error("cannot lock", making);
    file->remove();  // this process made it: nobody else has records in it
    return tl::unexpected(locked);
  }
  if (auto mapped = file->map(kFileBytes); !mapped) {
    file->remove();
    return tl::unexpected(mapped.error());
  }
  if (auto named = file->rename(path); !named) {
    file->remove();
    return tl::unexpected(named.error());
  }
  return file;
}

Result<void> UsageSpool::append(const UsageRecord& record) {
  std::string line = to_line(record);
  if (current_->append(line)) return {};
  if (line.size() > kFileBytes)
    return make_error(ErrorKind::io, "a usage record of " + std::to_string(line.size()) +
                                         " bytes does not fit a spool file");
  auto next = spare_ ? std::move(spare_) : ASTERAI_TRY(make_file());
  full_.push_back(std::exchange(current_, std::move(next)));
  current_->append(line);
  return {};
}

Result<std::vector<std::unique_ptr<SpoolFile>>> UsageSpool::rotate() {
  auto next = spare_ ? std::move(spare_) : ASTERAI_TRY(make_file());
  std::vector<std::unique_ptr<SpoolFile>> out = std::move(full_);
  full_.clear();
  out.push_back(std::exchange(current_, std::move(next)));
  return out;
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
    // A file ends at its first zero byte: the reserved space behind the last line.
    std::ifstream in(path, std::ios::binary);
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    text.resize(std::min(text.size(), text.find('\0')));
    std::vector<UsageRecord> records;
    std::istringstream lines(text);
    for (std::string line; std::getline(lines, line);)
      if (auto r = from_json(line)) records.push_back(std::move(*r));
    if (!records.empty()) ASTERAI_TRY(store.add_usage(records));
    replayed += records.size();
    file.remove();
  }
  return replayed;
}

}  // namespace asterai::cloud
