#include "asterai/mcp/streamable_http.h"

#include <charconv>
#include <chrono>
#include <future>
#include <random>

#include "asterai/mcp/jsonrpc.h"
#include "asterai/mcp/stdio.h"

namespace asterai::mcp {
namespace {

using nlohmann::json;

constexpr size_t kOutboxLimit = 256;       // server-to-client messages kept for a slow GET stream
constexpr size_t kMaxStreamEvents = 4096;  // per POST stream; later notifications are dropped
constexpr size_t kResumableStreams = 32;   // per session: the newest POST streams kept
constexpr int kRetryMs = 1000;             // the reconnection delay a priming event asks for

std::string new_session_id() {
  // 128 random bits, hex: visible ASCII as the spec requires, unguessable.
  std::random_device rd;
  std::string id;
  static constexpr char kHex[] = "0123456789abcdef";
  for (int i = 0; i < 4; ++i) {
    uint32_t v = rd();
    for (int j = 0; j < 8; ++j, v >>= 4) id += kHex[v & 0xf];
  }
  return id;
}

bool contains(const std::string& haystack, std::string_view needle) {
  return haystack.find(needle) != std::string::npos;
}

HttpResponse rpc_error_response(int status, int code, const std::string& message) {
  return HttpResponse::json(status, jsonrpc::dump(jsonrpc::error(nullptr, code, message)));
}

std::string sse_event(const json& message) {
  return "event: message\ndata: " + jsonrpc::dump(message) + "\n\n";
}

}  // namespace

struct StreamableHttp::Entry {
  std::string id;
  std::shared_ptr<Session> session;
  uint64_t last_used = 0;
  std::mutex mutex;
  std::condition_variable cv;
  std::deque<json> outbox;
  bool streaming = false;  // a GET stream is open
  bool closed = false;
  uint64_t next_stream = 0;
  std::map<uint64_t, std::shared_ptr<Exchange>> streams;  // resumable, the newest kept

  void push(const json& message) {
    {
      std::lock_guard lock(mutex);
      if (closed || !streaming) return;  // nobody listens: the spec lets us drop it
      if (outbox.size() >= kOutboxLimit) outbox.pop_front();
      outbox.push_back(message);
    }
    cv.notify_all();
  }
  void close() {
    {
      std::lock_guard lock(mutex);
      closed = true;
    }
    cv.notify_all();
  }
};

// One POST's answer, possibly streamed; see post_async. A stream of a 2025-11-25 session is
// resumable: every event has an id ("<stream>-<index>"), the first is a priming event (an id,
// a retry interval and no data), and the events stay after the client's connection drops, so
// a GET with Last-Event-ID carries on where it stopped (StreamableHttp::resume).
struct StreamableHttp::Exchange : std::enable_shared_from_this<Exchange> {
  Answer done;
  std::string session_id;
  bool sse_ok = false;
  uint64_t stream = 0;  // resumable when non-zero: the number in its events' ids
  std::function<void(std::shared_ptr<Exchange>)> on_stream;  // keeps it for resumption
  std::mutex mutex;
  std::condition_variable cv;
  std::vector<std::string> events;  // every event of the stream, as written
  bool streaming = false;
  bool finished = false;  // the response (or a cancellation) was queued
  uint64_t readers = 0;   // the newest reader's number: an older one stops

  HttpResponse head() const {
    HttpResponse r;
    if (!session_id.empty()) r.headers.emplace_back("Mcp-Session-Id", session_id);
    return r;
  }

  HttpResponse event_stream(size_t from) {
    HttpResponse r = head();
    r.headers.emplace_back("Content-Type", "text/event-stream");
    r.headers.emplace_back("Cache-Control", "no-cache");
    uint64_t me;
    {
      std::lock_guard lock(mutex);
      me = ++readers;
    }
    cv.notify_all();  // an older reader, if any, stops
    r.stream = [self = shared_from_this(), from, me](const ChunkWriter& write) {
      self->drain(write, from, me);
    };
    return r;
  }

  // Called with `mutex` held.
  void record(const json& message) {
    if (events.size() >= kMaxStreamEvents && !finished) return;  // bounded; the response stays
    std::string id =
        stream ? "id: " + std::to_string(stream) + "-" + std::to_string(events.size()) + "\n" : "";
    events.push_back(id + sse_event(message));
  }

  void send(json message, bool final) {
    std::unique_lock lock(mutex);
    if (!streaming && final) {
      lock.unlock();
      HttpResponse r = head();
      if (message.is_null() && sse_ok) {
        // Cancelled: nothing to answer, as an event stream without events.
        r.headers.emplace_back("Content-Type", "text/event-stream");
        r.headers.emplace_back("Cache-Control", "no-cache");
      } else if (message.is_null()) {
        r.status = 202;  // cancelled, and the client takes no event stream
      } else {
        r.headers.emplace_back("Content-Type", "application/json");
        r.body = jsonrpc::dump(message);
      }
      return answer(std::move(r));
    }
    if (!streaming && !sse_ok) return;  // a JSON-only client gets the response alone
    if (finished) return;
    bool first = !streaming;
    if (first && stream) {
      events.push_back("id: " + std::to_string(stream) + "-0\nretry: " + std::to_string(kRetryMs) +
                       "\ndata: \n\n");
    }
    finished = final;
    if (!message.is_null()) record(message);
    streaming = true;
    lock.unlock();
    if (!first) {
      cv.notify_all();
      return;
    }
    if (stream && on_stream) on_stream(shared_from_this());
    answer(event_stream(0));
  }

  // `done` once, then dropped: a kept stream must not hold what the connection handed in.
  void answer(HttpResponse r) {
    auto d = std::move(done);
    done = nullptr;
    d(std::move(r));
  }

  // Writes the events from index `from` on as they come, until the response went out, the
  // client stopped reading, or a newer reader (a resumption) took over.
  void drain(const ChunkWriter& write, size_t from, uint64_t me) {
    std::unique_lock lock(mutex);
    size_t next = from;
    while (true) {
      cv.wait(lock, [&] { return next < events.size() || finished || readers != me; });
      if (readers != me) return;
      if (next >= events.size()) return;  // finished, everything written
      std::string event = events[next++];
      lock.unlock();
      bool alive = write(event);
      lock.lock();
      if (!alive) return;  // the events stay: Last-Event-ID resumes them
    }
  }
};

StreamableHttp::StreamableHttp(Server& server, StreamableHttpOptions options)
    : server_(server), options_(options) {}

StreamableHttp::~StreamableHttp() {
  close_streams();
}

void StreamableHttp::close_streams() {
  std::map<std::string, std::shared_ptr<Entry>> all;
  {
    std::lock_guard lock(mutex_);
    all = sessions_;
  }
  for (auto& [_, e] : all) e->close();
}

size_t StreamableHttp::session_count() const {
  std::lock_guard lock(mutex_);
  return sessions_.size();
}

HttpResponse StreamableHttp::handle(const HttpRequest& request) {
  // Spec: a version header we do not speak is a 400 (absent means 2025-03-26).
  auto version = request.header("mcp-protocol-version");
  if (!version.empty() && !supports_protocol_version(version)) {
    return rpc_error_response(400, jsonrpc::kInvalidRequest,
                              "unsupported MCP-Protocol-Version: " + version);
  }
  if (request.method == "POST") return post(request);
  if (request.method == "GET") return get(request);
  if (request.method == "DELETE") return remove(request);
  auto r = HttpResponse::text(405, "method not allowed: use POST, GET or DELETE\n");
  r.headers.emplace_back("Allow", "GET, POST, DELETE");
  return r;
}

std::shared_ptr<StreamableHttp::Entry> StreamableHttp::open_session() {
  auto entry = std::make_shared<Entry>();
  std::weak_ptr<Entry> weak = entry;
  entry->session = Session::create(server_, [weak](const json& m) {
    if (auto e = weak.lock()) e->push(m);
  });
  std::shared_ptr<Entry> evicted;
  {
    std::lock_guard lock(mutex_);
    if (sessions_.size() >= options_.max_sessions) {
      auto oldest = sessions_.begin();
      for (auto it = sessions_.begin(); it != sessions_.end(); ++it)
        if (it->second->last_used < oldest->second->last_used) oldest = it;
      evicted = oldest->second;
      sessions_.erase(oldest);
    }
    entry->last_used = ++clock_;
    std::string id;
    do id = new_session_id();
    while (sessions_.count(id));
    sessions_[id] = entry;
    entry->id = id;
  }
  if (evicted) evicted->close();
  return entry;
}

std::shared_ptr<StreamableHttp::Entry> StreamableHttp::find(const HttpRequest& request,
                                                            HttpResponse& error) {
  auto id = request.header("mcp-session-id");
  if (id.empty()) {
    error = rpc_error_response(400, jsonrpc::kInvalidRequest,
                               "missing Mcp-Session-Id header: send initialize first");
    return nullptr;
  }
  std::lock_guard lock(mutex_);
  auto it = sessions_.find(id);
  if (it == sessions_.end()) {
    // Spec: 404 tells the client to start a new session with initialize.
    error = rpc_error_response(404, jsonrpc::kInvalidRequest, "unknown or expired session");
    return nullptr;
  }
  it->second->last_used = ++clock_;
  return it->second;
}

void StreamableHttp::post_async(const HttpRequest& request, Answer done) {
  auto accept = request.header("accept");
  bool json_ok = accept.empty() || contains(accept, "application/json") || contains(accept, "*/*");
  bool sse_ok = contains(accept, "text/event-stream");
  if (!json_ok && !sse_ok) {
    return done(rpc_error_response(406, jsonrpc::kInvalidRequest,
                                   "Accept must allow application/json or text/event-stream"));
  }
  if (!contains(request.header("content-type"), "application/json")) {
    return done(
        rpc_error_response(415, jsonrpc::kInvalidRequest, "Content-Type must be application/json"));
  }
  auto message = json::parse(request.body, nullptr, false);
  if (message.is_discarded())
    return done(rpc_error_response(400, jsonrpc::kParseError, "parse error: invalid JSON"));
  if (message.is_array()) {
    return done(rpc_error_response(400, jsonrpc::kInvalidRequest,
                                   "invalid request: JSON-RPC batches are not supported"));
  }
  auto m = jsonrpc::classify(message);
  if (m.kind == jsonrpc::MessageKind::invalid) {
    return done(
        HttpResponse::json(400, jsonrpc::dump(jsonrpc::error(m.id, jsonrpc::kInvalidRequest,
                                                             "invalid request: " + m.problem))));
  }

  std::shared_ptr<Entry> entry;
  std::string session_id;
  if (m.kind == jsonrpc::MessageKind::request && m.method == "initialize") {
    entry = open_session();
    session_id = entry->id;
  } else {
    HttpResponse error;
    entry = find(request, error);
    if (!entry) return done(error);
  }

  if (m.kind != jsonrpc::MessageKind::request) {
    entry->session->handle(message, [](json, bool) {});
    HttpResponse r;
    r.status = 202;
    return done(std::move(r));
  }

  // A request's messages go out as one JSON response when the response is all there is.
  // The first message before it (a notification, or a request to the client, which must
  // reach it before the call can end) turns the answer into an event stream that carries
  // each message as it comes, then the response.
  auto exchange = std::make_shared<Exchange>();
  exchange->done = std::move(done);
  exchange->session_id = session_id;
  exchange->sse_ok = sse_ok;
  // Resumable streams (priming events, ids) arrived with 2025-11-25: older clients get none.
  if (entry->session->protocol_version() >= "2025-11-25") {
    std::lock_guard lock(entry->mutex);
    exchange->stream = ++entry->next_stream;
    std::weak_ptr<Entry> weak = entry;
    exchange->on_stream = [weak](std::shared_ptr<Exchange> x) {
      auto e = weak.lock();
      if (!e) return;
      std::lock_guard lock(e->mutex);
      e->streams[x->stream] = std::move(x);
      while (e->streams.size() > kResumableStreams) e->streams.erase(e->streams.begin());
    };
  }
  entry->session->handle(
      message, [exchange](json msg, bool final) { exchange->send(std::move(msg), final); },
      sse_ok ? Session::ChannelReach::streams : Session::ChannelReach::response_only);
}

HttpResponse StreamableHttp::post(const HttpRequest& request) {
  std::promise<HttpResponse> answered;
  auto answer = answered.get_future();
  // Bounded by the call's own limits: the executor always answers.
  post_async(request, [&answered](HttpResponse r) { answered.set_value(std::move(r)); });
  return answer.get();
}

void StreamableHttp::handle_post(const HttpRequest& request, Answer done) {
  auto version = request.header("mcp-protocol-version");
  if (request.method != "POST" || (!version.empty() && !supports_protocol_version(version)))
    return done(handle(request));  // an error answered at once
  post_async(request, std::move(done));
}

HttpResponse StreamableHttp::get(const HttpRequest& request) {
  if (!contains(request.header("accept"), "text/event-stream")) {
    return rpc_error_response(406, jsonrpc::kInvalidRequest,
                              "GET opens an event stream: Accept must allow text/event-stream");
  }
  HttpResponse error;
  auto entry = find(request, error);
  if (!entry) return error;
  if (auto resumed = resume(*entry, request.header("last-event-id"))) return std::move(*resumed);
  {
    std::lock_guard lock(entry->mutex);
    if (entry->streaming) {
      return rpc_error_response(409, jsonrpc::kInvalidRequest,
                                "this session already has an open GET stream");
    }
    entry->streaming = true;
  }
  HttpResponse r;
  r.headers.emplace_back("Content-Type", "text/event-stream");
  r.headers.emplace_back("Cache-Control", "no-cache");
  int keepalive = options_.keepalive_seconds;
  r.stream = [entry, keepalive](const ChunkWriter& write) {
    std::unique_lock lock(entry->mutex);
    while (!entry->closed) {
      if (entry->outbox.empty()) {
        entry->cv.wait_for(lock, std::chrono::seconds(keepalive));
        if (entry->closed) break;
        if (entry->outbox.empty()) {
          lock.unlock();
          bool alive = write(": keepalive\n\n");
          lock.lock();
          if (!alive) break;
          continue;
        }
      }
      auto message = std::move(entry->outbox.front());
      entry->outbox.pop_front();
      lock.unlock();
      bool alive = write(sse_event(message));
      lock.lock();
      if (!alive) break;
    }
    entry->streaming = false;
    entry->outbox.clear();
  };
  return r;
}

std::optional<HttpResponse> StreamableHttp::resume(Entry& entry, const std::string& last_event_id) {
  // "<stream>-<index>": the events after it, then the rest of that stream as it comes. An id
  // of no stream kept here opens the session's ordinary GET stream instead.
  auto dash = last_event_id.find('-');
  if (dash == std::string::npos) return std::nullopt;
  uint64_t stream = 0, index = 0;
  auto digits = [](std::string_view t, uint64_t& out) {
    auto [end, ec] = std::from_chars(t.data(), t.data() + t.size(), out);
    return ec == std::errc() && end == t.data() + t.size() && !t.empty();
  };
  std::string_view text(last_event_id);
  if (!digits(text.substr(0, dash), stream) || !digits(text.substr(dash + 1), index))
    return std::nullopt;
  std::shared_ptr<Exchange> exchange;
  {
    std::lock_guard lock(entry.mutex);
    auto it = entry.streams.find(stream);
    if (it == entry.streams.end()) return std::nullopt;
    exchange = it->second;
  }
  return exchange->event_stream(static_cast<size_t>(index) + 1);
}

HttpResponse StreamableHttp::remove(const HttpRequest& request) {
  HttpResponse error;
  auto entry = find(request, error);
  if (!entry) return error;
  {
    std::lock_guard lock(mutex_);
    std::erase_if(sessions_, [&](const auto& kv) { return kv.second == entry; });
  }
  entry->close();
  HttpResponse r;
  r.status = 204;
  return r;
}

}  // namespace asterai::mcp
