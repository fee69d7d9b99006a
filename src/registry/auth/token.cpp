#include "asterai/registry/auth/token.h"

#include <openssl/hmac.h>
#include <sodium.h>

#include <algorithm>
#include <nlohmann/json.hpp>

namespace asterai::registry {
namespace {

using nlohmann::json;

std::string base64url(std::string_view bytes) {
  std::string out(sodium_base64_encoded_len(bytes.size(), sodium_base64_VARIANT_URLSAFE_NO_PADDING),
                  '\0');
  sodium_bin2base64(out.data(), out.size(), reinterpret_cast<const unsigned char*>(bytes.data()),
                    bytes.size(), sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  out.resize(std::strlen(out.c_str()));
  return out;
}

std::optional<std::string> unbase64url(std::string_view text) {
  std::string out(text.size(), '\0');
  size_t len = 0;
  if (sodium_base642bin(reinterpret_cast<unsigned char*>(out.data()), out.size(), text.data(),
                        text.size(), nullptr, &len, nullptr,
                        sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0) {
    return std::nullopt;
  }
  out.resize(len);
  return out;
}

tl::unexpected<Error> rejected(std::string why) {
  return make_error(ErrorKind::unauthorized, "invalid token: " + std::move(why));
}

}  // namespace

bool Access::allows(std::string_view action) const {
  return std::any_of(actions.begin(), actions.end(),
                     [&](const std::string& a) { return a == action || a == "*"; });
}

bool TokenClaims::allows(std::string_view type, std::string_view name,
                         std::string_view action) const {
  return std::any_of(access.begin(), access.end(), [&](const Access& a) {
    return a.type == type && a.name == name && a.allows(action);
  });
}

std::optional<Access> parse_scope(std::string_view scope) {
  auto first = scope.find(':');
  auto last = scope.rfind(':');
  if (first == std::string_view::npos || first == last) return std::nullopt;
  Access a;
  a.type = std::string(scope.substr(0, first));
  a.name = std::string(scope.substr(first + 1, last - first - 1));
  std::string_view actions = scope.substr(last + 1);
  while (!actions.empty()) {
    auto comma = actions.find(',');
    auto one = actions.substr(0, comma);
    if (!one.empty()) a.actions.emplace_back(one);
    if (comma == std::string_view::npos) break;
    actions.remove_prefix(comma + 1);
  }
  if (a.type.empty() || a.name.empty()) return std::nullopt;
  return a;
}

TokenService::TokenService(std::vector<unsigned char> key, std::string service, const Clock& clock,
                           int64_t ttl_seconds)
    : key_(std::move(key)), service_(std::move(service)), clock_(clock), ttl_(ttl_seconds) {
  // Only fails when no entropy source exists; randombytes would then abort on its own.
  if (sodium_init() < 0) return;
}

std::string TokenService::sign(std::string_view input) const {
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), key_.data(), static_cast<int>(key_.size()),
       reinterpret_cast<const unsigned char*>(input.data()), input.size(), mac, &len);
  return std::string(reinterpret_cast<const char*>(mac), len);
}

std::string TokenService::issue(const std::string& subject,
                                const std::vector<Access>& access) const {
  int64_t now = clock_.now_unix();
  json grants = json::array();
  for (const auto& a : access)
    grants.push_back({{"type", a.type}, {"name", a.name}, {"actions", a.actions}});
  unsigned char jti[12];
  randombytes_buf(jti, sizeof jti);
  json claims = {
      {"iss", service_},  {"sub", subject},
      {"aud", service_},  {"iat", now},
      {"nbf", now - 5},   {"exp", now + ttl_},
      {"access", grants}, {"jti", base64url({reinterpret_cast<char*>(jti), sizeof jti})}};
  std::string input = base64url(R"({"alg":"HS256","typ":"JWT"})") + "." + base64url(claims.dump());
  return input + "." + base64url(sign(input));
}

Result<TokenClaims> TokenService::verify(std::string_view token) const {
  auto dot1 = token.find('.');
  auto dot2 = token.rfind('.');
  if (dot1 == std::string_view::npos || dot1 == dot2) return rejected("not a JWT");
  auto header_text = unbase64url(token.substr(0, dot1));
  auto claims_text = unbase64url(token.substr(dot1 + 1, dot2 - dot1 - 1));
  auto signature = unbase64url(token.substr(dot2 + 1));
  if (!header_text || !claims_text || !signature) return rejected("bad encoding");
  auto header = json::parse(*header_text, nullptr, false);
  // The algorithm is fixed by the server, never chosen by the token (no "none", no RS/HS
  // confusion).
  if (!header.is_object() || header.value("alg", "") != "HS256")
    return rejected("unsupported algorithm");
  std::string expected = sign(token.substr(0, dot2));
  if (signature->size() != expected.size() ||
      sodium_memcmp(signature->data(), expected.data(), expected.size()) != 0) {
    return rejected("bad signature");
  }
  auto claims = json::parse(*claims_text, nullptr, false);
  if (!claims.is_object()) return rejected("bad claims");
  int64_t now = clock_.now_unix();
  TokenClaims out;
  try {
    if (claims.at("aud").get<std::string>() != service_)
      return rejected("issued for another service");
    out.subject = claims.at("sub").get<std::string>();
    out.issued_at = claims.at("iat").get<int64_t>();
    out.expires_at = claims.at("exp").get<int64_t>();
    if (now >= out.expires_at) return rejected("expired");
    if (now < claims.at("nbf").get<int64_t>()) return rejected("not yet valid");
    for (const auto& g : claims.at("access")) {
      out.access.push_back(Access{g.at("type").get<std::string>(), g.at("name").get<std::string>(),
                                  g.at("actions").get<std::vector<std::string>>()});
    }
  } catch (const json::exception&) {
    return rejected("bad claims");
  }
  return out;
}

}  // namespace asterai::registry
