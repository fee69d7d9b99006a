#include "asterai/mcp/stdio.h"

#include <poll.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>

#include "asterai/mcp/jsonrpc.h"
#include "asterai/mcp/session.h"

namespace asterai::mcp {
namespace {

using nlohmann::json;

// Writes whole lines; several worker threads answer at once.
class LineWriter {
 public:
  explicit LineWriter(int fd) : fd_(fd) {}
  void write(const json& message) {
    std::string line = jsonrpc::dump(message);
    line += '\n';
    std::lock_guard lock(mutex_);
    size_t done = 0;
    while (done < line.size() && !broken_) {
      ssize_t n = ::write(fd_, line.data() + done, line.size() - done);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) {
        broken_ = true;  // the client went away; keep draining calls without writing
        break;
      }
      done += static_cast<size_t>(n);
    }
  }

 private:
  int fd_;
  std::mutex mutex_;
  bool broken_ = false;
};

// Counts requests whose answers are still to come, so the end of input can wait for them.
class Pending {
 public:
  void add() {
    std::lock_guard lock(mutex_);
    ++count_;
  }
  void done() {
    std::lock_guard lock(mutex_);
    if (--count_ == 0) cv_.notify_all();
  }
  void wait_all() {
    std::unique_lock lock(mutex_);
    cv_.wait(lock, [this] { return count_ == 0; });
  }

 private:
  std::mutex mutex_;
  std::condition_variable cv_;
  size_t count_ = 0;
};

// Reads newline-delimited messages; a line over the limit is skipped to its end.
//
// Before it blocks for more input it polls for a moment: a client that got an answer often
// sends its next message within microseconds, and a thread asleep in read(2) takes a
// wake-up to get it, tens of microseconds on a virtual machine whose other processor idles
// (more than a small tool's whole call). Polling costs at most kPoll of processor time per
// message, once, when the client goes quiet.
class LineReader {
 public:
  LineReader(int fd, size_t limit) : fd_(fd), limit_(limit) {}
  enum class Status { line, too_long, eof };
  Status next(std::string& line) {
    line.clear();
    bool overflow = false;
    while (true) {
      auto nl = buffer_.find('\n', scanned_);
      if (nl != std::string::npos) {
        overflow = overflow || nl > limit_;
        if (!overflow) line.assign(buffer_, 0, nl);
        buffer_.erase(0, nl + 1);
        scanned_ = 0;
        return overflow ? Status::too_long : Status::line;
      }
      if (buffer_.size() > limit_) {
        overflow = true;
        buffer_.clear();
      }
      scanned_ = buffer_.size();
      char chunk[65536];
      wait_briefly();
      ssize_t n = ::read(fd_, chunk, sizeof chunk);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) {
        if (!overflow && !buffer_.empty()) {  // a last line without newline
          line.swap(buffer_);
          buffer_.clear();
          return Status::line;
        }
        return overflow ? Status::too_long : Status::eof;
      }
      buffer_.append(chunk, static_cast<size_t>(n));
    }
  }

 private:
  static constexpr std::chrono::microseconds kPoll{100};

  // Returns once input is ready or kPoll has passed (then read(2) blocks as usual).
  void wait_briefly() const {
    auto until = std::chrono::steady_clock::now() + kPoll;
    pollfd ready{fd_, POLLIN, 0};
    while (::poll(&ready, 1, 0) == 0 && std::chrono::steady_clock::now() < until)
      std::this_thread::yield();
  }

  int fd_;
  size_t limit_;
  std::string buffer_;
  size_t scanned_ = 0;
};

bool blank(const std::string& s) {
  return s.find_first_not_of(" \t\r") == std::string::npos;
}

}  // namespace

int serve_stdio(Server& server, const StdioOptions& options) {
  LineWriter writer(options.out_fd);
  Pending pending;
  auto session = Session::create(server, [&writer](const json& m) { writer.write(m); });
  // One channel for all requests: stdio has a single stream for every message.
  Session::Channel channel = [&writer, &pending](json message, bool final) {
    if (!message.is_null()) writer.write(message);
    if (final) pending.done();
  };
  LineReader reader(options.in_fd, options.max_message_bytes);
  std::string line;
  while (true) {
    auto status = reader.next(line);
    if (status == LineReader::Status::eof) break;
    if (status == LineReader::Status::too_long) {
      writer.write(jsonrpc::error(
          nullptr, jsonrpc::kParseError,
          "message too large (limit " + std::to_string(options.max_message_bytes) + " bytes)"));
      continue;
    }
    if (blank(line)) continue;
    auto message = json::parse(line, nullptr, false);
    if (message.is_discarded()) {
      writer.write(jsonrpc::error(nullptr, jsonrpc::kParseError, "parse error: invalid JSON"));
      continue;
    }
    // Batches (2025-03-26) are not supported: MCP 2025-06-18 removed them.
    if (message.is_array()) {
      writer.write(jsonrpc::error(nullptr, jsonrpc::kInvalidRequest,
                                  "invalid request: JSON-RPC batches are not supported"));
      continue;
    }
    auto kind = jsonrpc::classify(message).kind;
    bool answers = kind == jsonrpc::MessageKind::request || kind == jsonrpc::MessageKind::invalid;
    if (answers) pending.add();
    session->handle(message, channel);
  }
  pending.wait_all();
  session->set_outbound(nullptr);
  return 0;
}

}  // namespace asterai::mcp
