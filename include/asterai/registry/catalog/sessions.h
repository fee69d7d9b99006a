// Logins to the web catalog: a user signs in once with their name and API key and gets a
// session cookie. Sessions live in this process's memory (a restart signs everyone out),
// hold no key, expire after `ttl`, and are bounded in number (the oldest goes first).
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>

#include "asterai/registry/clock.h"

namespace asterai::registry::catalog {

struct Session {
  std::string user;
  std::string csrf;  // the token every form of this session must send back
  int64_t expires_unix = 0;
};

class Sessions {
 public:
  explicit Sessions(const Clock& clock, int64_t ttl_seconds = 8 * 3600, size_t max = 10000);

  // A new session for `user`; returns the cookie value (random, 256 bits).
  std::string create(const std::string& user);
  // The session a cookie value names, unless it expired.
  std::optional<Session> find(const std::string& cookie) const;
  void end(const std::string& cookie);

 private:
  const Clock& clock_;
  int64_t ttl_;
  size_t max_;
  mutable std::mutex mutex_;
  // Keyed by a hash of the cookie, so a memory dump does not hand out live cookies.
  std::map<std::string, Session> sessions_;
};

}  // namespace asterai::registry::catalog
