// Round trips of the C `add` tool through `asterai serve`, as a client sees them:
//   stdio: MCP tools/call, one request at a time (latency percentiles);
//   http:  MCP tools/call over Streamable HTTP, and POST /v1/call, from K keep-alive
//          connections for S seconds (throughput and latency).
// With --wassette BINARY, the same component served by wassette (a peer MCP server for Wasm
// components) is measured the same way: stdio, and MCP over HTTP in the transport it serves
// (0.2: the HTTP+SSE transport, fixed at 127.0.0.1:9001).
// With --features, COMPONENT is examples/mcp-everything and only stdio is measured, once per
// bench_* tool: a plain JSON result, a content result, one log message, one progress
// notification (what asterai:mcp's features cost; the notifications are read before the
// response, as a client does).
// usage: mcp_bench ASTERAI_BINARY COMPONENT.wasm [--calls N] [--seconds S] [--connections K]
//                  [--wassette BINARY] [--features]
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
#include <filesystem>
#include <functional>
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

std::string add_call(const std::string& tool, int id) {
  return R"({"jsonrpc":"2.0","id":)" + std::to_string(id) +
         R"(,"method":"tools/call","params":{"name":")" + tool + R"(","arguments":{"a":1,"b":2}}})";
}

// Both servers answer 1 + 2 with 3 somewhere in the result (asterai also as structured content).
bool answered_three(const std::string& answer) {
  return answer.find("\"result\"") != std::string::npos && answer.find('3') != std::string::npos &&
         answer.find("\"isError\":true") == std::string::npos;
}

// A server measured: how to start it and what its `add` tool is called.
struct Server {
  std::string name;  // "asterai", "wassette"
  std::vector<std::string> stdio_command;
  std::string tool;
};

void bench_stdio(const Server& server, int calls) {
  auto child = spawn(server.stdio_command);
  Lines lines(child.out);
  write_all(child.in, kInit + "\n" + kInitialized + "\n");
  lines.next();
  std::vector<double> us;
  for (int i = 1; i <= calls + 200; ++i) {
    auto start = Clock::now();
    write_all(child.in, add_call(server.tool, i) + "\n");
    auto line = lines.next();
    double t = std::chrono::duration<double, std::micro>(Clock::now() - start).count();
    if (i == 1 && !answered_three(line)) {
      std::fprintf(stderr, "%s: unexpected answer: %s\n", server.name.c_str(), line.c_str());
      std::exit(1);
    }
    if (i > 200) us.push_back(t);  // the first 200 warm up
  }
  stop(child, SIGINT);  // wassette waits for Ctrl-C; asterai has ended at the end of its input
  json r = percentiles(us);
  r["server"] = server.name;
  r["name"] = "stdio tools/call";
  std::printf("%s\n", r.dump().c_str());
  std::fflush(stdout);
}

// One tool of mcp-everything over stdio, one call at a time; lines before the response
// (notifications) are read as part of the call.
void bench_feature(const std::string& asterai, const std::string& component,
                   const std::string& tool, int calls) {
  auto child = spawn({asterai, "serve", "--mcp", "stdio", "--tool-names", "bare", component});
  Lines lines(child.out);
  write_all(child.in, kInit + "\n" + kInitialized + "\n");
  lines.next();
  std::vector<double> us;
  size_t notifications = 0;
  for (int i = 1; i <= calls + 200; ++i) {
    std::string call = R"({"jsonrpc":"2.0","id":)" + std::to_string(i) +
                       R"(,"method":"tools/call","params":{"name":")" + tool +
                       R"(","arguments":{},"_meta":{"progressToken":)" + std::to_string(i) + "}}}";
    std::string id = "\"id\":" + std::to_string(i) + ",";
    auto start = Clock::now();
    write_all(child.in, call + "\n");
    std::string line;
    while ((line = lines.next()).find(id) == std::string::npos) ++notifications;
    double t = std::chrono::duration<double, std::micro>(Clock::now() - start).count();
    if (line.find("\"isError\":false") == std::string::npos) {
      std::fprintf(stderr, "%s: unexpected answer: %s\n", tool.c_str(), line.c_str());
      std::exit(1);
    }
    if (i > 200) us.push_back(t);
  }
  stop(child, SIGINT);
  json r = percentiles(us);
  r["server"] = "asterai";
  r["name"] = tool;
  r["notifications_per_call"] = double(notifications) / (calls + 200);
  std::printf("%s\n", r.dump().c_str());
  std::fflush(stdout);
}

tcp::socket connect_to(asio::io_context& io, uint16_t port) {
  tcp::socket socket(io);
  socket.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
  socket.set_option(tcp::no_delay(true));
  return socket;
}

bhttp::response<bhttp::string_body> post(tcp::socket& socket, boost::beast::flat_buffer& buffer,
                                         const std::string& target, const std::string& body,
                                         const std::string& session = "") {
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

// One keep-alive connection to asterai: MCP Streamable HTTP (answers in the POST's response)
// or the HTTP API.
class StreamableClient {
 public:
  StreamableClient(uint16_t port, bool mcp) : socket_(connect_to(io_, port)), mcp_(mcp) {
    if (!mcp_) return;
    auto r = post(socket_, buffer_, "/mcp", kInit);
    session_ = std::string(r["Mcp-Session-Id"]);
    post(socket_, buffer_, "/mcp", kInitialized, session_);
  }
  std::string call(int id) {
    auto r =
        mcp_ ? post(socket_, buffer_, "/mcp", add_call("c_add", id), session_)
             : post(socket_, buffer_, "/v1/call", R"({"tool":"c_add","arguments":{"a":1,"b":2}})");
    if (r.result_int() != 200) {
      std::fprintf(stderr, "HTTP %d: %s\n", r.result_int(), r.body().c_str());
      std::exit(1);
    }
    return r.body();
  }

 private:
  asio::io_context io_;
  tcp::socket socket_;
  boost::beast::flat_buffer buffer_;
  bool mcp_;
  std::string session_;
};

// MCP's HTTP+SSE transport (2024-11-05): answers arrive as `message` events on a GET /sse
// stream, whose first event names the endpoint requests are POSTed to (202, no body).
class SseClient {
 public:
  explicit SseClient(uint16_t port)
      : events_(connect_to(io_, port)), posts_(connect_to(io_, port)) {
    bhttp::request<bhttp::empty_body> req{bhttp::verb::get, "/sse", 11};
    req.set(bhttp::field::host, "127.0.0.1");
    req.set(bhttp::field::accept, "text/event-stream");
    bhttp::write(events_, req);
    parser_.body_limit(boost::none);
    bhttp::read_header(events_, event_buffer_, parser_);
    endpoint_ = next_event("endpoint");
    request(kInit, 0);
    send(kInitialized);
  }
  std::string call(int id) { return request(add_call("add", id), id); }

 private:
  void send(const std::string& body) {
    auto r = post(posts_, post_buffer_, endpoint_, body);
    if (r.result_int() != 202) {
      std::fprintf(stderr, "wassette: HTTP %d: %s\n", r.result_int(), r.body().c_str());
      std::exit(1);
    }
  }
  std::string request(const std::string& body, int id) {
    send(body);
    std::string want = "\"id\":" + std::to_string(id) + ",";
    std::string want_last = "\"id\":" + std::to_string(id) + "}";
    while (true) {
      auto data = next_event("message");
      if (data.find(want) != std::string::npos || data.find(want_last) != std::string::npos)
        return data;
    }
  }
  // The data of the next event of `type` (keep-alive comments and other events skipped).
  std::string next_event(const std::string& type) {
    while (true) {
      size_t end = pending_.find("\n\n");
      if (end == std::string::npos) {
        read_more();
        continue;
      }
      std::string event = pending_.substr(0, end), kind = "message", data;
      pending_.erase(0, end + 2);
      size_t at = 0;
      while (at < event.size()) {
        size_t nl = std::min(event.find('\n', at), event.size());
        std::string line = event.substr(at, nl - at);
        at = nl + 1;
        if (line.starts_with("event:")) kind = line.substr(line.find_first_not_of(' ', 6));
        if (line.starts_with("data:")) data += line.substr(std::min(line.size(), size_t{6}));
      }
      if (kind == type && !data.empty()) return data;
    }
  }
  void read_more() {
    char chunk[16384];
    parser_.get().body().data = chunk;
    parser_.get().body().size = sizeof chunk;
    boost::system::error_code ec;
    bhttp::read_some(events_, event_buffer_, parser_, ec);
    if (ec && ec != bhttp::error::need_buffer) {
      std::fprintf(stderr, "wassette: event stream: %s\n", ec.message().c_str());
      std::exit(1);
    }
    for (size_t i = 0; i < sizeof chunk - parser_.get().body().size; ++i)
      if (chunk[i] != '\r') pending_ += chunk[i];
  }

  asio::io_context io_;
  tcp::socket events_, posts_;
  boost::beast::flat_buffer event_buffer_, post_buffer_;
  bhttp::response_parser<bhttp::buffer_body> parser_;
  std::string pending_, endpoint_;
};

// K clients calling as fast as they are answered for S seconds.
template <class Client>
void bench_http(const std::string& server, const std::string& name, int seconds, int connections,
                const std::function<std::unique_ptr<Client>()>& connect) {
  std::atomic<bool> go{false}, done{false};
  std::vector<std::vector<double>> lat(connections);
  std::vector<std::thread> threads;
  for (int c = 0; c < connections; ++c) {
    threads.emplace_back([&, c] {
      auto client = connect();
      if (!answered_three(client->call(1)) && name != "HTTP POST /v1/call") {
        std::fprintf(stderr, "%s: unexpected answer\n", server.c_str());
        std::exit(1);
      }
      while (!go) std::this_thread::yield();
      for (int i = 2; !done; ++i) {
        auto start = Clock::now();
        client->call(i);
        lat[c].push_back(std::chrono::duration<double, std::micro>(Clock::now() - start).count());
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
  r["server"] = server;
  r["name"] = name;
  r["connections"] = connections;
  r["calls_per_second"] = all.size() / elapsed;
  std::printf("%s\n", r.dump().c_str());
  std::fflush(stdout);
}

void wait_for_port(uint16_t port) {
  for (int i = 0; i < 600; ++i) {
    asio::io_context io;
    tcp::socket s(io);
    boost::system::error_code ec;
    s.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port), ec);
    if (!ec) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  std::fprintf(stderr, "nothing listens on 127.0.0.1:%u after 60 s\n", port);
  std::exit(1);
}

void bench_asterai(const std::string& asterai, const std::string& component, int calls, int seconds,
                   int connections) {
  bench_stdio({"asterai", {asterai, "serve", "--mcp", "stdio", "c=" + component}, "c_add"}, calls);
  auto child = spawn({asterai, "serve", "--listen", "127.0.0.1:0", "c=" + component});
  Lines lines(child.out);
  auto first = lines.next();  // "listening on http://127.0.0.1:PORT (...)"
  auto colon = first.find(':', first.find("127.0.0.1"));
  auto port = static_cast<uint16_t>(std::atoi(first.c_str() + colon + 1));
  for (bool mcp : {true, false}) {
    bench_http<StreamableClient>("asterai", mcp ? "HTTP MCP tools/call" : "HTTP POST /v1/call",
                                 seconds, connections,
                                 [&] { return std::make_unique<StreamableClient>(port, mcp); });
  }
  close(child.in);
  child.in = -1;
  stop(child, SIGTERM);
}

void bench_wassette(const std::string& wassette, const std::string& component, int calls,
                    int seconds, int connections) {
  namespace fs = std::filesystem;
  // wassette loads every component of its plugin folder at start.
  fs::path plugins = fs::temp_directory_path() / ("mcp-bench-wassette-" + std::to_string(getpid()));
  fs::create_directories(plugins);
  setenv("RUST_LOG", "warn", 1);  // its start-up log goes to stderr at `info` otherwise
  fs::copy_file(component, plugins / "kitchen_sink_c.wasm", fs::copy_options::overwrite_existing);
  bench_stdio({"wassette", {wassette, "serve", "--stdio", "--plugin-dir", plugins.string()}, "add"},
              calls);
  auto child = spawn({wassette, "serve", "--http", "--plugin-dir", plugins.string()});
  wait_for_port(9001);
  bench_http<SseClient>("wassette", "HTTP MCP tools/call (HTTP+SSE)", seconds, connections,
                        [] { return std::make_unique<SseClient>(9001); });
  stop(child, SIGINT);
  fs::remove_all(plugins);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr,
                 "usage: %s ASTERAI COMPONENT.wasm [--calls N] [--seconds S] [--connections K] "
                 "[--wassette BINARY]\n",
                 argv[0]);
    return 2;
  }
  std::string asterai = argv[1], component = argv[2], wassette;
  int calls = 5000, seconds = 5, connections = 4;
  bool features = false;
  for (int i = 3; i < argc; i += 2) {
    std::string flag = argv[i];
    if (flag == "--features") {
      features = true;
      --i;  // takes no value
      continue;
    }
    if (i + 1 >= argc) break;
    int value = std::atoi(argv[i + 1]);
    if (flag == "--calls") calls = value;
    if (flag == "--seconds") seconds = value;
    if (flag == "--connections") connections = value;
    if (flag == "--wassette") wassette = argv[i + 1];
  }
  signal(SIGPIPE, SIG_IGN);
  if (features) {
    for (const char* tool : {"bench_json", "bench_content", "bench_log", "bench_progress"})
      bench_feature(asterai, component, tool, calls);
    return 0;
  }
  bench_asterai(asterai, component, calls, seconds, connections);
  if (!wassette.empty()) bench_wassette(wassette, component, calls, seconds, connections);
  return 0;
}
