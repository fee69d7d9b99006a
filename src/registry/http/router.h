// Turns a request into a resource (parsing names from the right, since repository names
// contain slashes), authorizes it and calls the resource's handler.
#pragma once

#include "asterai/registry/registry.h"
#include "http/message.h"

namespace asterai::registry::http {

enum class Resource {
  base,
  catalog,
  token,
  token_keys,  // GET /token/keys: the public key set, anonymous
  search,
  blob,
  upload_start,
  upload,
  manifest,
  tags,
  referrers,
  visibility,
  unknown
};

struct Route {
  Resource resource = Resource::unknown;
  std::string name;       // repository
  std::string reference;  // digest, tag or upload id
};

Route parse_route(std::string_view path);

Response dispatch(Registry& registry, const Request& request);

}  // namespace asterai::registry::http
