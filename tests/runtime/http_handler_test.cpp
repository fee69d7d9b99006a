// Runtime::handle_http against a real proxy component (tests/components/http-probe): the
// request reaches the guest, the answer streams back while the call runs on another thread,
// and every fault (trap, loop, memory, a wait in the host, no answer) ends as a typed error
// with the runtime still serving.
#include <gtest/gtest.h>

#include <condition_variable>
#include <mutex>
#include <nlohmann/json.hpp>
#include <thread>

#include "asterai/runtime/http_handler.h"
#include "asterai/runtime/runtime.h"
#include "test_support.h"

namespace asterai::runtime {
namespace {

using namespace std::chrono_literals;

struct Answer {
  HttpResponse::Head head = HttpResponse::Head::pending;
  uint16_t status = 0;
  std::vector<HttpField> headers;
  std::string body;
  bool broken = false;
  CallOutcome outcome;

  std::string header(const std::string& name) const {
    for (const auto& h : headers)
      if (h.name == name) return h.value;
    return {};
  }
};

IncomingRequest get(std::string path) {
  IncomingRequest r;
  r.method = "GET";
  r.authority = "localhost:8080";
  r.path_with_query = std::move(path);
  return r;
}

class HttpHandler : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    EngineOptions options;
    options.cache_dir = test::shared_cache_dir();
    auto rt = Runtime::create(options);
    ASSERT_TRUE(rt) << rt.error().message;
    rt_ = *rt;
    auto c = rt_->load_file(test::component("http-probe.wasm"));
    ASSERT_TRUE(c) << c.error().message;
    probe_ = *c;
  }
  static void TearDownTestSuite() {
    probe_.reset();
    rt_.reset();
  }

  // Runs the request on its own thread and reads the answer here, as a server does: woken by
  // the response, never blocking in it.
  static Answer exchange(const IncomingRequest& request, CallLimits limits = {},
                         const Grants& grants = {}) {
    std::mutex m;
    std::condition_variable cv;
    bool woken = false, done = false;
    HttpResponse response([&] {
      std::lock_guard lock(m);
      woken = true;
      cv.notify_all();
    });
    Answer a;
    std::thread call([&] {
      auto outcome = rt_->handle_http(*probe_, request, response, limits, grants);
      std::lock_guard lock(m);
      a.outcome = std::move(outcome);
      done = true;
      cv.notify_all();
    });
    auto wait = [&] {
      std::unique_lock lock(m);
      cv.wait(lock, [&] { return woken || done; });
      woken = false;
      return done;
    };
    for (;;) {
      a.head = response.head(&a.status);
      if (a.head != HttpResponse::Head::pending) break;
      if (wait() && response.head(&a.status) == HttpResponse::Head::pending) break;
    }
    if (a.head == HttpResponse::Head::ready) {
      a.headers = response.headers();
      for (;;) {
        std::string_view chunk;
        auto c = response.next(&chunk);
        if (c == HttpResponse::Chunk::data) {
          a.body.append(chunk);
        } else if (c == HttpResponse::Chunk::end) {
          break;
        } else if (c == HttpResponse::Chunk::broken) {
          a.broken = true;
          break;
        } else {
          wait();
        }
      }
    }
    call.join();
    return a;
  }

  static void expect_still_serving() {
    auto a = exchange(get("/hello"));
    EXPECT_TRUE(a.outcome.ok()) << a.outcome.error->to_string();
    EXPECT_EQ(a.status, 200);
    EXPECT_EQ(a.body, "hello, world\n");
  }

  static inline std::shared_ptr<Runtime> rt_;
  static inline std::shared_ptr<const Component> probe_;
};

TEST_F(HttpHandler, AProxyComponentIsRecognised) {
  EXPECT_TRUE(probe_->http_handler());
  auto other = rt_->load_file(test::component("kitchen-sink-c.wasm"));
  ASSERT_TRUE(other) << other.error().message;
  EXPECT_FALSE((*other)->http_handler());
  HttpResponse response([] {});
  auto o = rt_->handle_http(**other, get("/"), response);
  ASSERT_FALSE(o.ok());
  EXPECT_EQ(o.error->kind, ErrorKind::usage);
  EXPECT_NE(o.error->message.find("does not export wasi:http/incoming-handler"), std::string::npos);
}

TEST_F(HttpHandler, HelloAnswersWithStatusHeadersAndBody) {
  auto a = exchange(get("/hello"));
  ASSERT_TRUE(a.outcome.ok()) << a.outcome.error->to_string();
  EXPECT_EQ(a.head, HttpResponse::Head::ready);
  EXPECT_EQ(a.status, 200);
  EXPECT_EQ(a.header("content-type"), "text/plain");
  EXPECT_EQ(a.body, "hello, world\n");
  EXPECT_GT(a.outcome.stats.peak_memory_bytes, 0u);
}

TEST_F(HttpHandler, TheGuestSeesMethodPathQueryAuthorityAndHeaders) {
  auto req = get("/info?x=1&y=two");
  req.method = "PATCH";
  req.headers = {{"x-custom", "value 1"}, {"accept", "*/*"}};
  auto a = exchange(req);
  ASSERT_TRUE(a.outcome.ok()) << a.outcome.error->to_string();
  auto info = nlohmann::json::parse(a.body);
  EXPECT_EQ(info["method"], "PATCH");
  EXPECT_EQ(info["path"], "/info");
  EXPECT_EQ(info["query"], "x=1&y=two");
  EXPECT_EQ(info["authority"], "localhost:8080");
  EXPECT_EQ(info["headers"]["x-custom"], "value 1");
}

TEST_F(HttpHandler, ABodyStreamsThroughInBothDirections) {
  // 8 MiB in pieces of at most 64 KiB; the echo writes each back as it reads it.
  const size_t total = 8 << 20;
  size_t sent = 0, pieces = 0;
  auto req = get("/echo");
  req.method = "POST";
  req.headers = {{"content-type", "application/octet-stream"}};
  req.read_body = [&](uint8_t* buf, size_t cap) -> int64_t {
    size_t n = std::min({cap, total - sent, size_t{50'000}});
    for (size_t i = 0; i < n; ++i) buf[i] = static_cast<uint8_t>('a' + (sent + i) % 26);
    sent += n;
    if (n) ++pieces;
    return static_cast<int64_t>(n);
  };
  auto a = exchange(req);
  ASSERT_TRUE(a.outcome.ok()) << a.outcome.error->to_string();
  EXPECT_EQ(a.status, 200);
  EXPECT_EQ(a.header("content-type"), "application/octet-stream");
  ASSERT_EQ(a.body.size(), total);
  for (size_t i = 0; i < total; i += 4099)
    ASSERT_EQ(a.body[i], static_cast<char>('a' + i % 26)) << i;
  EXPECT_GT(pieces, 100u);
  // Streamed, not buffered: the guest's memory stays far below the body's size.
  EXPECT_LT(a.outcome.stats.peak_memory_bytes, total / 2);
}

TEST_F(HttpHandler, ABrokenRequestBodyEndsTheReadInTheGuest) {
  auto req = get("/echo");
  req.method = "POST";
  int calls = 0;
  req.read_body = [&](uint8_t* buf, size_t) -> int64_t {
    if (calls++ == 0) {
      buf[0] = 'x';
      return 1;
    }
    return body_too_large;
  };
  auto a = exchange(req);
  // The probe treats a failed read as the end: what arrived before is echoed.
  ASSERT_TRUE(a.outcome.ok()) << a.outcome.error->to_string();
  EXPECT_EQ(a.body, "x");
  EXPECT_EQ(calls, 2);
}

TEST_F(HttpHandler, EnvironmentVariablesAreOnlyTheGrantedOnes) {
  Grants grants;
  grants.env = {{"GREETING", "hi there"}};
  auto a = exchange(get("/env?name=GREETING"), {}, grants);
  EXPECT_EQ(a.status, 200);
  EXPECT_EQ(a.body, "hi there");
  setenv("ASTERAI_TEST_HOST_ONLY", "leak", 1);
  auto b = exchange(get("/env?name=ASTERAI_TEST_HOST_ONLY"));
  EXPECT_EQ(b.status, 404);
}

TEST_F(HttpHandler, ATrapBeforeTheResponseIsATrapAndNoResponse) {
  auto a = exchange(get("/trap"));
  ASSERT_FALSE(a.outcome.ok());
  EXPECT_EQ(a.outcome.error->kind, ErrorKind::trap);
  EXPECT_NE(a.head, HttpResponse::Head::ready);
  expect_still_serving();
}

TEST_F(HttpHandler, ReturningWithoutAnAnswerLeavesTheResponseMissing) {
  auto a = exchange(get("/drop"));
  EXPECT_TRUE(a.outcome.ok());
  EXPECT_EQ(a.head, HttpResponse::Head::missing);
  expect_still_serving();
}

TEST_F(HttpHandler, ALoopEndsAtTheTimeout) {
  CallLimits limits;
  limits.timeout = 300ms;
  auto a = exchange(get("/loop"), limits);
  ASSERT_FALSE(a.outcome.ok());
  EXPECT_EQ(a.outcome.error->kind, ErrorKind::timeout);
  expect_still_serving();
}

TEST_F(HttpHandler, AWaitInTheHostEndsAtTheTimeout) {
  CallLimits limits;
  limits.timeout = 300ms;
  auto a = exchange(get("/sleep"), limits);
  ASSERT_FALSE(a.outcome.ok());
  EXPECT_EQ(a.outcome.error->kind, ErrorKind::timeout);
  expect_still_serving();
}

TEST_F(HttpHandler, MemoryPastTheLimitIsOutOfMemory) {
  CallLimits limits;
  limits.max_memory = 16 << 20;
  auto a = exchange(get("/oom"), limits);
  ASSERT_FALSE(a.outcome.ok());
  EXPECT_EQ(a.outcome.error->kind, ErrorKind::out_of_memory);
  expect_still_serving();
}

TEST_F(HttpHandler, ATrapAfterTheHeadBreaksTheBody) {
  auto a = exchange(get("/half"));
  ASSERT_FALSE(a.outcome.ok());
  EXPECT_EQ(a.outcome.error->kind, ErrorKind::trap);
  EXPECT_EQ(a.status, 200);
  EXPECT_EQ(a.header("content-length"), "100");
  // Either the body is reported broken or it ends short of what the head promised: a server
  // must not present it as complete.
  EXPECT_TRUE(a.broken || a.body.size() < 100) << a.body.size();
  expect_still_serving();
}

TEST_F(HttpHandler, ManyRequestsAtOnceEachGetTheirOwnAnswer) {
  std::vector<std::thread> threads;
  std::atomic<int> good{0};
  for (int i = 0; i < 16; ++i) {
    threads.emplace_back([&, i] {
      auto a = exchange(get("/status?code=" + std::to_string(200 + i)));
      if (a.status == 200 + i && a.body == "status " + std::to_string(200 + i) + "\n") ++good;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(good.load(), 16);
}

}  // namespace
}  // namespace asterai::runtime
