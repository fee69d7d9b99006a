// sha256 content digests ("sha256:<hex>") as the OCI specs write them, and a streaming
// hasher for downloads. asterai writes and stores sha256 only.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>

namespace asterai::oci {

// "sha256:" + 64 lower-case hex digits.
bool is_valid_digest(std::string_view digest);
// The hex part of a valid digest.
std::string_view digest_hex(std::string_view digest);
std::string sha256_digest(std::span<const uint8_t> bytes);
std::string sha256_digest(std::string_view bytes);

// Incremental sha256 over a byte stream (owns an OpenSSL context).
class Sha256Stream {
 public:
  Sha256Stream();
  ~Sha256Stream();
  Sha256Stream(Sha256Stream&&) noexcept;
  Sha256Stream& operator=(Sha256Stream&&) noexcept;
  void update(std::span<const uint8_t> bytes);
  // "sha256:<hex>"; ends the stream.
  std::string finish();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace asterai::oci
