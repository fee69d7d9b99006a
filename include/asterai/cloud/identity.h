// Who is calling a node: a registry user, by the registry's own credentials. A bearer token
// from the registry's token endpoint is verified on the node with the registry's public key
// (EdDSA; fetched once from GET /token/keys), so no request reaches the registry. Basic
// credentials (user + API key) are exchanged for such a token once and the answer is kept
// for a minute (keyed by a hash of the credentials, never the credentials), so a client that
// sends Basic on every request costs the registry one request a minute; a verified bearer
// token is kept the same way, so its signature is checked once a minute, not per request.
// Near the end of that minute one request proves the header again while the others go on
// with what was proved: were it forgotten at once, every connection sending it would ask the
// registry together, each request waiting for the answer.
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "asterai/cloud/refresh_claim.h"
#include "asterai/common/error.h"
#include "asterai/common/sha256.h"

namespace asterai::cloud {

struct VerifiedToken {
  std::string subject;  // the user; empty for an anonymous token
  int64_t expires_at = 0;
};

// Verifies a bearer token locally; unauthorized on any failure.
using TokenCheck = std::function<Result<VerifiedToken>(std::string_view token)>;
// Asks the registry's token endpoint for a token with these Basic credentials (the header
// value "Basic …"); unauthorized when the registry refuses them.
using BasicExchange = std::function<Result<std::string>(std::string_view basic)>;

class Identity {
 public:
  // What a header proved is kept for `remember` (less when its token expires sooner).
  Identity(TokenCheck check, BasicExchange exchange,
           std::chrono::milliseconds remember = std::chrono::seconds(60));
  // The tenant (registry user) an Authorization header value names; unauthorized when it is
  // missing, malformed, forged, expired or anonymous.
  Result<std::string> tenant(std::string_view authorization);
  // The tenant of a header this node proved within the last minute (and before its token
  // expires), or nullopt: then tenant() must verify it. Never blocks, so a request's event
  // loop may ask. In the last sixth of that time one caller (every few seconds) is told
  // nullopt, so that its tenant() proves the header again; the others get the tenant.
  std::optional<std::string> remembered(std::string_view authorization);

 private:
  using Clock = std::chrono::steady_clock;
  struct Known {
    std::string subject;
    Clock::time_point refresh_at;  // from then on, prove it again
    Clock::time_point until;       // from then on, forgotten
    RefreshClaim refresh;
  };
  // The entry of `key` while it counts; one whose time is out is erased. Under mutex_.
  Known* live_locked(const Sha256& key, Clock::time_point now);
  // What `key` proved (its subject), and whether it is time to prove it again; nullopt when
  // nothing is known (any more).
  std::optional<std::pair<std::string, bool>> known(const Sha256& key);
  // Verifies the header (a signature check, or a Basic exchange and one) and remembers it.
  Result<std::string> prove(std::string_view authorization, const Sha256& key);
  void remember(const Sha256& key, const VerifiedToken& verified);
  void forget(const Sha256& key);

  TokenCheck check_;
  BasicExchange exchange_;
  std::chrono::milliseconds remember_;
  std::mutex mutex_;
  // SHA-256 of the header (Basic or Bearer) -> what it proved: a signature check costs far
  // more than the hash, and a Basic exchange is a request to the registry.
  std::map<Sha256, Known> known_;
};

// The checks of a node that trusts `registry` (http(s)://HOST:PORT): its public keys from
// GET /token/keys, its token endpoint for Basic credentials.
Result<TokenCheck> registry_token_check(const std::string& registry_url);
BasicExchange registry_basic_exchange(const std::string& registry_url);

}  // namespace asterai::cloud
