#include "http/connection.h"

#include <spdlog/spdlog.h>
#include <sys/sendfile.h>

#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/http.hpp>

#include "http/request_decode.h"
#include "http/router.h"

namespace asterai::registry::http {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
using tcp = asio::ip::tcp;
using asio::awaitable;

namespace {

using net::with;

constexpr size_t kDrainLimit = 1024 * 1024;
constexpr size_t kWriteChunk = 1024 * 1024;
constexpr size_t kLowWater = 64 * 1024;

class Connection {
 public:
  Connection(Registry& registry, net::Connection& conn)
      : registry_(registry), conn_(conn), stream_(conn.stream()), buffer_(conn.buffer()) {}

  awaitable<void> run() {
    // Not `while (co_await ...)`: GCC 12 miscompiles co_await in a loop condition.
    for (;;) {
      bool more = co_await serve_one();
      if (!more) break;
    }
  }

 private:
  using Parser = bhttp::request_parser<bhttp::buffer_body>;

  // Returns whether the connection stays open for another request.
  awaitable<bool> serve_one() {
    // Each awaited value is named before it is tested: GCC 12 miscompiles co_await in some
    // conditions (a loop's, seen crashing here), so none is awaited inside one.
    bool started = co_await conn_.next_request();
    if (!started) co_return false;
    Parser parser;
    parser.body_limit(std::numeric_limits<std::uint64_t>::max());  // bodies are streamed; handlers
                                                                   // enforce their own limits
    parser.header_limit(32 * 1024);
    beast::error_code ec;
    co_await bhttp::async_read_header(stream_, buffer_, parser, with(ec));
    if (ec) {
      bool malformed =
          ec != bhttp::error::end_of_stream &&
          &ec.category() == &bhttp::make_error_code(bhttp::error::bad_target).category();
      if (malformed) co_await write_simple(400, "malformed HTTP request: " + ec.message());
      co_return false;
    }
    std::optional<uint64_t> content_length;
    if (auto len = parser.content_length()) content_length = *len;
    Request req = decode_request(parser.get(), content_length, stream_.is_tls());
    bool wants_continue = beast::iequals(parser.get()[bhttp::field::expect], "100-continue");
    if (wants_continue) {
      bool sent = co_await conn_.send_continue();
      if (!sent) co_return false;
    }
    // The handler blocks (SQLite, storage): it runs on the pool, and pulls its body through
    // this connection's loop while this coroutine waits for it.
    auto executor = co_await asio::this_coro::executor;
    Body body{parser, content_length};
    req.body = [this, &body, executor](std::span<char> out) -> Result<size_t> {
      return net::block_on<Result<size_t>>(executor, [&] { return read_body(body, out); });
    };
    auto resp = co_await conn_.pool().run([this, &req] { return dispatch(registry_, req); });
    if (!resp) {
      auto busy = overloaded_answer();
      co_await write_simple(503, busy.body, busy.content_type, /*retry_later=*/true);
      co_return false;
    }
    if (resp->status >= 500) spdlog::warn("{} {} -> {}", req.method, req.path, resp->status);
    bool keep = parser.get().keep_alive();
    if (keep) keep = co_await finish_body(body);
    set_low_water(1);
    bool written = co_await write_response(req, *resp, keep);
    co_return written&& keep;
  }

  // A request's body as it is read: with a Content-Length it is read straight from the
  // stream (`left` bytes to go); a chunked one goes through the parser.
  struct Body {
    Parser& parser;
    std::optional<uint64_t> left;
    bool done() const { return left ? *left == 0 : parser.is_done(); }
  };

  awaitable<Result<size_t>> read_body(Body& body, std::span<char> out) {
    if (body.left) co_return co_await read_sized(*body.left, out);
    auto& parser = body.parser;
    while (!parser.is_done()) {
      parser.get().body().data = out.data();
      parser.get().body().size = out.size();
      beast::error_code ec;
      conn_.expect_body();
      co_await bhttp::async_read(stream_, buffer_, parser, with(ec));
      if (ec == bhttp::error::need_buffer) ec = {};
      if (ec) co_return make_error(ErrorKind::network, "reading request body: " + ec.message());
      size_t n = out.size() - parser.get().body().size;
      if (n > 0) co_return n;
    }
    co_return size_t{0};
  }

  // Up to `out.size()` of the `left` bytes still to come: first what the header read
  // buffered, then from the stream. Beast's parser would read 64 KiB at a time and copy each
  // piece again; and while a large body streams, the socket wakes this loop only once a
  // piece of kLowWater has arrived, not for every few KiB (a 100 MiB push took ten thousand
  // reads, each with a wake-up and a re-armed deadline).
  awaitable<Result<size_t>> read_sized(uint64_t& left, std::span<char> out) {
    size_t want = static_cast<size_t>(std::min<uint64_t>(out.size(), left));
    if (want == 0) co_return size_t{0};
    size_t n = 0;
    if (buffer_.size() > 0) {
      n = asio::buffer_copy(asio::buffer(out.data(), want), buffer_.data());
      buffer_.consume(n);
    } else {
      set_low_water(static_cast<size_t>(std::min<uint64_t>(left, kLowWater)));
      beast::error_code ec;
      conn_.expect_body();
      n = co_await stream_.async_read_some(asio::buffer(out.data(), want), with(ec));
      if (ec) co_return make_error(ErrorKind::network, "reading request body: " + ec.message());
    }
    left -= n;
    co_return n;
  }

  // SO_RCVLOWAT on a plain socket (a TLS stream's records do not map onto the body's bytes).
  void set_low_water(size_t bytes) {
    if (stream_.is_tls() || bytes == low_water_) return;
    boost::system::error_code ec;
    stream_.socket().set_option(asio::socket_base::receive_low_watermark(static_cast<int>(bytes)),
                                ec);
    low_water_ = ec ? 1 : bytes;
  }

  // A handler may answer without reading the body (errors, auth challenges); a small rest
  // is drained to keep the connection, a large one closes it.
  awaitable<bool> finish_body(Body& body) {
    std::vector<char> sink(16 * 1024);
    size_t drained = 0;
    while (!body.done()) {
      auto n = co_await read_body(body, std::span<char>(sink.data(), sink.size()));
      if (!n || *n == 0) co_return body.done();
      drained += *n;
      if (drained > kDrainLimit) co_return false;
    }
    co_return true;
  }

  awaitable<bool> write_response(const Request& req, Response& resp, bool keep) {
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
    conn_.expect_write();
    co_await bhttp::async_write_header(stream_, sr, with(ec));
    if (ec || req.method == "HEAD" || resp.head_length) co_return !ec;
    if (resp.file) {
      bool sent = co_await write_file(*resp.file, resp.file_offset, resp.file_length);
      co_return sent;
    }
    co_await asio::async_write(stream_, asio::buffer(resp.body), with(ec));
    co_return !ec;
  }

  awaitable<bool> write_file(BlobReader& reader, uint64_t offset, uint64_t length) {
    if (!stream_.is_tls() && reader.native_fd() >= 0) {
      bool sent = co_await send_file(reader.native_fd(), offset, length);
      co_return sent;
    }
    std::vector<char> chunk(std::min<uint64_t>(kWriteChunk, length));
    while (length > 0) {
      auto piece = std::span<char>(chunk.data(), std::min<uint64_t>(chunk.size(), length));
      // Storage may block (a remote driver, a cold disk): read on the pool.
      auto n = co_await conn_.pool().run(
          [&reader, offset, piece] { return reader.read_at(offset, piece); });
      if (!n || !*n || **n == 0) co_return false;
      beast::error_code ec;
      conn_.expect_write();
      co_await asio::async_write(stream_, asio::buffer(chunk.data(), **n), with(ec));
      if (ec) co_return false;
      offset += **n;
      length -= **n;
    }
    co_return true;
  }

  // Zero-copy path for plain TCP: the kernel moves file pages to the (non-blocking) socket;
  // when its buffer is full we wait for room, within the write deadline.
  awaitable<bool> send_file(int file_fd, uint64_t offset, uint64_t length) {
    auto& socket = stream_.socket();
    socket.non_blocking(true);
    asio::steady_timer deadline(socket.get_executor());
    auto off = static_cast<off_t>(offset);
    while (length > 0) {
      ssize_t n =
          ::sendfile(socket.native_handle(), file_fd, &off, std::min<uint64_t>(length, 1 << 30));
      if (n < 0 && errno == EINTR) continue;
      if (n < 0 && errno == EAGAIN) {
        beast::error_code ec;
        deadline.expires_after(conn_.deadlines().write);
        deadline.async_wait([&socket](beast::error_code e) {
          if (!e) socket.cancel();  // the client stopped reading: give up
        });
        co_await socket.async_wait(tcp::socket::wait_write, with(ec));
        deadline.cancel();
        if (ec) co_return false;
        continue;
      }
      if (n <= 0) co_return false;
      length -= static_cast<uint64_t>(n);
    }
    co_return true;
  }

  awaitable<void> write_simple(unsigned status, const std::string& message,
                               const std::string& content_type = "text/plain",
                               bool retry_later = false) {
    bhttp::response<bhttp::string_body> res{static_cast<bhttp::status>(status), 11};
    res.set(bhttp::field::content_type, content_type);
    if (retry_later) res.set(bhttp::field::retry_after, "1");
    res.body() = std::string(message);
    res.prepare_payload();
    res.keep_alive(false);
    beast::error_code ec;
    conn_.expect_write();
    co_await bhttp::async_write(stream_, res, with(ec));
  }

  Registry& registry_;
  net::Connection& conn_;
  net::Stream& stream_;
  beast::flat_buffer& buffer_;
  size_t low_water_ = 1;  // the socket's SO_RCVLOWAT (1: the kernel's default)
};

}  // namespace

awaitable<void> serve_connection(Registry& registry, net::Connection& connection) {
  Connection served(registry, connection);
  co_await served.run();
}

net::Overloaded overloaded_answer() {
  return {"application/json",
          R"({"errors":[{"code":"TOOMANYREQUESTS","message":"too many clients"}]})"};
}

}  // namespace asterai::registry::http
