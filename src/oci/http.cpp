#include "asterai/oci/http.h"

#include <cctype>
#include <cstdlib>
#include <memory>

#include "asterai/common/percent_decode.h"
#include "curl_library.h"

namespace asterai::oci {
namespace {

struct CurlFree {
  void operator()(CURL* c) const { curl().curl_easy_cleanup(c); }
};
struct SlistFree {
  void operator()(curl_slist* l) const { curl().curl_slist_free_all(l); }
};

// What the curl callbacks write into; lives on the stack of send().
struct Transfer {
  const HttpRequest* request;
  HttpResponse* response;
  bool aborted_by_sink = false;
};

std::string lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

size_t on_header(char* data, size_t size, size_t n, void* user) {
  auto* t = static_cast<Transfer*>(user);
  std::string line(data, size * n);
  while (!line.empty() && (line.back() == '\r' || line.back() == '\n')) line.pop_back();
  // A new status line (after a redirect or 100-continue) starts a new header set.
  if (line.rfind("HTTP/", 0) == 0) {
    t->response->headers.clear();
    return size * n;
  }
  auto colon = line.find(':');
  if (colon == std::string::npos) return size * n;
  std::string value = line.substr(colon + 1);
  size_t start = value.find_first_not_of(" \t");
  value = start == std::string::npos ? "" : value.substr(start);
  t->response->headers.emplace_back(lower(line.substr(0, colon)), std::move(value));
  return size * n;
}

size_t on_body(char* data, size_t size, size_t n, void* user) {
  auto* t = static_cast<Transfer*>(user);
  size_t len = size * n;
  if (t->request->on_body && t->response->status / 100 == 2) {
    if (!t->request->on_body(std::span(reinterpret_cast<const uint8_t*>(data), len))) {
      t->aborted_by_sink = true;
      return 0;
    }
    return len;
  }
  // Error bodies are small; cap what is kept so a misbehaving server cannot fill memory.
  if (t->request->on_body && t->response->body.size() > (1 << 20)) return len;
  t->response->body.append(data, len);
  return len;
}

int on_xfer(void* user, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal,
            curl_off_t ulnow) {
  auto* t = static_cast<Transfer*>(user);
  if (!t->request->on_progress) return 0;
  if (t->request->has_body)
    t->request->on_progress(static_cast<uint64_t>(ulnow), static_cast<uint64_t>(ultotal));
  else
    t->request->on_progress(static_cast<uint64_t>(dlnow), static_cast<uint64_t>(dltotal));
  return 0;
}

}  // namespace

std::string HttpResponse::header(std::string_view name) const {
  std::string out;
  for (const auto& [k, v] : headers)
    if (k == name) out = v;
  return out;
}

std::vector<std::string> HttpResponse::header_values(std::string_view name) const {
  std::vector<std::string> out;
  for (const auto& [k, v] : headers)
    if (k == name) out.push_back(v);
  return out;
}

HttpClient::HttpClient(HttpOptions options) : options_(std::move(options)) {}

Result<HttpResponse> HttpClient::send(const HttpRequest& request) const {
  const CurlLibrary& lib = *ASTERAI_TRY(load_curl());
  std::unique_ptr<CURL, CurlFree> handle(lib.curl_easy_init());
  if (!handle) return make_error(ErrorKind::internal, "cannot create an HTTP handle");
  CURL* c = handle.get();
  HttpResponse response;
  Transfer transfer{&request, &response};
  lib.curl_easy_setopt(c, CURLOPT_URL, request.url.c_str());
  lib.curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, request.method.c_str());
  if (request.method == "HEAD") lib.curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
  if (request.has_body) {
    // Never a null pointer: curl would then read the body from stdin.
    static const char kEmpty[] = "";
    const void* data =
        request.body.empty() ? kEmpty : static_cast<const void*>(request.body.data());
    lib.curl_easy_setopt(c, CURLOPT_POSTFIELDS, data);
    lib.curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE,
                         static_cast<curl_off_t>(request.body.size()));
  }
  // "Expect:" off: registries answer 401/404 before reading a body anyway.
  curl_slist* list = lib.curl_slist_append(nullptr, "Expect:");
  for (const auto& h : request.headers) list = lib.curl_slist_append(list, h.c_str());
  std::unique_ptr<curl_slist, SlistFree> list_owner(list);
  lib.curl_easy_setopt(c, CURLOPT_HTTPHEADER, list);
  lib.curl_easy_setopt(c, CURLOPT_USERAGENT, options_.user_agent.c_str());
  // Blob GETs may redirect to a storage backend; curl drops Authorization on a host change.
  lib.curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, request.method == "GET" ? 1L : 0L);
  lib.curl_easy_setopt(c, CURLOPT_MAXREDIRS, 5L);
  lib.curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
  lib.curl_easy_setopt(c, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
  lib.curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, options_.connect_timeout_seconds);
  lib.curl_easy_setopt(c, CURLOPT_LOW_SPEED_LIMIT, 1L);
  lib.curl_easy_setopt(c, CURLOPT_LOW_SPEED_TIME, options_.stall_timeout_seconds);
  lib.curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  if (!options_.ca_file.empty()) lib.curl_easy_setopt(c, CURLOPT_CAINFO, options_.ca_file.c_str());
  lib.curl_easy_setopt(c, CURLOPT_HEADERDATA, &transfer);
  lib.curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
  lib.curl_easy_setopt(c, CURLOPT_WRITEDATA, &transfer);
  lib.curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, on_xfer);
  lib.curl_easy_setopt(c, CURLOPT_XFERINFODATA, &transfer);
  lib.curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
  // The status is needed inside on_body (only 2xx bodies are streamed): take it from the
  // status line as headers arrive.
  struct StatusProbe {
    static size_t header(char* data, size_t size, size_t n, void* user) {
      auto* t = static_cast<Transfer*>(user);
      std::string_view line(data, size * n);
      if (line.rfind("HTTP/", 0) == 0) {
        auto sp = line.find(' ');
        if (sp != std::string_view::npos)
          t->response->status =
              std::strtol(std::string(line.substr(sp + 1, 3)).c_str(), nullptr, 10);
      }
      return on_header(data, size, n, user);
    }
  };
  lib.curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, StatusProbe::header);
  char errbuf[CURL_ERROR_SIZE] = {0};
  lib.curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
  CURLcode rc = lib.curl_easy_perform(c);
  if (rc != CURLE_OK) {
    if (transfer.aborted_by_sink)
      return make_error(ErrorKind::io, "the download was stopped: writing it failed");
    std::string why = errbuf[0] ? errbuf : lib.curl_easy_strerror(rc);
    return make_error(ErrorKind::network, request.method + " " + request.url + ": " + why);
  }
  lib.curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &response.status);
  return response;
}

std::string url_escape(std::string_view text) {
  return percent_encode(text);
}

}  // namespace asterai::oci
