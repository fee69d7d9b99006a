// Registry bearer tokens: verify() must never crash, and no token verifies unless it is
// byte-identical to one the service issued, whether it is random bytes, an issued token with
// bytes changed, or a token assembled from chosen header, claims and signature parts.
// Written against the public issue/verify API only, so it holds for any signing scheme.
#include <fuzzer/FuzzedDataProvider.h>
#include <sodium.h>

#include <cstdlib>
#include <set>
#include <string>

#include "asterai/registry/auth/token.h"
#include "auth/base64url.h"

namespace {

using asterai::registry::base64url;

using asterai::registry::Access;
using asterai::registry::TokenService;

class FixedClock final : public asterai::registry::Clock {
 public:
  int64_t now_unix() const override { return 1'800'000'000; }
};

struct Issued {
  FixedClock clock;
  TokenService service{std::vector<unsigned char>(32, 0x5a), "asterai-registry", clock, 3600};
  std::vector<std::string> tokens;
  std::set<std::string, std::less<>> set;

  Issued() {
    tokens.push_back(service.issue("", {}));
    tokens.push_back(
        service.issue("alice", {Access{"repository", "alice/tool", {"pull", "push"}}}));
    tokens.push_back(service.issue("bob", {Access{"registry", "catalog", {"*"}}}));
    set.insert(tokens.begin(), tokens.end());
    // The property below means nothing if the service's own tokens did not verify.
    for (const auto& t : tokens)
      if (!service.verify(t)) std::abort();
  }
};

// An issued token with a few bytes replaced, inserted or removed.
std::string mutate_issued(const Issued& issued, FuzzedDataProvider& in) {
  std::string token = issued.tokens[in.ConsumeIntegralInRange<size_t>(0, issued.tokens.size() - 1)];
  int edits = in.ConsumeIntegralInRange(1, 8);
  for (int i = 0; i < edits && !token.empty(); ++i) {
    size_t at = in.ConsumeIntegralInRange<size_t>(0, token.size() - 1);
    char c = in.ConsumeIntegral<char>();
    switch (in.ConsumeIntegralInRange(0, 2)) {
      case 0:
        token[at] = c;
        break;
      case 1:
        token.insert(token.begin() + static_cast<std::ptrdiff_t>(at), c);
        break;
      default:
        token.erase(at, 1);
    }
  }
  return token;
}

// header.claims.signature from chosen texts, each base64url-encoded.
std::string assembled(FuzzedDataProvider& in) {
  std::string header = in.ConsumeRandomLengthString(256);
  std::string claims = in.ConsumeRandomLengthString(1024);
  std::string signature = in.ConsumeRemainingBytesAsString();
  return base64url(header) + "." + base64url(claims) + "." + base64url(signature);
}

// Issued tokens carry random ids: a fixed byte stream makes them, and so every input's
// outcome, the same in every process (a crash input replays).
uint32_t fixed_random() {
  static uint32_t state = 0x9e3779b9;
  state ^= state << 13;
  state ^= state >> 17;
  state ^= state << 5;
  return state;
}
void fixed_buf(void* buf, size_t size) {
  for (size_t i = 0; i < size; ++i) static_cast<uint8_t*>(buf)[i] = fixed_random() & 0xff;
}
const char* fixed_name() {
  return "fixed";
}
randombytes_implementation fixed_randombytes = {fixed_name, fixed_random, nullptr,
                                                nullptr,    fixed_buf,    nullptr};

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  randombytes_set_implementation(&fixed_randombytes);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const Issued issued;
  FuzzedDataProvider in(data, size);
  std::string token;
  switch (in.ConsumeIntegralInRange(0, 2)) {
    case 0:
      token = in.ConsumeRemainingBytesAsString();
      break;
    case 1:
      token = mutate_issued(issued, in);
      break;
    default:
      token = assembled(in);
  }
  auto claims = issued.service.verify(token);
  if (claims && !issued.set.contains(token)) {
    std::fprintf(stderr, "a token the service never issued verified: %s\n", token.c_str());
    std::abort();
  }
  return 0;
}
