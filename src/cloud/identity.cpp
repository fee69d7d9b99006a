#include "asterai/cloud/identity.h"

#include "asterai/common/sha256.h"

namespace asterai::cloud {
namespace {

constexpr size_t kMaxRemembered = 10000;
constexpr auto kRemember = std::chrono::seconds(60);

tl::unexpected<Error> refused(std::string why) {
  return make_error(ErrorKind::unauthorized, std::move(why));
}

Sha256 key_of(std::string_view header) {
  return sha256(std::span(reinterpret_cast<const uint8_t*>(header.data()), header.size()));
}

}  // namespace

Identity::Identity(TokenCheck check, BasicExchange exchange)
    : check_(std::move(check)), exchange_(std::move(exchange)) {}

Result<std::string> Identity::tenant(std::string_view authorization) {
  if (authorization.empty())
    return refused("credentials are required: Authorization: Bearer TOKEN or Basic USER:KEY");
  if (auto subject = remembered(authorization)) return *subject;
  if (authorization.starts_with("Bearer ")) {
    auto token = ASTERAI_TRY(check_(authorization.substr(7)));
    if (token.subject.empty()) return refused("an anonymous token names no tenant");
    remember(key_of(authorization), token);
    return token.subject;
  }
  if (authorization.starts_with("Basic ")) return from_basic(authorization);
  return refused("unsupported Authorization scheme: use Bearer or Basic");
}

std::optional<std::string> Identity::remembered(std::string_view authorization) {
  if (authorization.empty()) return std::nullopt;
  Sha256 key = key_of(authorization);
  auto now = std::chrono::steady_clock::now();
  std::lock_guard lock(mutex_);
  auto it = known_.find(key);
  if (it == known_.end()) return std::nullopt;
  if (it->second.until > now) return it->second.subject;
  known_.erase(it);
  return std::nullopt;
}

Result<std::string> Identity::from_basic(std::string_view header) {
  auto token = ASTERAI_TRY(exchange_(header));
  auto verified = ASTERAI_TRY(check_(token));
  if (verified.subject.empty()) return refused("the registry did not accept these credentials");
  remember(key_of(header), verified);
  return verified.subject;
}

// Kept for a minute, and never past the token's expiry.
void Identity::remember(const Sha256& key, const VerifiedToken& verified) {
  auto now = std::chrono::steady_clock::now();
  auto until = now + kRemember;
  auto left = std::chrono::system_clock::from_time_t(verified.expires_at) -
              std::chrono::system_clock::now();
  if (left < kRemember) until = now + std::chrono::duration_cast<std::chrono::seconds>(left);
  if (until <= now) return;
  std::lock_guard lock(mutex_);
  if (known_.size() >= kMaxRemembered) known_.clear();
  known_[key] = Known{verified.subject, until};
}

}  // namespace asterai::cloud
