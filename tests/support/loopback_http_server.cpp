#include "loopback_http_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

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
    handle(fd);
    ::close(fd);
  }
}

// Reads one request head (bounded in size and time), records it, answers, and closes.
void LoopbackHttpServer::handle(int fd) {
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
  std::string line = head.substr(0, line_end);
  // "GET /path HTTP/1.1" -> "GET /path"
  auto last_space = line.rfind(' ');
  if (last_space != std::string::npos && last_space > line.find(' ')) line.resize(last_space);
  {
    std::lock_guard lock(mutex_);
    requests_.push_back(line);
  }
  std::string body = "recorded\n";
  std::string response =
      "HTTP/1.1 " + std::to_string(status_) +
      " Recorded\r\nContent-Type: text/plain\r\nContent-Length: " + std::to_string(body.size()) +
      "\r\nConnection: close\r\n\r\n" + body;
  size_t sent = 0;
  while (sent < response.size()) {
    ssize_t n = ::send(fd, response.data() + sent, response.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) break;
    sent += static_cast<size_t>(n);
  }
}

}  // namespace asterai::test
