#include "asterai/env/secret_store.h"

#include <fcntl.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <nlohmann/json.hpp>

#include "asterai/common/files.h"
#include "asterai/env/document.h"
#include "asterai/oci/credentials.h"

namespace asterai::env {
namespace fs = std::filesystem;
namespace {

constexpr size_t kKeyBytes = crypto_aead_xchacha20poly1305_ietf_KEYBYTES;
constexpr size_t kNonceBytes = crypto_aead_xchacha20poly1305_ietf_NPUBBYTES;

Result<std::vector<unsigned char>> key_from_hex(std::string_view hex, const std::string& where) {
  std::vector<unsigned char> key(kKeyBytes);
  size_t len = 0;
  if (hex.size() != kKeyBytes * 2 ||
      sodium_hex2bin(key.data(), key.size(), hex.data(), hex.size(), nullptr, &len, nullptr) != 0 ||
      len != kKeyBytes)
    return make_error(ErrorKind::invalid_input,
                      where + " must hold " + std::to_string(kKeyBytes * 2) + " hex digits (a " +
                          std::to_string(kKeyBytes * 8) + "-bit key)");
  return key;
}

Result<std::vector<unsigned char>> load_key(const fs::path& folder, bool create) {
  if (const char* env = std::getenv("ASTERAI_SECRET_KEY"); env && *env)
    return key_from_hex(env, "ASTERAI_SECRET_KEY");
  fs::path file = folder / "key";
  struct stat st{};
  if (::stat(file.c_str(), &st) == 0) {
    if ((st.st_mode & 077) != 0)
      return make_error(ErrorKind::denied, "the secret key file " + file.string() +
                                               " is readable by others; run chmod 600 on it");
    auto bytes = ASTERAI_TRY(read_file(file));
    std::string text(bytes.begin(), bytes.end());
    while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
    return key_from_hex(text, "the secret key file " + file.string());
  }
  if (!create)
    return make_error(ErrorKind::not_found,
                      "no secret key yet (set ASTERAI_SECRET_KEY or run `asterai env secret set`)");
  std::error_code ec;
  fs::create_directories(folder, ec);
  ::chmod(folder.c_str(), 0700);
  std::vector<unsigned char> key(kKeyBytes);
  crypto_aead_xchacha20poly1305_ietf_keygen(key.data());
  std::string hex(kKeyBytes * 2 + 1, '\0');
  sodium_bin2hex(hex.data(), hex.size(), key.data(), key.size());
  hex.back() = '\n';
  // O_EXCL: when another process created the key first, use theirs.
  int fd = ::open(file.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) {
    if (errno == EEXIST) return load_key(folder, false);
    return make_error(ErrorKind::io, "cannot create the secret key file " + file.string() + ": " +
                                         std::strerror(errno));
  }
  bool ok =
      ::write(fd, hex.data(), hex.size()) == static_cast<ssize_t>(hex.size()) && ::fsync(fd) == 0;
  ::close(fd);
  sodium_memzero(hex.data(), hex.size());
  if (!ok) {
    fs::remove(file, ec);
    return make_error(ErrorKind::io, "cannot write the secret key file " + file.string());
  }
  return key;
}

}  // namespace

fs::path SecretStore::default_folder() {
  return oci::asterai_home() / "secrets";
}

SecretStore::SecretStore(fs::path file, std::vector<unsigned char> key)
    : file_(std::move(file)), key_(std::move(key)) {}

SecretStore::SecretStore(SecretStore&& o) noexcept
    : file_(std::move(o.file_)), key_(std::move(o.key_)), sealed_(std::move(o.sealed_)) {}

SecretStore::~SecretStore() {
  if (!key_.empty()) sodium_memzero(key_.data(), key_.size());
}

Result<SecretStore> SecretStore::open(const fs::path& folder, bool create_key) {
  if (sodium_init() < 0) return make_error(ErrorKind::internal, "libsodium failed to initialise");
  SecretStore store(folder / "secrets.json", ASTERAI_TRY(load_key(folder, create_key)));
  std::error_code ec;
  if (!fs::exists(store.file_, ec)) return store;
  auto bytes = ASTERAI_TRY(read_file(store.file_));
  auto j = nlohmann::json::parse(bytes.begin(), bytes.end(), nullptr, false);
  if (!j.is_object() || !j.contains("secrets") || !j["secrets"].is_object())
    return make_error(ErrorKind::invalid_input,
                      "the secret store " + store.file_.string() + " is damaged (not JSON)");
  for (const auto& [name, sealed] : j["secrets"].items())
    if (sealed.is_string()) store.sealed_[name] = sealed.get<std::string>();
  return store;
}

std::vector<std::string> SecretStore::names() const {
  std::vector<std::string> out;
  for (const auto& [name, _] : sealed_) out.push_back(name);
  return out;
}

Result<std::string> SecretStore::get(const std::string& name) const {
  auto it = sealed_.find(name);
  if (it == sealed_.end())
    return make_error(ErrorKind::not_found,
                      "secret " + name + " is not set (run `asterai env secret set " + name + "`)");
  std::vector<unsigned char> raw(it->second.size());
  size_t len = 0;
  if (sodium_base642bin(raw.data(), raw.size(), it->second.data(), it->second.size(), nullptr, &len,
                        nullptr, sodium_base64_VARIANT_ORIGINAL) != 0 ||
      len < kNonceBytes + crypto_aead_xchacha20poly1305_ietf_ABYTES)
    return make_error(ErrorKind::invalid_input, "secret " + name + " is damaged in the store");
  std::string value(len - kNonceBytes - crypto_aead_xchacha20poly1305_ietf_ABYTES, '\0');
  unsigned long long out_len = 0;
  if (crypto_aead_xchacha20poly1305_ietf_decrypt(
          reinterpret_cast<unsigned char*>(value.data()), &out_len, nullptr,
          raw.data() + kNonceBytes, len - kNonceBytes,
          reinterpret_cast<const unsigned char*>(name.data()), name.size(), raw.data(),
          key_.data()) != 0)
    return make_error(ErrorKind::denied, "secret " + name +
                                             " cannot be decrypted with this key (another "
                                             "ASTERAI_SECRET_KEY or key file?)");
  value.resize(out_len);
  return value;
}

Result<void> SecretStore::set(const std::string& name, const std::string& value) {
  if (!is_valid_var_name(name))
    return make_error(ErrorKind::usage,
                      "bad secret name \"" + name + "\" (use [A-Za-z_][A-Za-z0-9_]*)");
  if (value.size() > kMaxSecretBytes)
    return make_error(ErrorKind::too_large, "secret " + name + " is larger than 64 KiB");
  std::vector<unsigned char> raw(kNonceBytes + value.size() +
                                 crypto_aead_xchacha20poly1305_ietf_ABYTES);
  randombytes_buf(raw.data(), kNonceBytes);
  unsigned long long clen = 0;
  crypto_aead_xchacha20poly1305_ietf_encrypt(
      raw.data() + kNonceBytes, &clen, reinterpret_cast<const unsigned char*>(value.data()),
      value.size(), reinterpret_cast<const unsigned char*>(name.data()), name.size(), nullptr,
      raw.data(), key_.data());
  std::string b64(sodium_base64_ENCODED_LEN(raw.size(), sodium_base64_VARIANT_ORIGINAL), '\0');
  sodium_bin2base64(b64.data(), b64.size(), raw.data(), raw.size(), sodium_base64_VARIANT_ORIGINAL);
  b64.resize(std::strlen(b64.c_str()));
  auto previous = sealed_;
  sealed_[name] = b64;
  if (auto saved = save(); !saved) {
    sealed_ = std::move(previous);
    return saved;
  }
  return {};
}

Result<void> SecretStore::remove(const std::string& name) {
  if (!sealed_.erase(name))
    return make_error(ErrorKind::not_found, "secret " + name + " is not set");
  return save();
}

Result<void> SecretStore::save() const {
  std::error_code ec;
  fs::create_directories(file_.parent_path(), ec);
  nlohmann::json j = {{"version", 1}, {"cipher", "xchacha20poly1305-ietf"}, {"secrets", sealed_}};
  std::string text = j.dump(2) + "\n";
  ASTERAI_TRY(write_file_atomic(
      file_, std::span(reinterpret_cast<const uint8_t*>(text.data()), text.size())));
  ::chmod(file_.c_str(), 0600);
  return {};
}

}  // namespace asterai::env
