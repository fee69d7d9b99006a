#include "asterai/env/secret_box.h"

#include <sodium.h>
#include <sys/stat.h>

#include <cstring>

#include "asterai/common/files.h"

namespace asterai::env {
namespace {

constexpr size_t kNonceBytes = crypto_aead_xchacha20poly1305_ietf_NPUBBYTES;
constexpr size_t kTagBytes = crypto_aead_xchacha20poly1305_ietf_ABYTES;
static_assert(SecretBox::kKeyBytes == crypto_aead_xchacha20poly1305_ietf_KEYBYTES);

const unsigned char* bytes(std::string_view s) {
  return reinterpret_cast<const unsigned char*>(s.data());
}

Result<void> init_sodium() {
  if (sodium_init() < 0) return make_error(ErrorKind::internal, "libsodium failed to initialise");
  return {};
}

}  // namespace

Result<SecretBox> SecretBox::from_hex(std::string_view hex, const std::string& where) {
  ASTERAI_TRY(init_sodium());
  std::vector<unsigned char> key(kKeyBytes);
  size_t len = 0;
  if (hex.size() != kKeyBytes * 2 ||
      sodium_hex2bin(key.data(), key.size(), hex.data(), hex.size(), nullptr, &len, nullptr) != 0 ||
      len != kKeyBytes)
    return make_error(ErrorKind::invalid_input,
                      where + " must hold " + std::to_string(kKeyBytes * 2) + " hex digits (a " +
                          std::to_string(kKeyBytes * 8) + "-bit key)");
  return SecretBox(std::move(key));
}

Result<SecretBox> SecretBox::from_key_file(const std::filesystem::path& path) {
  struct stat st{};
  if (::stat(path.c_str(), &st) != 0)
    return make_error(ErrorKind::not_found, "the key file " + path.string() + " does not exist");
  if ((st.st_mode & 077) != 0)
    return make_error(ErrorKind::denied, "the key file " + path.string() +
                                             " is readable by others; run chmod 600 on it");
  auto raw = ASTERAI_TRY(read_file(path));
  std::string text(raw.begin(), raw.end());
  sodium_memzero(raw.data(), raw.size());
  size_t from = text.find_first_not_of(" \t\r\n");
  size_t to = text.find_last_not_of(" \t\r\n");
  auto box =
      from_hex(from == std::string::npos ? "" : std::string_view(text).substr(from, to - from + 1),
               "the key file " + path.string());
  sodium_memzero(text.data(), text.size());
  return box;
}

Result<SecretBox> SecretBox::generate(std::string* hex_out) {
  ASTERAI_TRY(init_sodium());
  std::vector<unsigned char> key(kKeyBytes);
  crypto_aead_xchacha20poly1305_ietf_keygen(key.data());
  if (hex_out) {
    std::string hex(kKeyBytes * 2 + 1, '\0');
    sodium_bin2hex(hex.data(), hex.size(), key.data(), key.size());
    hex.pop_back();
    *hex_out = std::move(hex);
  }
  return SecretBox(std::move(key));
}

std::string SecretBox::seal(std::string_view value, std::string_view context) const {
  std::vector<unsigned char> raw(kNonceBytes + value.size() + kTagBytes);
  randombytes_buf(raw.data(), kNonceBytes);
  unsigned long long sealed_len = 0;
  crypto_aead_xchacha20poly1305_ietf_encrypt(raw.data() + kNonceBytes, &sealed_len, bytes(value),
                                             value.size(), bytes(context), context.size(), nullptr,
                                             raw.data(), key_.data());
  std::string b64(sodium_base64_ENCODED_LEN(raw.size(), sodium_base64_VARIANT_ORIGINAL), '\0');
  sodium_bin2base64(b64.data(), b64.size(), raw.data(), raw.size(), sodium_base64_VARIANT_ORIGINAL);
  b64.resize(std::strlen(b64.c_str()));
  return b64;
}

Result<std::string> SecretBox::open(std::string_view sealed, std::string_view context,
                                    const std::string& what) const {
  std::vector<unsigned char> raw(sealed.size());
  size_t len = 0;
  if (sodium_base642bin(raw.data(), raw.size(), sealed.data(), sealed.size(), nullptr, &len,
                        nullptr, sodium_base64_VARIANT_ORIGINAL) != 0 ||
      len < kNonceBytes + kTagBytes)
    return make_error(ErrorKind::invalid_input, what + " is damaged in the store");
  std::string value(len - kNonceBytes - kTagBytes, '\0');
  unsigned long long out_len = 0;
  if (crypto_aead_xchacha20poly1305_ietf_decrypt(reinterpret_cast<unsigned char*>(value.data()),
                                                 &out_len, nullptr, raw.data() + kNonceBytes,
                                                 len - kNonceBytes, bytes(context), context.size(),
                                                 raw.data(), key_.data()) != 0)
    return make_error(ErrorKind::denied, what + " cannot be decrypted with this key");
  value.resize(out_len);
  return value;
}

SecretBox::SecretBox(SecretBox&& o) noexcept : key_(std::move(o.key_)) {}

SecretBox::~SecretBox() {
  if (!key_.empty()) sodium_memzero(key_.data(), key_.size());
}

}  // namespace asterai::env
