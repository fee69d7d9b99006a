// GET /token (Docker token flow) and POST /token (OAuth2 password grant, used by some
// clients). Basic credentials are a user name and an API key; no credentials means an
// anonymous token that can only pull public repositories.
#include <sodium.h>

#include <ctime>
#include <nlohmann/json.hpp>

#include "asterai/registry/auth/policy.h"
#include "http/errors.h"
#include "http/handlers.h"

namespace asterai::registry::http {
namespace {

std::optional<std::pair<std::string, std::string>> basic_credentials(const std::string& header) {
  if (header.size() < 6 || header.compare(0, 6, "Basic ") != 0) return std::nullopt;
  std::string encoded = header.substr(6);
  std::string decoded(encoded.size(), '\0');
  size_t len = 0;
  if (sodium_base642bin(reinterpret_cast<unsigned char*>(decoded.data()), decoded.size(),
                        encoded.data(), encoded.size(), nullptr, &len, nullptr,
                        sodium_base64_VARIANT_ORIGINAL) != 0) {
    return std::nullopt;
  }
  decoded.resize(len);
  auto colon = decoded.find(':');
  if (colon == std::string::npos) return std::nullopt;
  return std::make_pair(decoded.substr(0, colon), decoded.substr(colon + 1));
}

// application/x-www-form-urlencoded, enough for the OAuth2 token request.
std::multimap<std::string, std::string> parse_form(const std::string& body) {
  std::multimap<std::string, std::string> out;
  auto decode = [](std::string_view s) {
    std::string r;
    for (size_t i = 0; i < s.size(); ++i) {
      if (s[i] == '+') {
        r += ' ';
      } else if (s[i] == '%' && i + 2 < s.size()) {
        r += static_cast<char>(std::stoi(std::string(s.substr(i + 1, 2)), nullptr, 16));
        i += 2;
      } else {
        r += s[i];
      }
    }
    return r;
  };
  size_t start = 0;
  while (start <= body.size()) {
    size_t amp = body.find('&', start);
    std::string_view pair(body.data() + start,
                          (amp == std::string::npos ? body.size() : amp) - start);
    auto eq = pair.find('=');
    if (!pair.empty()) {
      try {
        out.emplace(decode(pair.substr(0, eq)),
                    eq == std::string_view::npos ? "" : decode(pair.substr(eq + 1)));
      } catch (const std::exception&) {
        // a malformed escape: drop the pair
      }
    }
    if (amp == std::string::npos) break;
    start = amp + 1;
  }
  return out;
}

std::string rfc3339(int64_t t) {
  std::time_t tt = static_cast<std::time_t>(t);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

}  // namespace

Response handle_token(Context& ctx) {
  const Request& req = ctx.request;
  std::vector<std::string> scopes = req.params("scope");
  std::optional<std::pair<std::string, std::string>> creds =
      basic_credentials(req.header("authorization"));
  bool oauth = req.method == "POST";
  if (oauth) {
    auto body = req.read_body(64 * 1024);
    if (!body) return from_error(body.error(), Subject::other);
    auto form = parse_form(*body);
    auto get = [&](const char* k) {
      auto it = form.find(k);
      return it == form.end() ? std::string() : it->second;
    };
    if (get("grant_type") != "password") {
      return oci_error(400, "UNSUPPORTED", "only grant_type=password is supported");
    }
    creds = std::make_pair(get("username"), get("password"));
    for (auto [it, end] = form.equal_range("scope"); it != end; ++it) scopes.push_back(it->second);
  } else if (!req.header("authorization").empty() && !creds) {
    return oci_error(401, "UNAUTHORIZED", "malformed Basic credentials");
  }
  std::optional<User> user;
  if (creds) {
    auto verified = ctx.registry.credentials().verify(creds->first, creds->second);
    if (!verified) return from_error(verified.error(), Subject::other);
    user = *verified;
  }
  std::vector<Access> granted;
  for (const auto& s : scopes) {
    // Some clients join several scopes with spaces in one parameter.
    size_t start = 0;
    while (start < s.size()) {
      size_t sp = s.find(' ', start);
      auto requested =
          parse_scope(s.substr(start, sp == std::string::npos ? std::string::npos : sp - start));
      start = sp == std::string::npos ? s.size() : sp + 1;
      if (!requested) continue;
      std::optional<RepositoryInfo> repo;
      if (requested->type == "repository") {
        auto info = ctx.registry.metadata().repository(requested->name);
        if (info) repo = *info;
      }
      granted.push_back(
          Access{requested->type, requested->name, granted_actions(user, *requested, repo)});
    }
  }
  const auto& tokens = ctx.registry.tokens();
  std::string token = tokens.issue(user ? user->name : "", granted);
  nlohmann::json body = {{"token", token},
                         {"access_token", token},
                         {"expires_in", tokens.ttl_seconds()},
                         {"issued_at", rfc3339(ctx.registry.clock().now_unix())}};
  if (oauth) body["scope"] = nlohmann::json(scopes);
  Response r;
  r.body = json_text(body);  // the OAuth answer echoes the scopes as sent
  r.set("Content-Type", "application/json").set("Cache-Control", "no-store");
  return r;
}

}  // namespace asterai::registry::http
