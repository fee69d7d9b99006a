// Round trips of the C `add` tool through `asterai serve`, as a client sees them:
//   stdio: MCP tools/call, one request at a time (latency percentiles);
//   http:  MCP tools/call over Streamable HTTP, and POST /v1/call, from K keep-alive
//          connections for S seconds (throughput and latency).
// usage: mcp_bench ASTERAI_BINARY COMPONENT.wasm [--calls N] [--seconds S] [--connections K]
// Prints one JSON object per measurement on stdout (bench/mcp/run.sh turns them into tables).
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

extern char** environ;

namespace {

namespace asio = boost::asio;
namespace bhttp = boost::beast::http;
using Clock = std::chrono::steady_clock;
using nlohmann::json;
using tcp = asio::ip::tcp;

struct Child {
  pid_t pid = -1;
  int in = -1;   // the child's stdin
  int out = -1;  // the child's stdout
};

Child spawn(const std::vector<std::string>& args) {
  int in_pipe[2], out_pipe[2];
  if (pipe(in_pipe) || pipe(out_pipe)) std::exit(1);
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_adddup2(&fa, in_pipe[0], 0);
  posix_spawn_file_actions_adddup2(&fa, out_pipe[1], 1);
  for (int fd : {in_pipe[0], in_pipe[1], out_pipe[0], out_pipe[1]})
    posix_spawn_file_actions_addclose(&fa, fd);
  std::vector<char*> argv;
  for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  Child c;
  if (posix_spawn(&c.pid, argv[0], &fa, nullptr, argv.data(), environ) != 0) {
    std::perror("spawn");
    std::exit(1);
  }
  posix_spawn_file_actions_destroy(&fa);
  close(in_pipe[0]);
  close(out_pipe[1]);
  c.in = in_pipe[1];
  c.out = out_pipe[0];
  return c;
}

void stop(Child& c, int sig) {
  if (c.in >= 0) close(c.in);
  if (sig) kill(c.pid, sig);
  waitpid(c.pid, nullptr, 0);
  close(c.out);
}

// Reads newline-terminated lines from a pipe.
class Lines {
 public:
  explicit Lines(int fd) : fd_(fd) {}
  std::string next() {
    while (true) {
      auto nl = buf_.find('\n');
      if (nl != std::string::npos) {
        std::string line = buf_.substr(0, nl);
        buf_.erase(0, nl + 1);
        return line;
      }
      char chunk[65536];
      ssize_t n = read(fd_, chunk, sizeof chunk);
      if (n <= 0) {
        std::fprintf(stderr, "server closed its output\n");
        std::exit(1);
      }
      buf_.append(chunk, static_cast<size_t>(n));
    }
  }

 private:
  int fd_;
  std::string buf_;
};

void write_all(int fd, const std::string& s) {
  size_t done = 0;
  while (done < s.size()) {
    ssize_t n = write(fd, s.data() + done, s.size() - done);
    if (n <= 0) std::exit(1);
    done += static_cast<size_t>(n);
  }
}

json percentiles(std::vector<double> us) {
  std::sort(us.begin(), us.end());
  auto at = [&](double p) { return us[std::min(us.size() - 1, size_t(p * us.size()))]; };
  double sum = 0;
  for (double v : us) sum += v;
  return {{"p50_us", at(0.5)},
          {"p90_us", at(0.9)},
          {"p99_us", at(0.99)},
          {"mean_us", sum / us.size()},
          {"samples", us.size()}};
}

const std::string kInit =
    R"({"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"2025-11-25",)"
    R"("capabilities":{},"clientInfo":{"name":"bench","version":"1"}}})";
const std::string kInitialized = R"({"jsonrpc":"2.0","method":"notifications/initialized"})";

std::string add_call(int id) {
  return R"({"jsonrpc":"2.0","id":)" + std::to_string(id) +
         R"(,"method":"tools/call","params":{"name":"c_add","arguments":{"a":1,"b":2}}})";
}

void bench_stdio(const std::string& asterai, const std::string& component, int calls) {
  auto child = spawn({asterai, "serve", "--mcp", "stdio", "c=" + component});
  Lines lines(child.out);
  write_all(child.in, kInit + "\n" + kInitialized + "\n");
  lines.next();
  std::vector<double> us;
  for (int i = 1; i <= calls + 200; ++i) {
    auto start = Clock::now();
    write_all(child.in, add_call(i) + "\n");
    auto line = lines.next();
    double t = std::chrono::duration<double, std::micro>(Clock::now() - start).count();
    if (i == 1 && line.find("\"result\":3") == std::string::npos) {
      std::fprintf(stderr, "unexpected answer: %s\n", line.c_str());
      std::exit(1);
    }
    if (i > 200) us.push_back(t);  // the first 200 warm up
  }
  stop(child, 0);
  json r = percentiles(us);
  r["name"] = "stdio tools/call";
  std::printf("%s\n", r.dump().c_str());
}

struct HttpClient {
  asio::io_context io;
  tcp::socket socket{io};
  boost::beast::flat_buffer buffer;
  std::string session;

  explicit HttpClient(uint16_t port) {
    socket.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
    socket.set_option(tcp::no_delay(true));
  }
  bhttp::response<bhttp::string_body> post(const std::string& target, const std::string& body) {
    bhttp::request<bhttp::string_body> req{bhttp::verb::post, target, 11};
    req.set(bhttp::field::host, "127.0.0.1");
    req.set(bhttp::field::content_type, "application/json");
    req.set(bhttp::field::accept, "application/json, text/event-stream");
    if (!session.empty()) req.set("Mcp-Session-Id", session);
    req.body() = body;
    req.prepare_payload();
    bhttp::write(socket, req);
    bhttp::response<bhttp::string_body> res;
    bhttp::read(socket, buffer, res);
    return res;
  }
};

void bench_http(uint16_t port, bool mcp, int seconds, int connections) {
  std::atomic<bool> go{false}, done{false};
  std::vector<std::vector<double>> lat(connections);
  std::vector<std::thread> threads;
  for (int c = 0; c < connections; ++c) {
    threads.emplace_back([&, c] {
      HttpClient client(port);
      if (mcp) {
        auto r = client.post("/mcp", kInit);
        client.session = std::string(r["Mcp-Session-Id"]);
        client.post("/mcp", kInitialized);
      }
      while (!go) std::this_thread::yield();
      for (int i = 1; !done; ++i) {
        auto start = Clock::now();
        auto r = mcp ? client.post("/mcp", add_call(i))
                     : client.post("/v1/call", R"({"tool":"c_add","arguments":{"a":1,"b":2}})");
        lat[c].push_back(std::chrono::duration<double, std::micro>(Clock::now() - start).count());
        if (r.result_int() != 200) {
          std::fprintf(stderr, "HTTP %d: %s\n", r.result_int(), r.body().c_str());
          std::exit(1);
        }
      }
    });
  }
  go = true;
  auto start = Clock::now();
  std::this_thread::sleep_for(std::chrono::seconds(seconds));
  done = true;
  for (auto& t : threads) t.join();
  double elapsed = std::chrono::duration<double>(Clock::now() - start).count();
  std::vector<double> all;
  for (auto& l : lat) all.insert(all.end(), l.begin(), l.end());
  json r = percentiles(all);
  r["name"] = mcp ? "HTTP MCP tools/call" : "HTTP POST /v1/call";
  r["connections"] = connections;
  r["calls_per_second"] = all.size() / elapsed;
  std::printf("%s\n", r.dump().c_str());
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr,
                 "usage: %s ASTERAI COMPONENT.wasm [--calls N] [--seconds S] [--connections K]\n",
                 argv[0]);
    return 2;
  }
  std::string asterai = argv[1], component = argv[2];
  int calls = 5000, seconds = 5, connections = 4;
  for (int i = 3; i + 1 < argc; i += 2) {
    std::string flag = argv[i];
    int value = std::atoi(argv[i + 1]);
    if (flag == "--calls") calls = value;
    if (flag == "--seconds") seconds = value;
    if (flag == "--connections") connections = value;
  }
  signal(SIGPIPE, SIG_IGN);
  bench_stdio(asterai, component, calls);

  auto child = spawn({asterai, "serve", "--listen", "127.0.0.1:0", "c=" + component});
  Lines lines(child.out);
  auto first = lines.next();  // "listening on http://127.0.0.1:PORT (...)"
  auto colon = first.find(':', first.find("127.0.0.1"));
  auto port = static_cast<uint16_t>(std::atoi(first.c_str() + colon + 1));
  bench_http(port, true, seconds, connections);
  bench_http(port, false, seconds, connections);
  close(child.in);
  child.in = -1;
  stop(child, SIGTERM);
  return 0;
}
