// Blob push/pull over HTTP: monolithic and chunked uploads, digest verification, Range,
// mount, status, cancel and delete, and a client that goes away in the middle of a blob.
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <thread>

#include "asterai/registry/digest.h"
#include "test_server.h"

namespace asterai::registry::testing {
namespace {

TEST(Blobs, MonolithicPushThenPull) {
  TestRegistry t;
  auto c = t.client();
  std::string digest = push_blob(c, "alice/tool", "hello world");
  auto head = c.send({"HEAD", "/v2/alice/tool/blobs/" + digest});
  EXPECT_EQ(head.status, 200);
  EXPECT_EQ(head.header("content-length"), "11");
  EXPECT_EQ(head.header("docker-content-digest"), digest);
  auto get = c.get("/v2/alice/tool/blobs/" + digest);
  EXPECT_EQ(get.status, 200);
  EXPECT_EQ(get.body, "hello world");
  // Not linked to another repository.
  auto other = c.get("/v2/bob/tool/blobs/" + digest);
  EXPECT_EQ(other.status, 404);
  EXPECT_NE(other.body.find("BLOB_UNKNOWN"), std::string::npos);
}

TEST(Blobs, SinglePostUpload) {
  TestRegistry t;
  auto c = t.client();
  std::string digest = digest_of("one shot").to_string();
  auto r = c.send({"POST",
                   "/v2/a/b/blobs/uploads/?digest=" + digest,
                   "one shot",
                   {"Content-Type: application/octet-stream"}});
  EXPECT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(r.header("location"), "/v2/a/b/blobs/" + digest);
  EXPECT_EQ(c.get("/v2/a/b/blobs/" + digest).body, "one shot");
}

TEST(Blobs, ChunkedUploadWithStatusAndOrderCheck) {
  TestRegistry t;
  auto c = t.client();
  auto start = c.send({"POST", "/v2/a/b/blobs/uploads/"});
  ASSERT_EQ(start.status, 202);
  std::string loc = start.header("location");
  auto p1 = c.send(
      {"PATCH", loc, "abc", {"Content-Range: 0-2", "Content-Type: application/octet-stream"}});
  EXPECT_EQ(p1.status, 202);
  EXPECT_EQ(p1.header("range"), "0-2");
  // Out of order: must be refused with 416 and the current range.
  auto bad = c.send({"PATCH", loc, "zzz", {"Content-Range: 10-12"}});
  EXPECT_EQ(bad.status, 416);
  EXPECT_EQ(bad.header("range"), "0-2");
  auto p2 = c.send({"PATCH", loc, "def", {"Content-Range: 3-5"}});
  EXPECT_EQ(p2.status, 202);
  auto status = c.get(loc);
  EXPECT_EQ(status.status, 204);
  EXPECT_EQ(status.header("range"), "0-5");
  std::string digest = digest_of("abcdefgh").to_string();
  auto done = c.send({"PUT", loc + "?digest=" + digest, "gh"});
  EXPECT_EQ(done.status, 201) << done.body;
  EXPECT_EQ(c.get("/v2/a/b/blobs/" + digest).body, "abcdefgh");
  // The session is gone once completed.
  EXPECT_EQ(c.get(loc).status, 404);
}

// Found by tests/fuzz/registry_upload_fuzz: a chunk whose length differed from its
// Content-Range was refused with 400 after its bytes were stored, so the client's retry stored
// them twice and the upload ended with the wrong bytes.
TEST(Blobs, ARefusedChunkLeavesTheSessionAsItWas) {
  TestRegistry t;
  auto c = t.client();
  std::string loc = c.send({"POST", "/v2/a/b/blobs/uploads/"}).header("location");
  EXPECT_EQ(c.send({"PATCH", loc, "abc", {"Content-Range: 0-2"}}).status, 202);
  auto refused = c.send({"PATCH", loc, "de", {"Content-Range: 3-9"}});
  EXPECT_EQ(refused.status, 400) << refused.body;
  EXPECT_EQ(c.get(loc).header("range"), "0-2");
  EXPECT_EQ(c.send({"PATCH", loc, "de", {"Content-Range: 3-4"}}).status, 202);
  std::string digest = digest_of("abcde").to_string();
  EXPECT_EQ(c.send({"PUT", loc + "?digest=" + digest}).status, 201);
  EXPECT_EQ(c.get("/v2/a/b/blobs/" + digest).body, "abcde");
}

TEST(Blobs, Sha512IsVerifiedToo) {
  TestRegistry t;
  auto c = t.client();
  std::string digest = digest_of("five twelve", DigestAlgorithm::sha512).to_string();
  auto r = c.send({"POST", "/v2/a/b/blobs/uploads/?digest=" + digest, "five twelve"});
  EXPECT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(c.get("/v2/a/b/blobs/" + digest).body, "five twelve");
}

TEST(Blobs, DigestMismatchStoresNothing) {
  TestRegistry t;
  auto c = t.client();
  std::string wrong = digest_of("something else").to_string();
  auto start = c.send({"POST", "/v2/a/b/blobs/uploads/"});
  auto r = c.send({"PUT", start.header("location") + "?digest=" + wrong, "actual content"});
  EXPECT_EQ(r.status, 400);
  EXPECT_NE(r.body.find("DIGEST_INVALID"), std::string::npos);
  EXPECT_EQ(c.send({"HEAD", "/v2/a/b/blobs/" + wrong}).status, 404);
  EXPECT_EQ(c.send({"HEAD", "/v2/a/b/blobs/" + digest_of("actual content").to_string()}).status,
            404);
  size_t files = 0;
  for (auto& e : std::filesystem::recursive_directory_iterator(t.root() / "blobs"))
    files += e.is_regular_file();
  EXPECT_EQ(files, 0u);
  EXPECT_TRUE(std::filesystem::is_empty(t.root() / "uploads"));
}

TEST(Blobs, RangeRequests) {
  TestRegistry t;
  auto c = t.client();
  std::string digest = push_blob(c, "a/b", "0123456789");
  auto r = c.get("/v2/a/b/blobs/" + digest, {"Range: bytes=2-5"});
  EXPECT_EQ(r.status, 206);
  EXPECT_EQ(r.body, "2345");
  EXPECT_EQ(r.header("content-range"), "bytes 2-5/10");
  EXPECT_EQ(c.get("/v2/a/b/blobs/" + digest, {"Range: bytes=7-"}).body, "789");
  EXPECT_EQ(c.get("/v2/a/b/blobs/" + digest, {"Range: bytes=-2"}).body, "89");
  for (const char* bad : {"Range: bytes=10-", "Range: bytes=5-2", "Range: bytes=abc",
                          "Range: lines=1-2", "Range: bytes=0-1,3-4"}) {
    auto b = c.get("/v2/a/b/blobs/" + digest, {bad});
    EXPECT_EQ(b.status, 416) << bad;
    EXPECT_EQ(b.header("content-range"), "bytes */10") << bad;
  }
}

TEST(Blobs, CrossRepositoryMount) {
  TestRegistry t;
  auto c = t.client();
  std::string digest = push_blob(c, "a/src", "shared layer");
  auto m = c.send({"POST", "/v2/a/dst/blobs/uploads/?mount=" + digest + "&from=a/src"});
  EXPECT_EQ(m.status, 201);
  EXPECT_EQ(m.header("location"), "/v2/a/dst/blobs/" + digest);
  EXPECT_EQ(c.get("/v2/a/dst/blobs/" + digest).body, "shared layer");
  // Unknown source: falls back to a new upload session.
  auto fallback = c.send({"POST", "/v2/a/dst2/blobs/uploads/?mount=" + digest + "&from=a/nothing"});
  EXPECT_EQ(fallback.status, 202);
}

TEST(Blobs, CancelAndDelete) {
  TestRegistry t;
  auto c = t.client();
  auto start = c.send({"POST", "/v2/a/b/blobs/uploads/"});
  std::string loc = start.header("location");
  EXPECT_EQ(c.send({"DELETE", loc}).status, 204);
  EXPECT_EQ(c.get(loc).status, 404);
  std::string digest = push_blob(c, "a/b", "to delete");
  EXPECT_EQ(c.send({"DELETE", "/v2/a/b/blobs/" + digest}).status, 202);
  EXPECT_EQ(c.send({"HEAD", "/v2/a/b/blobs/" + digest}).status, 404);
  EXPECT_EQ(c.send({"DELETE", "/v2/a/b/blobs/" + digest}).status, 404);
}

TEST(Blobs, UploadSessionsSurviveRestart) {
  TestRegistry t;
  auto start = t.client().send({"POST", "/v2/a/b/blobs/uploads/"});
  std::string loc = start.header("location");
  EXPECT_EQ(t.client().send({"PATCH", loc, "part one "}).status, 202);
  t.restart();
  auto c = t.client();
  std::string digest = digest_of("part one part two").to_string();
  EXPECT_EQ(c.send({"PUT", loc + "?digest=" + digest, "part two"}).status, 201);
  EXPECT_EQ(c.get("/v2/a/b/blobs/" + digest).body, "part one part two");
}

// A raw connection to the registry, to leave in the middle of a response.
int connect_to(const TestRegistry& t) {
  auto url = t.base_url();
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(static_cast<uint16_t>(std::stoi(url.substr(url.rfind(':') + 1))));
  if (fd >= 0 && ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

// Sends a GET and returns the first bytes of the answer ("" when the connection failed).
std::string raw_get(int fd, const std::string& path) {
  std::string request = "GET " + path + " HTTP/1.1\r\nHost: x\r\n\r\n";
  if (::send(fd, request.data(), request.size(), MSG_NOSIGNAL) !=
      static_cast<ssize_t>(request.size()))
    return "";
  char some[4096];
  ssize_t n = ::recv(fd, some, sizeof some, 0);
  return n > 0 ? std::string(some, static_cast<size_t>(n)) : "";
}

// A client that resets the connection while a blob is still being sent: the server's next
// write fails; it ends that response and serves on. (SIGPIPE, which an EPIPE from
// sendfile(2) would raise, is covered by net_tests Listener.AWriteToAClientThatLeft...)
TEST(Blobs, AClientThatResetsMidBlobDoesNotStopTheServer) {
  TestRegistry t;
  std::string digest = push_blob(t.client(), "alice/big", std::string(16 << 20, 'x'));
  int fd = connect_to(t);
  ASSERT_GE(fd, 0);
  ASSERT_NE(raw_get(fd, "/v2/alice/big/blobs/" + digest), "");  // the response has begun
  linger reset{1, 0};                                           // close with RST, not FIN
  ::setsockopt(fd, SOL_SOCKET, SO_LINGER, &reset, sizeof reset);
  ::close(fd);
  // The server's next write fails at once; it keeps answering on new connections meanwhile.
  for (int i = 0; i < 50; ++i) {
    int next = connect_to(t);
    ASSERT_GE(next, 0) << "the registry is gone";
    EXPECT_EQ(raw_get(next, "/v2/").rfind("HTTP/1.1 200", 0), 0u);
    ::close(next);
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

}  // namespace
}  // namespace asterai::registry::testing
