#include "asterai/cloud/identity.h"

#include "asterai/common/sha256.h"

namespace asterai::cloud {
namespace {

constexpr size_t kMaxRemembered = 10000;
// A caller told to prove a header again that never did (its request failed first) holds the
// others back from it for this long.
constexpr auto kProveAgainEvery = std::chrono::seconds(5);

tl::unexpected<Error> refused(std::string why) {
  return make_error(ErrorKind::unauthorized, std::move(why));
}

Sha256 key_of(std::string_view header) {
  return sha256(std::span(reinterpret_cast<const uint8_t*>(header.data()), header.size()));
}

}  // namespace

Identity::Identity(TokenCheck check, BasicExchange exchange, std::chrono::milliseconds remember)
    : check_(std::move(check)), exchange_(std::move(exchange)), remember_(remember) {}

Result<std::string> Identity::tenant(std::string_view authorization) {
  if (authorization.empty())
    return refused("credentials are required: Authorization: Bearer TOKEN or Basic USER:KEY");
  Sha256 key = key_of(authorization);
  auto was = known(key);
  if (was && !was->second) return was->first;
  auto proved = prove(authorization, key);
  if (proved || !was) return proved;
  // Proving it again failed while the header still counts as proved. Credentials refused
  // now (a key revoked) are forgotten at once; any other failure (the registry out of reach)
  // leaves the header proved until its time runs out.
  if (proved.error().kind != ErrorKind::unauthorized) return was->first;
  forget(key);
  return proved;
}

Result<std::string> Identity::prove(std::string_view authorization, const Sha256& key) {
  std::string token;
  if (authorization.starts_with("Bearer ")) {
    token = std::string(authorization.substr(7));
  } else if (authorization.starts_with("Basic ")) {
    token = ASTERAI_TRY(exchange_(authorization));
  } else {
    return refused("unsupported Authorization scheme: use Bearer or Basic");
  }
  auto verified = ASTERAI_TRY(check_(token));
  if (verified.subject.empty())
    return refused(authorization.starts_with("Bearer ")
                       ? "an anonymous token names no tenant"
                       : "the registry did not accept these credentials");
  remember(key, verified);
  return verified.subject;
}

Identity::Known* Identity::live_locked(const Sha256& key, Clock::time_point now) {
  auto it = known_.find(key);
  if (it == known_.end()) return nullptr;
  if (it->second.until > now) return &it->second;
  known_.erase(it);
  return nullptr;
}

std::optional<std::pair<std::string, bool>> Identity::known(const Sha256& key) {
  auto now = Clock::now();
  std::lock_guard lock(mutex_);
  Known* k = live_locked(key, now);
  if (!k) return std::nullopt;
  return std::pair{k->subject, k->refresh_at <= now};
}

std::optional<std::string> Identity::remembered(std::string_view authorization) {
  if (authorization.empty()) return std::nullopt;
  Sha256 key = key_of(authorization);
  auto now = Clock::now();
  std::lock_guard lock(mutex_);
  Known* k = live_locked(key, now);
  if (!k) return std::nullopt;
  if (k->refresh_at <= now && k->refresh.claim(now, kProveAgainEvery)) return std::nullopt;
  return k->subject;
}

// Kept for `remember_`, and never past the token's expiry; proved again in the last sixth.
void Identity::remember(const Sha256& key, const VerifiedToken& verified) {
  auto now = std::chrono::steady_clock::now();
  auto until = now + remember_;
  auto left = std::chrono::system_clock::from_time_t(verified.expires_at) -
              std::chrono::system_clock::now();
  if (left < remember_) until = now + std::chrono::duration_cast<std::chrono::seconds>(left);
  if (until <= now) return;
  auto refresh_at = until - (until - now) / 6;
  std::lock_guard lock(mutex_);
  if (known_.size() >= kMaxRemembered) known_.clear();
  known_[key] = Known{verified.subject, refresh_at, until, {}};
}

void Identity::forget(const Sha256& key) {
  std::lock_guard lock(mutex_);
  known_.erase(key);
}

}  // namespace asterai::cloud
