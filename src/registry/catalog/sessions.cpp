#include "asterai/registry/catalog/sessions.h"

#include <sodium.h>

#include <algorithm>

#include "asterai/common/random_hex.h"

namespace asterai::registry::catalog {
namespace {

std::string key_of(const std::string& cookie) {
  unsigned char hash[crypto_generichash_BYTES];
  crypto_generichash(hash, sizeof hash, reinterpret_cast<const unsigned char*>(cookie.data()),
                     cookie.size(), nullptr, 0);
  return std::string(reinterpret_cast<char*>(hash), sizeof hash);
}

}  // namespace

Sessions::Sessions(const Clock& clock, int64_t ttl_seconds, size_t max)
    : clock_(clock), ttl_(ttl_seconds), max_(max) {}

std::string Sessions::create(const std::string& user) {
  std::string cookie = random_hex(32);
  int64_t now = clock_.now_unix();
  std::lock_guard lock(mutex_);
  std::erase_if(sessions_, [&](const auto& s) { return s.second.expires_unix <= now; });
  if (sessions_.size() >= max_) {
    auto oldest = std::min_element(sessions_.begin(), sessions_.end(), [](auto& a, auto& b) {
      return a.second.expires_unix < b.second.expires_unix;
    });
    sessions_.erase(oldest);
  }
  sessions_[key_of(cookie)] = Session{user, random_hex(16), now + ttl_};
  return cookie;
}

std::optional<Session> Sessions::find(const std::string& cookie) const {
  if (cookie.size() != 64) return std::nullopt;
  std::lock_guard lock(mutex_);
  auto it = sessions_.find(key_of(cookie));
  if (it == sessions_.end() || it->second.expires_unix <= clock_.now_unix()) return std::nullopt;
  return it->second;
}

void Sessions::end(const std::string& cookie) {
  std::lock_guard lock(mutex_);
  sessions_.erase(key_of(cookie));
}

}  // namespace asterai::registry::catalog
