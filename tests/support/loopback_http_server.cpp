#include "loopback_http_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <stdexcept>

namespace asterai::test {

LoopbackHttpServer::LoopbackHttpServer(int status, int max_connections,
                                       std::chrono::seconds lifetime)
    : status_(status), max_connections_(max_connections) {
  listen_fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (listen_fd_ < 0) throw std::runtime_error("socket: " + std::string(std::strerror(errno)));
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);  // loopback only, never a public interface
  addr.sin_port = 0;                              // an ephemeral port the kernel picks
  socklen_t len = sizeof addr;
  if (::bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      ::listen(listen_fd_, 16) != 0 ||
      ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    std::string why = std::strerror(errno);
    ::close(listen_fd_);
    throw std::runtime_error("cannot listen on 127.0.0.1: " + why);
  }
  port_ = ntohs(addr.sin_port);
  auto deadline = std::chrono::steady_clock::now() + lifetime;
  thread_ = std::thread([this, deadline] { serve(deadline); });
}

LoopbackHttpServer::~LoopbackHttpServer() {
  stop_ = true;
  if (thread_.joinable()) thread_.join();
  ::close(listen_fd_);
}

std::string LoopbackHttpServer::authority() const {
  return "127.0.0.1:" + std::to_string(port_);
}

std::string LoopbackHttpServer::url(const std::string& path) const {
  return "http://" + authority() + path;
}

std::vector<std::string> LoopbackHttpServer::requests() const {
  std::lock_guard lock(mutex_);
  return requests_;
}

void LoopbackHttpServer::serve(std::chrono::steady_clock::time_point deadline) {
  while (!stop_ && connections_ < max_connections_ && std::chrono::steady_clock::now() < deadline) {
    // Short polls so the destructor and the deadline are noticed quickly.
    pollfd p{listen_fd_, POLLIN, 0};
    if (::poll(&p, 1, 20) <= 0) continue;
    int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) continue;
    ++connections_;
    handle(fd, deadline);
    ::close(fd);
  }
}

namespace {

// A case-insensitive search for a header line's value in a request head ("" when absent).
std::string header_value(const std::string& head, const std::string& name) {
  std::string lower = head;
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return std::tolower(c); });
  auto pos = lower.find("\r\n" + name + ":");
  if (pos == std::string::npos) return "";
  pos += name.size() + 3;
  auto end = lower.find("\r\n", pos);
  std::string value = lower.substr(pos, end - pos);
  value.erase(0, value.find_first_not_of(' '));
  return value;
}

}  // namespace

// Reads the request body that follows `head` (`rest` holds bytes already received after it)
// and returns its decoded size. Bounded by the socket's receive timeout.
uint64_t LoopbackHttpServer::read_body(int fd, const std::string& head, std::string rest) {
  char buf[4096];
  auto more = [&] {
    ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n <= 0) return false;
    rest.append(buf, static_cast<size_t>(n));
    return true;
  };
  if (header_value(head, "transfer-encoding").find("chunked") != std::string::npos) {
    uint64_t total = 0;
    for (;;) {  // each chunk: "<hex size>\r\n<data>\r\n"; a zero size ends the body
      size_t eol;
      while ((eol = rest.find("\r\n")) == std::string::npos)
        if (!more()) return total;
      uint64_t size = std::strtoull(rest.c_str(), nullptr, 16);
      rest.erase(0, eol + 2);
      if (size == 0) return total;
      while (rest.size() < size + 2)
        if (!more()) return total + std::min<uint64_t>(rest.size(), size);
      total += size;
      rest.erase(0, size + 2);
    }
  }
  uint64_t length = std::strtoull(header_value(head, "content-length").c_str(), nullptr, 10);
  while (rest.size() < length)
    if (!more()) break;
  return std::min<uint64_t>(rest.size(), length);
}

// Reads one request (bounded in size and time), records it, answers, and closes.
void LoopbackHttpServer::handle(int fd, std::chrono::steady_clock::time_point deadline) {
  timeval timeout{2, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof timeout);
  std::string head;
  char buf[4096];
  while (head.find("\r\n\r\n") == std::string::npos && head.size() < 65536) {
    ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n <= 0) break;
    head.append(buf, static_cast<size_t>(n));
  }
  auto line_end = head.find("\r\n");
  if (line_end == std::string::npos) return;  // a connection without a request
  auto head_end = head.find("\r\n\r\n");
  if (head_end != std::string::npos) {
    body_bytes_ += read_body(fd, head.substr(0, head_end + 2), head.substr(head_end + 4));
  }
  std::string line = head.substr(0, line_end);
  // "GET /path HTTP/1.1" -> "GET /path"
  auto last_space = line.rfind(' ');
  if (last_space != std::string::npos && last_space > line.find(' ')) line.resize(last_space);
  {
    std::lock_guard lock(mutex_);
    requests_.push_back(line);
  }
  // Holds the connection (the peer waits in vain) until the server stops.
  auto hold = [&] {
    while (!stop_ && std::chrono::steady_clock::now() < deadline) ::poll(nullptr, 0, 20);
  };
  if (never_answer_) return hold();
  size_t body_size = response_body_size_;
  std::string body = "recorded\n";
  if (body_size != SIZE_MAX) {
    body.resize(body_size);
    for (size_t i = 0; i < body_size; ++i) body[i] = static_cast<char>('a' + i % 26);
  }
  std::string response =
      "HTTP/1.1 " + std::to_string(status_) +
      " Recorded\r\nContent-Type: text/plain\r\nContent-Length: " + std::to_string(body.size()) +
      "\r\nConnection: close\r\n\r\n" + body;
  size_t end = stall_mid_body_ ? response.size() - body.size() / 2 : response.size();
  size_t sent = 0;
  while (sent < end) {
    ssize_t n = ::send(fd, response.data() + sent, end - sent, MSG_NOSIGNAL);
    if (n <= 0) break;
    sent += static_cast<size_t>(n);
  }
  if (stall_mid_body_) hold();
}

}  // namespace asterai::test
