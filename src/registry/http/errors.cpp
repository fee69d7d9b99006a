#include "http/errors.h"

#include <nlohmann/json.hpp>

namespace asterai::registry::http {
namespace {

struct Wire {
  unsigned status;
  std::string_view code;
};

Wire not_found_for(Subject s) {
  switch (s) {
    case Subject::blob:
      return {404, "BLOB_UNKNOWN"};
    case Subject::upload:
      return {404, "BLOB_UPLOAD_UNKNOWN"};
    case Subject::manifest_read:
      return {404, "MANIFEST_UNKNOWN"};
    case Subject::manifest_write:
      return {400, "MANIFEST_BLOB_UNKNOWN"};
    case Subject::repository:
      return {404, "NAME_UNKNOWN"};
    case Subject::other:
      break;
  }
  return {404, "NAME_UNKNOWN"};
}

Wire invalid_for(Subject s) {
  switch (s) {
    case Subject::upload:
      return {400, "BLOB_UPLOAD_INVALID"};
    case Subject::manifest_read:
    case Subject::manifest_write:
      return {400, "MANIFEST_INVALID"};
    case Subject::blob:
      return {400, "DIGEST_INVALID"};
    default:
      return {400, "UNSUPPORTED"};
  }
}

Wire wire_of(const Error& e, Subject s) {
  switch (e.kind) {
    case ErrorKind::not_found:
      return not_found_for(s);
    case ErrorKind::invalid_input:
      return invalid_for(s);
    case ErrorKind::digest_invalid:
      return {400, "DIGEST_INVALID"};
    case ErrorKind::too_large:
      return {413, "SIZE_INVALID"};
    // Moving a released version tag: the request is understood but refused.
    case ErrorKind::conflict:
      return {409, "DENIED"};
    case ErrorKind::unauthorized:
      return {401, "UNAUTHORIZED"};
    case ErrorKind::denied:
      return {403, "DENIED"};
    default:
      return {500, "UNKNOWN"};
  }
}

}  // namespace

Response oci_error(unsigned status, std::string_view code, std::string_view message) {
  Response r;
  r.status = status;
  nlohmann::json body = {{"errors", {{{"code", code}, {"message", message}, {"detail", nullptr}}}}};
  r.body = json_text(body);
  r.set("Content-Type", "application/json");
  return r;
}

std::string json_text(const nlohmann::json& body) {
  return body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

Response from_error(const Error& error, Subject subject) {
  Wire w = wire_of(error, subject);
  // Internal details (paths, errno) are not for clients; they go to the server log.
  std::string message = w.status == 500 ? std::string("internal error") : error.to_string();
  return oci_error(w.status, w.code, message);
}

}  // namespace asterai::registry::http
