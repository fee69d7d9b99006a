#include "asterai/oci/credentials.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <nlohmann/json.hpp>
#include <random>

#include "asterai/common/files.h"
#include "asterai/common/process.h"

namespace asterai::oci {
namespace fs = std::filesystem;
using nlohmann::json;

namespace {

// Docker keys auths by "host", "https://host" or "https://host/v1/"; compare hosts only.
std::string host_of_key(std::string key) {
  for (std::string_view scheme : {"https://", "http://"})
    if (key.rfind(scheme, 0) == 0) key = key.substr(scheme.size());
  auto slash = key.find('/');
  if (slash != std::string::npos) key = key.substr(0, slash);
  return key;
}

Result<json> read_json(const fs::path& path) {
  std::error_code ec;
  if (!fs::exists(path, ec)) return json::object();
  auto bytes = ASTERAI_TRY(read_file(path));
  json j = json::parse(bytes.begin(), bytes.end(), nullptr, false);
  if (!j.is_object())
    return make_error(ErrorKind::invalid_input,
                      path.string() + " is not valid JSON; fix or delete it and log in again");
  return j;
}

std::optional<Credentials> from_entry(const json& entry) {
  if (!entry.is_object()) return std::nullopt;
  if (entry.contains("auth") && entry["auth"].is_string()) {
    auto decoded = base64_decode(entry["auth"].get<std::string>());
    if (!decoded) return std::nullopt;
    auto colon = decoded->find(':');
    if (colon == std::string::npos) return std::nullopt;
    return Credentials{decoded->substr(0, colon), decoded->substr(colon + 1)};
  }
  if (entry.contains("username") && entry.contains("password") && entry["username"].is_string() &&
      entry["password"].is_string())
    return Credentials{entry["username"].get<std::string>(), entry["password"].get<std::string>()};
  return std::nullopt;
}

std::optional<Credentials> lookup(const json& config, std::string_view registry) {
  if (!config.contains("auths") || !config["auths"].is_object()) return std::nullopt;
  for (const auto& [key, entry] : config["auths"].items())
    if (host_of_key(key) == registry) return from_entry(entry);
  return std::nullopt;
}

// Helper names become part of a program name looked up on PATH: no slashes, no surprises.
bool valid_helper_name(const std::string& name) {
  if (name.empty() || name.size() > 64) return false;
  for (char c : name)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_' && c != '.')
      return false;
  return true;
}

// Docker's credential-helper protocol: `docker-credential-NAME get` reads the server on stdin
// and prints {"ServerURL","Username","Secret"}; a non-zero exit means it holds nothing for it.
// `required` (a credHelpers entry naming this registry): a helper that cannot run is an error;
// otherwise (the global credsStore) it is skipped like any missing entry.
Result<std::optional<Credentials>> from_helper(const std::string& name, std::string_view registry,
                                               bool required) {
  std::string program = "docker-credential-" + name;
  if (!valid_helper_name(name) || find_on_path(program).empty()) {
    if (!required) return std::optional<Credentials>();
    return make_error(ErrorKind::not_found,
                      "Docker's config.json names the credential helper " + program + " for " +
                          std::string(registry) +
                          ", but it is not on PATH; install it, or remove the credHelpers "
                          "entry and run `asterai login " +
                          std::string(registry) + "`");
  }
  auto ran = run_filter({program, "get"}, registry);
  if (!ran || ran->exit_code != 0) return std::optional<Credentials>();
  json answer = json::parse(ran->output, nullptr, false);
  if (!answer.is_object() || !answer.contains("Username") || !answer.contains("Secret") ||
      !answer["Username"].is_string() || !answer["Secret"].is_string()) {
    return make_error(ErrorKind::invalid_input,
                      program +
                          " get answered something other than the credential-helper JSON "
                          "for " +
                          std::string(registry) + "; check the helper");
  }
  return std::optional<Credentials>(
      Credentials{answer["Username"].get<std::string>(), answer["Secret"].get<std::string>()});
}

// Docker's order: a per-registry credHelpers entry, else the credsStore, else `auths`.
// `source` (when given) is set to the helper program that answered, or left alone.
Result<std::optional<Credentials>> lookup_docker(const json& config, std::string_view registry,
                                                 std::string* source = nullptr) {
  auto answered_by = [&](const std::string& helper) {
    if (source) *source = "docker-credential-" + helper;
  };
  if (config.contains("credHelpers") && config["credHelpers"].is_object()) {
    for (const auto& [key, helper] : config["credHelpers"].items())
      if (host_of_key(key) == registry && helper.is_string()) {
        answered_by(helper.get<std::string>());
        return from_helper(helper.get<std::string>(), registry, true);
      }
  }
  if (config.contains("credsStore") && config["credsStore"].is_string()) {
    auto stored =
        ASTERAI_TRY(from_helper(config["credsStore"].get<std::string>(), registry, false));
    if (stored) {
      answered_by(config["credsStore"].get<std::string>());
      return stored;
    }
  }
  return lookup(config, registry);
}

// Like write_file_atomic, but the file is created 0600 so the secret is never readable by
// others, not even for a moment.
Result<void> write_private(const fs::path& path, const std::string& text) {
  std::error_code ec;
  fs::create_directories(path.parent_path(), ec);
  std::random_device rd;
  fs::path tmp = path.string() + ".tmp." + std::to_string(::getpid()) + "." + std::to_string(rd());
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0)
    return make_error(ErrorKind::io, "cannot write " + path.string() + ": " + std::strerror(errno));
  bool ok = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()) &&
            ::fsync(fd) == 0;
  ok = ::close(fd) == 0 && ok;
  if (!ok || ::rename(tmp.c_str(), path.c_str()) != 0) {
    std::string why = std::strerror(errno);
    fs::remove(tmp, ec);
    return make_error(ErrorKind::io, "cannot write " + path.string() + ": " + why);
  }
  return {};
}

}  // namespace

fs::path asterai_home() {
  if (const char* home = std::getenv("ASTERAI_HOME"); home && *home) return home;
  if (const char* user = std::getenv("HOME"); user && *user) return fs::path(user) / ".asterai";
  return fs::current_path() / ".asterai";
}

CredentialStore::CredentialStore(fs::path file, fs::path docker_config)
    : file_(std::move(file)), docker_config_(std::move(docker_config)) {}

CredentialStore CredentialStore::open_default() {
  fs::path docker;
  if (const char* dc = std::getenv("DOCKER_CONFIG"); dc && *dc)
    docker = fs::path(dc) / "config.json";
  else if (const char* home = std::getenv("HOME"); home && *home)
    docker = fs::path(home) / ".docker" / "config.json";
  return CredentialStore(asterai_home() / "credentials.json", docker);
}

Result<std::optional<Credentials>> CredentialStore::find(std::string_view registry) const {
  if (auto own = lookup(ASTERAI_TRY(read_json(file_)), registry)) return own;
  if (docker_config_.empty()) return std::optional<Credentials>();
  // Docker's file is someone else's: an unreadable one is ignored, not an error.
  auto docker = read_json(docker_config_);
  if (!docker) return std::optional<Credentials>();
  return lookup_docker(*docker, registry);
}

Result<void> CredentialStore::save(std::string_view registry, const Credentials& c) const {
  json config = ASTERAI_TRY(read_json(file_));
  if (!config.contains("auths") || !config["auths"].is_object()) config["auths"] = json::object();
  config["auths"][std::string(registry)] = {{"auth", base64_encode(c.username + ":" + c.password)}};
  return write_private(file_, config.dump(2) + "\n");
}

Result<std::vector<StoredLogin>> CredentialStore::logins() const {
  std::vector<StoredLogin> out;
  auto seen = [&](const std::string& host) {
    for (const auto& l : out)
      if (l.registry == host) return true;
    return false;
  };
  json own = ASTERAI_TRY(read_json(file_));
  if (own.contains("auths") && own["auths"].is_object())
    for (const auto& [key, entry] : own["auths"].items())
      if (auto c = from_entry(entry); c && !seen(host_of_key(key)))
        out.push_back({host_of_key(key), c->username, file_.string()});
  size_t docker_from = out.size();
  auto docker = docker_config_.empty() ? Result<json>(json::object()) : read_json(docker_config_);
  if (docker && docker->is_object()) {
    std::vector<std::string> hosts;
    for (const char* section : {"auths", "credHelpers"})
      if (docker->contains(section) && (*docker)[section].is_object())
        for (const auto& [key, unused] : (*docker)[section].items())
          hosts.push_back(host_of_key(key));
    for (const auto& host : hosts) {
      if (seen(host)) continue;
      // Docker's own lookup order, so the user shown is the one a request would use; a
      // helper that fails leaves the registry out, as `find` would.
      std::string source = docker_config_.string();
      auto c = lookup_docker(*docker, host, &source);
      if (!c || !*c) continue;
      out.push_back({host, (*c)->username, source});
    }
  }
  auto by_registry = [](const StoredLogin& a, const StoredLogin& b) {
    return a.registry < b.registry;
  };
  std::sort(out.begin(), out.begin() + static_cast<std::ptrdiff_t>(docker_from), by_registry);
  std::sort(out.begin() + static_cast<std::ptrdiff_t>(docker_from), out.end(), by_registry);
  return out;
}

Result<bool> CredentialStore::remove(std::string_view registry) const {
  json config = ASTERAI_TRY(read_json(file_));
  if (!config.contains("auths") || !config["auths"].is_object()) return false;
  bool found = false;
  for (auto it = config["auths"].begin(); it != config["auths"].end();) {
    if (host_of_key(it.key()) == registry) {
      it = config["auths"].erase(it);
      found = true;
    } else {
      ++it;
    }
  }
  if (found) ASTERAI_TRY(write_private(file_, config.dump(2) + "\n"));
  return found;
}

}  // namespace asterai::oci
