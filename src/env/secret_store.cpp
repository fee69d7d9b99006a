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

Result<SecretBox> load_key(const fs::path& folder, bool create) {
  if (const char* env = std::getenv("ASTERAI_SECRET_KEY"); env && *env)
    return SecretBox::from_hex(env, "ASTERAI_SECRET_KEY");
  fs::path file = folder / "key";
  std::error_code ec;
  if (fs::exists(file, ec)) return SecretBox::from_key_file(file);
  if (!create)
    return make_error(ErrorKind::not_found,
                      "no secret key yet (set ASTERAI_SECRET_KEY or run `asterai env secret set`)");
  fs::create_directories(folder, ec);
  ::chmod(folder.c_str(), 0700);
  std::string hex;
  auto box = ASTERAI_TRY(SecretBox::generate(&hex));
  hex += '\n';
  // O_EXCL: when another process created the key first, use theirs.
  int fd = ::open(file.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) {
    sodium_memzero(hex.data(), hex.size());
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
  return box;
}

}  // namespace

fs::path SecretStore::default_folder() {
  return oci::asterai_home() / "secrets";
}

SecretStore::SecretStore(fs::path file, SecretBox box)
    : file_(std::move(file)), box_(std::move(box)) {}

SecretStore::SecretStore(SecretStore&& o) noexcept
    : file_(std::move(o.file_)), box_(std::move(o.box_)), sealed_(std::move(o.sealed_)) {}

SecretStore::~SecretStore() = default;

Result<SecretStore> SecretStore::open(const fs::path& folder, bool create_key) {
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
  auto value = box_.open(it->second, name, "secret " + name);
  if (!value && value.error().kind == ErrorKind::denied)
    return make_error(ErrorKind::denied,
                      value.error().message + " (another ASTERAI_SECRET_KEY or key file?)");
  return value;
}

Result<void> SecretStore::set(const std::string& name, const std::string& value) {
  if (!is_valid_var_name(name))
    return make_error(ErrorKind::usage,
                      "bad secret name \"" + name + "\" (use [A-Za-z_][A-Za-z0-9_]*)");
  if (value.size() > kMaxSecretBytes)
    return make_error(ErrorKind::too_large, "secret " + name + " is larger than 64 KiB");
  auto previous = sealed_;
  sealed_[name] = box_.seal(value, name);
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
