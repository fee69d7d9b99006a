#include "http/connection.h"

#include <poll.h>
#include <spdlog/spdlog.h>
#include <sys/sendfile.h>
#include <sys/socket.h>

#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <type_traits>

#include "http/router.h"

namespace asterai::registry::http {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
using tcp = asio::ip::tcp;

namespace {

constexpr size_t kDrainLimit = 1024 * 1024;
constexpr size_t kWriteChunk = 1024 * 1024;

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string percent_decode(std::string_view s, bool plus_is_space) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() && hex_value(s[i + 1]) >= 0 && hex_value(s[i + 2]) >= 0) {
      out += static_cast<char>(hex_value(s[i + 1]) * 16 + hex_value(s[i + 2]));
      i += 2;
    } else if (plus_is_space && s[i] == '+') {
      out += ' ';
    } else {
      out += s[i];
    }
  }
  return out;
}

void parse_target(std::string_view target, Request& req) {
  auto q = target.find('?');
  req.path = percent_decode(target.substr(0, q), false);
  if (q == std::string_view::npos) return;
  std::string_view rest = target.substr(q + 1);
  while (!rest.empty()) {
    auto amp = rest.find('&');
    auto pair = rest.substr(0, amp);
    auto eq = pair.find('=');
    if (!pair.empty()) {
      req.query.emplace(
          percent_decode(pair.substr(0, eq), true),
          eq == std::string_view::npos ? "" : percent_decode(pair.substr(eq + 1), true));
    }
    if (amp == std::string_view::npos) break;
    rest.remove_prefix(amp + 1);
  }
}

template <class Stream>
class Connection {
 public:
  Connection(Registry& registry, Stream& stream, ConnectionSlot& slot, int timeout, bool tls)
      : registry_(registry), stream_(stream), slot_(slot), timeout_(timeout), tls_(tls) {}

  void run() {
    while (serve_one()) {
    }
  }

 private:
  using Parser = bhttp::request_parser<bhttp::buffer_body>;

  // Returns whether the connection stays open for another request.
  bool serve_one() {
    Parser parser;
    parser.body_limit(std::numeric_limits<std::uint64_t>::max());  // bodies are streamed; handlers
                                                                   // enforce their own limits
    parser.header_limit(32 * 1024);
    beast::error_code ec;
    bhttp::read_header(stream_, buffer_, parser, ec);
    if (ec) {
      bool malformed =
          ec != bhttp::error::end_of_stream &&
          &ec.category() == &bhttp::make_error_code(bhttp::error::bad_target).category();
      if (malformed) {
        write_simple(400, "malformed HTTP request: " + ec.message());
      }
      return false;
    }
    slot_.idle_for(timeout_);
    Request req = make_request(parser);
    Response resp = dispatch(registry_, req);
    if (resp.status >= 500) spdlog::warn("{} {} -> {}", req.method, req.path, resp.status);
    bool keep = parser.get().keep_alive() && finish_body(parser);
    return write_response(req, resp, keep) && keep;
  }

  Request make_request(Parser& parser) {
    auto& msg = parser.get();
    Request req;
    req.method = std::string(msg.method_string());
    req.tls = tls_;
    parse_target(std::string_view(msg.target().data(), msg.target().size()), req);
    for (const auto& field : msg) {
      std::string name(field.name_string());
      for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      req.headers[name] = std::string(field.value());
    }
    if (auto len = parser.content_length()) req.content_length = *len;
    if (beast::iequals(msg[bhttp::field::expect], "100-continue")) {
      // Clients wait for this before sending a large body.
      static constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
      beast::error_code ec;
      asio::write(stream_, asio::buffer(kContinue.data(), kContinue.size()), ec);
    }
    req.body = [this, &parser](std::span<char> out) -> Result<size_t> {
      return read_body(parser, out);
    };
    return req;
  }

  Result<size_t> read_body(Parser& parser, std::span<char> out) {
    while (!parser.is_done()) {
      parser.get().body().data = out.data();
      parser.get().body().size = out.size();
      beast::error_code ec;
      bhttp::read(stream_, buffer_, parser, ec);
      if (ec == bhttp::error::need_buffer) ec = {};
      if (ec) return make_error(ErrorKind::network, "reading request body: " + ec.message());
      slot_.idle_for(timeout_);
      size_t n = out.size() - parser.get().body().size;
      if (n > 0) return n;
    }
    return size_t{0};
  }

  // A handler may answer without reading the body (errors, auth challenges); a small rest
  // is drained to keep the connection, a large one closes it.
  bool finish_body(Parser& parser) {
    char sink[16 * 1024];
    size_t drained = 0;
    while (!parser.is_done()) {
      auto n = read_body(parser, std::span<char>(sink, sizeof sink));
      if (!n || *n == 0) return parser.is_done();
      drained += *n;
      if (drained > kDrainLimit) return false;
    }
    return true;
  }

  bool write_response(const Request& req, Response& resp, bool keep) {
    bhttp::response<bhttp::empty_body> head{static_cast<bhttp::status>(resp.status), 11};
    head.set(bhttp::field::server, "asterai-registry");
    head.set("Docker-Distribution-API-Version", "registry/2.0");
    bool has_content_type = false;
    for (auto& [k, v] : resp.headers) {
      if (beast::iequals(k, "Content-Length")) continue;
      has_content_type |= beast::iequals(k, "Content-Type");
      head.insert(k, v);
    }
    uint64_t length = resp.head_length ? *resp.head_length
                      : resp.file      ? resp.file_length
                                       : resp.body.size();
    if (!has_content_type && length > 0 && !resp.head_length)
      head.set(bhttp::field::content_type, "application/json");
    head.content_length(length);
    head.keep_alive(keep);
    bhttp::response_serializer<bhttp::empty_body> sr{head};
    beast::error_code ec;
    bhttp::write_header(stream_, sr, ec);
    if (ec || req.method == "HEAD" || resp.head_length) return !ec;
    if (resp.file) return write_file(*resp.file, resp.file_offset, resp.file_length);
    asio::write(stream_, asio::buffer(resp.body), ec);
    return !ec;
  }

  bool write_file(BlobReader& reader, uint64_t offset, uint64_t length) {
    if constexpr (std::is_same_v<Stream, tcp::socket>) {
      if (reader.native_fd() >= 0) return send_file(reader.native_fd(), offset, length);
    }
    std::vector<char> chunk(std::min<uint64_t>(kWriteChunk, length));
    while (length > 0) {
      auto n = reader.read_at(
          offset, std::span<char>(chunk.data(), std::min<uint64_t>(chunk.size(), length)));
      if (!n || *n == 0) return false;
      beast::error_code ec;
      asio::write(stream_, asio::buffer(chunk.data(), *n), ec);
      if (ec) return false;
      slot_.idle_for(timeout_);
      offset += *n;
      length -= *n;
    }
    return true;
  }

  // Zero-copy path for plain TCP: the kernel moves file pages to the socket.
  bool send_file(int file_fd, uint64_t offset, uint64_t length) {
    int sock = stream_.native_handle();
    auto off = static_cast<off_t>(offset);
    while (length > 0) {
      ssize_t n = ::sendfile(sock, file_fd, &off, std::min<uint64_t>(length, 1 << 30));
      if (n < 0) {
        if (errno == EINTR) continue;
        if (errno == EAGAIN) {
          pollfd p{sock, POLLOUT, 0};
          ::poll(&p, 1, timeout_ * 1000);
          continue;
        }
        return false;
      }
      if (n == 0) return false;
      slot_.idle_for(timeout_);
      length -= static_cast<uint64_t>(n);
    }
    return true;
  }

  void write_simple(unsigned status, const std::string& message) {
    bhttp::response<bhttp::string_body> res{static_cast<bhttp::status>(status), 11};
    res.set(bhttp::field::content_type, "text/plain");
    res.body() = std::string(message);
    res.prepare_payload();
    res.keep_alive(false);
    beast::error_code ec;
    bhttp::write(stream_, res, ec);
  }

  Registry& registry_;
  Stream& stream_;
  ConnectionSlot& slot_;
  int timeout_;
  bool tls_;
  beast::flat_buffer buffer_;
};

// Lingering close: after answering a request whose body we did not read (413, 401 on an
// upload), closing at once would reset the connection and the client could lose the
// response. Drain what it still sends for a short, bounded time instead.
void linger_close(tcp::socket& socket, ConnectionSlot& slot) {
  slot.deadline = ConnectionSlot::now_ms() + 2000;  // the reaper cuts us off after this
  char sink[64 * 1024];
  beast::error_code ec;
  for (size_t drained = 0; drained < (size_t{64} << 20);) {
    size_t n = socket.read_some(asio::buffer(sink), ec);
    if (ec) return;
    drained += n;
  }
}

}  // namespace

void serve_connection(Registry& registry, asio::ssl::context* tls, tcp::socket socket,
                      ConnectionSlot& slot, int timeout_seconds) {
  try {
    if (tls) {
      asio::ssl::stream<tcp::socket> stream(std::move(socket), *tls);
      beast::error_code ec;
      stream.handshake(asio::ssl::stream_base::server, ec);
      if (!ec) {
        Connection<asio::ssl::stream<tcp::socket>> conn(registry, stream, slot, timeout_seconds,
                                                        true);
        conn.run();
        stream.shutdown(ec);
      }
      slot.release();
      stream.lowest_layer().close(ec);
    } else {
      Connection<tcp::socket> conn(registry, socket, slot, timeout_seconds, false);
      conn.run();
      beast::error_code ec;
      socket.shutdown(tcp::socket::shutdown_send, ec);
      linger_close(socket, slot);
      slot.release();
      socket.close(ec);
    }
  } catch (const std::exception& e) {
    spdlog::error("connection: {}", e.what());
    slot.release();
  }
}

void serve_overloaded(tcp::socket& socket) {
  static constexpr std::string_view kBusy =
      "HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\nConnection: close\r\n"
      "Content-Length: 68\r\n\r\n{\"errors\":[{\"code\":\"TOOMANYREQUESTS\",\"message\":\"too many "
      "clients\"}]}";
  beast::error_code ec;
  asio::write(socket, asio::buffer(kBusy.data(), kBusy.size()), ec);
}

}  // namespace asterai::registry::http
