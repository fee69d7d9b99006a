// The one place where domain errors become OCI wire errors: code, HTTP status, JSON body.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "asterai/common/error.h"
#include "http/message.h"

namespace asterai::registry::http {

// What the request was about, because `not_found` means BLOB_UNKNOWN for a blob,
// MANIFEST_UNKNOWN for a manifest GET, MANIFEST_BLOB_UNKNOWN for a manifest PUT…
enum class Subject { blob, upload, manifest_read, manifest_write, repository, other };

Response oci_error(unsigned status, std::string_view code, std::string_view message);
Response from_error(const Error& error, Subject subject);

// A response body's JSON text. Answers may repeat what the client sent (a search query, a
// scope, a name in an error), which need not be UTF-8: such bytes become U+FFFD instead of
// making dump() throw.
std::string json_text(const nlohmann::json& body);

}  // namespace asterai::registry::http
