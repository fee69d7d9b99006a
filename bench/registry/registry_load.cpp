// A small load generator for OCI registries (no auth), used side by side against asterai
// and distribution:
//   registry-load push     --target H:P --repo R --size BYTES --count N --concurrency C --digests
//   OUT registry-load pull     --target H:P --repo R --digests IN --concurrency C [--repeat K]
//   registry-load manifest --target H:P --path /v2/R/manifests/T --rate RPS --seconds S
//   --connections C
// Each prints one JSON line. Manifest latency is open-loop: every request has a scheduled
// send time and its latency counts from then, so a slow server cannot hide its queueing
// (no coordinated omission).
#include <algorithm>
#include <atomic>
#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <map>
#include <mutex>
#include <random>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "asterai/registry/digest.h"

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;

struct Args {
  std::map<std::string, std::string> values;
  std::string get(const std::string& k, const std::string& fallback = "") const {
    auto it = values.find(k);
    if (it != values.end()) return it->second;
    if (fallback.empty()) throw std::runtime_error("missing --" + k);
    return fallback;
  }
  long long num(const std::string& k, const std::string& fallback = "") const {
    return std::stoll(get(k, fallback));
  }
};

// One keep-alive HTTP/1.1 connection.
class Connection {
 public:
  explicit Connection(const std::string& target) : socket_(io_) {
    auto colon = target.rfind(':');
    host_ = target;
    tcp::resolver resolver(io_);
    asio::connect(socket_, resolver.resolve(target.substr(0, colon), target.substr(colon + 1)));
    socket_.set_option(tcp::no_delay(true));
  }

  // Sends a request and reads the response, discarding a large body chunk by chunk.
  // Returns status, the Location header and the number of body bytes.
  struct Reply {
    unsigned status = 0;
    std::string location;
    uint64_t body_bytes = 0;
  };
  Reply send(http::verb verb, const std::string& target, const std::string& body = {}) {
    http::request<http::string_body> req{verb, target, 11};
    req.set(http::field::host, host_);
    req.set(http::field::content_type, "application/octet-stream");
    req.set(http::field::accept, "application/vnd.oci.image.manifest.v1+json");
    req.body() = body;
    req.prepare_payload();
    http::write(socket_, req);
    http::response_parser<http::buffer_body> parser;
    parser.body_limit(std::numeric_limits<std::uint64_t>::max());
    http::read_header(socket_, buffer_, parser);
    Reply reply;
    reply.status = parser.get().result_int();
    reply.location = std::string(parser.get()[http::field::location]);
    if (auto length = parser.content_length(); length && verb != http::verb::head) {
      // Straight from the socket into the sink: Beast's parser would read 64 KiB at a time and
      // copy each piece once more, which caps a pull of large blobs below what the servers
      // send (about 900 MiB/s here, where curl takes 2-3 GB/s from the same server).
      uint64_t left = *length;
      size_t buffered = static_cast<size_t>(std::min<uint64_t>(buffer_.size(), left));
      buffer_.consume(buffered);
      left -= buffered;
      while (left > 0)
        left -= socket_.read_some(asio::buffer(sink_, std::min<uint64_t>(sizeof sink_, left)));
      reply.body_bytes = *length;
      return reply;
    }
    while (!parser.is_done()) {
      parser.get().body().data = sink_;
      parser.get().body().size = sizeof sink_;
      beast::error_code ec;
      http::read(socket_, buffer_, parser, ec);
      if (ec && ec != http::error::need_buffer) throw beast::system_error(ec);
      reply.body_bytes += sizeof sink_ - parser.get().body().size;
    }
    return reply;
  }

 private:
  asio::io_context io_;
  tcp::socket socket_;
  std::string host_;
  beast::flat_buffer buffer_;
  char sink_[1024 * 1024];
};

std::string random_blob(size_t size, uint64_t seed) {
  std::string s(size, '\0');
  std::mt19937_64 rng(seed);
  for (size_t i = 0; i + 8 <= size; i += 8) {
    uint64_t v = rng();
    std::memcpy(&s[i], &v, 8);
  }
  return s;
}

double seconds_since(Clock::time_point t) {
  return std::chrono::duration<double>(Clock::now() - t).count();
}

// Pushes `count` distinct blobs (POST + monolithic PUT), `concurrency` at a time.
int push(const Args& a) {
  std::string target = a.get("target"), repo = a.get("repo");
  size_t size = a.num("size");
  long long count = a.num("count"), conc = a.num("concurrency", "4");
  uint64_t seed = a.num("seed", "1");
  std::vector<std::string> bodies, digests;
  for (long long i = 0; i < count; ++i) {  // prepared (and hashed) before the clock starts
    bodies.push_back(random_blob(size, seed * 1000003 + i));
    digests.push_back(asterai::registry::digest_of(bodies.back()).to_string());
  }
  std::atomic<long long> next{0};
  std::atomic<int> errors{0};
  auto start = Clock::now();
  std::vector<std::thread> threads;
  for (long long w = 0; w < conc; ++w) {
    threads.emplace_back([&] {
      Connection c(target);
      for (long long i = next++; i < count; i = next++) {
        auto post = c.send(http::verb::post, "/v2/" + repo + "/blobs/uploads/");
        std::string loc = post.location;
        if (auto p = loc.find("/v2/"); p != std::string::npos)
          loc = loc.substr(p);  // absolute or relative
        loc +=
            (loc.find('?') == std::string::npos ? "?" : "&") + std::string("digest=") + digests[i];
        auto put = c.send(http::verb::put, loc, bodies[i]);
        if (post.status != 202 || put.status != 201) ++errors;
      }
    });
  }
  for (auto& t : threads) t.join();
  double secs = seconds_since(start);
  if (a.values.count("digests")) {
    std::ofstream out(a.get("digests"));
    for (auto& d : digests) out << d << "\n";
  }
  std::printf(
      "{\"op\":\"push\",\"size\":%zu,\"count\":%lld,\"concurrency\":%lld,\"seconds\":%.3f,"
      "\"mib_per_s\":%.1f,\"errors\":%d}\n",
      size, count, conc, secs, static_cast<double>(size) * count / secs / (1 << 20), errors.load());
  return errors ? 1 : 0;
}

int pull(const Args& a) {
  std::string target = a.get("target"), repo = a.get("repo");
  long long conc = a.num("concurrency", "4"), repeat = a.num("repeat", "1");
  std::vector<std::string> digests;
  std::ifstream in(a.get("digests"));
  for (std::string d; std::getline(in, d);) digests.push_back(d);
  long long total = static_cast<long long>(digests.size()) * repeat;
  std::atomic<long long> next{0};
  std::atomic<uint64_t> bytes{0};
  std::atomic<int> errors{0};
  auto start = Clock::now();
  std::vector<std::thread> threads;
  for (long long w = 0; w < conc; ++w) {
    threads.emplace_back([&] {
      Connection c(target);
      for (long long i = next++; i < total; i = next++) {
        auto r = c.send(http::verb::get, "/v2/" + repo + "/blobs/" + digests[i % digests.size()]);
        if (r.status != 200) ++errors;
        bytes += r.body_bytes;
      }
    });
  }
  for (auto& t : threads) t.join();
  double secs = seconds_since(start);
  std::printf(
      "{\"op\":\"pull\",\"count\":%lld,\"concurrency\":%lld,\"seconds\":%.3f,\"mib_per_s\":%.1f,"
      "\"errors\":%d}\n",
      total, conc, secs, static_cast<double>(bytes.load()) / secs / (1 << 20), errors.load());
  return errors ? 1 : 0;
}

int manifest(const Args& a) {
  std::string target = a.get("target"), path = a.get("path");
  double rate = static_cast<double>(a.num("rate", "1000"));
  double seconds = static_cast<double>(a.num("seconds", "10"));
  long long conns = a.num("connections", "16");
  long long total = static_cast<long long>(rate * seconds);
  std::vector<double> latencies(total);
  std::atomic<long long> next{0};
  std::atomic<int> errors{0};
  auto start = Clock::now() + std::chrono::milliseconds(100);
  std::vector<std::thread> threads;
  for (long long w = 0; w < conns; ++w) {
    threads.emplace_back([&] {
      Connection c(target);
      for (long long i = next++; i < total; i = next++) {
        auto scheduled = start + std::chrono::duration_cast<Clock::duration>(
                                     std::chrono::duration<double>(i / rate));
        std::this_thread::sleep_until(scheduled);
        auto r = c.send(http::verb::get, path);
        if (r.status != 200) ++errors;
        latencies[i] = std::chrono::duration<double, std::milli>(Clock::now() - scheduled).count();
      }
    });
  }
  for (auto& t : threads) t.join();
  double secs = std::chrono::duration<double>(Clock::now() - start).count();
  std::sort(latencies.begin(), latencies.end());
  auto pct = [&](double p) {
    return latencies[std::min<size_t>(latencies.size() - 1, p * latencies.size())];
  };
  std::printf(
      "{\"op\":\"manifest\",\"offered_rps\":%.0f,\"achieved_rps\":%.0f,\"p50_ms\":%.3f,\"p99_ms\":%"
      ".3f,"
      "\"max_ms\":%.3f,\"errors\":%d}\n",
      rate, total / secs, pct(0.5), pct(0.99), latencies.back(), errors.load());
  return errors ? 1 : 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: registry-load push|pull|manifest --key value …\n");
    return 2;
  }
  Args args;
  for (int i = 2; i + 1 < argc; i += 2) {
    std::string k = argv[i];
    if (k.rfind("--", 0) != 0) {
      std::fprintf(stderr, "error: expected --option, got %s\n", argv[i]);
      return 2;
    }
    args.values[k.substr(2)] = argv[i + 1];
  }
  try {
    std::string op = argv[1];
    if (op == "push") return push(args);
    if (op == "pull") return pull(args);
    if (op == "manifest") return manifest(args);
    std::fprintf(stderr, "error: unknown operation %s\n", op.c_str());
    return 2;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    return 1;
  }
}
