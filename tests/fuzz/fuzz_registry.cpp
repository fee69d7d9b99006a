#include "fuzz_registry.h"

#include <sodium.h>
#include <stdlib.h>

#include <cstdio>
#include <cstring>

namespace asterai::fuzz {
namespace {

class FixedClock final : public registry::Clock {
 public:
  int64_t now_unix() const override { return 1'800'000'000; }
};

[[noreturn]] void setup_failed(const std::string& why) {
  std::fprintf(stderr, "fuzz set-up failed: %s\n", why.c_str());
  std::abort();
}

std::unique_ptr<FuzzRegistry> open_registry(bool auth) {
  static const FixedClock clock;
  auto out = std::make_unique<FuzzRegistry>();
  // On tmpfs when there is one: the registry syncs every commit, which on a disk costs
  // milliseconds per request.
  std::error_code ec;
  auto base = std::filesystem::is_directory("/dev/shm", ec)
                  ? std::filesystem::path("/dev/shm")
                  : std::filesystem::temp_directory_path();
  std::string dir = (base / "asterai-fuzz-XXXXXX").string();
  if (!mkdtemp(dir.data())) setup_failed("cannot make a temp dir");
  out->root = dir;
  registry::RegistryConfig config;
  config.root = dir;
  config.auth = auth;
  auto opened = registry::Registry::open(config, clock);
  if (!opened) setup_failed(opened.error().message);
  out->registry = std::move(*opened);
  auto& creds = out->registry->credentials();
  if (!creds.create_user("alice", false)) setup_failed("cannot create a user");
  auto key = creds.issue_key("alice", "fuzz");
  if (!key) setup_failed(key.error().message);
  out->bearer =
      "Bearer " + out->registry->tokens().issue(
                      "alice", {registry::Access{"repository", "alice/tool", {"pull", "push"}}});
  std::string user_pass = "alice:" + key->secret;
  std::string encoded(sodium_base64_encoded_len(user_pass.size(), sodium_base64_VARIANT_ORIGINAL),
                      '\0');
  sodium_bin2base64(encoded.data(), encoded.size(),
                    reinterpret_cast<const unsigned char*>(user_pass.data()), user_pass.size(),
                    sodium_base64_VARIANT_ORIGINAL);
  out->basic = "Basic " + std::string(encoded.c_str());
  return out;
}

}  // namespace

FuzzRegistry::~FuzzRegistry() {
  registry.reset();
  std::error_code ec;
  std::filesystem::remove_all(root, ec);
}

FuzzRegistry& fuzz_registry(bool auth) {
  static std::unique_ptr<FuzzRegistry> opened = open_registry(auth);
  return *opened;
}

registry::BodySource body_of(const std::string& bytes, size_t piece) {
  auto offset = std::make_shared<size_t>(0);
  return [&bytes, piece, offset](std::span<char> out) -> Result<size_t> {
    size_t n = std::min({out.size(), piece, bytes.size() - *offset});
    std::memcpy(out.data(), bytes.data() + *offset, n);
    *offset += n;
    return n;
  };
}

}  // namespace asterai::fuzz
