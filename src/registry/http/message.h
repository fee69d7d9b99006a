// The HTTP layer's view of one request and its response, independent of Beast so the
// handlers stay plain functions. The connection owns the socket; a Request's body source
// borrows it for the duration of the handler call.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "asterai/registry/auth/credentials.h"
#include "asterai/registry/auth/token.h"
#include "asterai/registry/storage/registry_store.h"

namespace asterai::registry::http {

struct Request {
  std::string method;
  std::string path;  // percent-decoded path without the query
  std::multimap<std::string, std::string> query;
  std::map<std::string, std::string> headers;  // lower-case names
  std::optional<uint64_t> content_length;
  BodySource body;
  bool tls = false;

  std::string header(const std::string& lower_name) const;
  std::string param(const std::string& name) const;  // first value or ""
  bool has_param(const std::string& name) const { return query.count(name) > 0; }
  std::vector<std::string> params(const std::string& name) const;
  // Reads the whole body; too_large past `limit` bytes.
  Result<std::string> read_body(size_t limit) const;
};

struct Response {
  unsigned status = 200;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  // A file range streamed after the headers instead of `body` (blob GET).
  std::unique_ptr<BlobReader> file;
  uint64_t file_offset = 0;
  uint64_t file_length = 0;
  // Set for HEAD: Content-Length is announced but no body is sent.
  std::optional<uint64_t> head_length;

  Response& set(std::string name, std::string value) {
    headers.emplace_back(std::move(name), std::move(value));
    return *this;
  }
};

// Who is calling: the verified token's claims (if any) and the resolved user (if any).
struct Caller {
  std::optional<TokenClaims> claims;
  std::optional<User> user;
};

}  // namespace asterai::registry::http
