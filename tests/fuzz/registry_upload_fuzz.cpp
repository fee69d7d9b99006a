// The registry's blob upload state machine (dist-spec "pushing blobs"): one session driven
// by a sequence of POST, PATCH (with and without Content-Range), PUT (right, wrong and
// malformed digests, with or without a last chunk), DELETE and GET status, decoded from the
// input, against a model of what the session holds. Properties: no 500; the offset the
// registry reports is the model's; a PUT with the digest of the bytes sent stores exactly
// those bytes (read back through GET); a wrong digest, or DELETE, ends the session.
#include <fuzzer/FuzzedDataProvider.h>

#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>

#include "asterai/registry/digest.h"
#include "fuzz_registry.h"
#include "http/router.h"

namespace {

using asterai::registry::http::Request;
using asterai::registry::http::Response;

constexpr const char* kRepo = "/v2/alice/tool";

[[noreturn]] void fail(const std::string& what, const Response& resp) {
  std::fprintf(stderr, "%s (status %u: %s)\n", what.c_str(), resp.status, resp.body.c_str());
  std::abort();
}

std::string header(const Response& resp, std::string_view name) {
  for (const auto& [k, v] : resp.headers)
    if (k == name) return v;
  return {};
}

struct Session {
  std::string location;  // empty: none open
  std::string model;     // what the registry must hold for it
};

class Driver {
 public:
  explicit Driver(asterai::fuzz::FuzzRegistry& fuzz) : fuzz_(fuzz) {}

  Response send(const std::string& method, const std::string& path, const std::string& body,
                std::map<std::string, std::string> headers = {},
                std::multimap<std::string, std::string> query = {}) {
    Request req;
    req.method = method;
    req.path = path;
    req.query = std::move(query);
    req.headers = std::move(headers);
    req.content_length = body.size();
    req.body = asterai::fuzz::body_of(body, 7);
    auto resp = asterai::registry::http::dispatch(*fuzz_.registry, req);
    // ASTERAI_FUZZ_TRACE=1 when replaying an input: every step and its answer.
    static const bool trace = std::getenv("ASTERAI_FUZZ_TRACE") != nullptr;
    if (trace) {
      auto range = req.headers.count("content-range") ? req.headers.at("content-range") : "";
      std::fprintf(stderr, "%s %s [%s] %zu bytes -> %u Range=%s model=%zu\n", method.c_str(),
                   path.c_str(), range.c_str(), body.size(), resp.status,
                   header(resp, "Range").c_str(), session_.model.size());
    }
    if (resp.status >= 500) fail(method + " " + path + " answered a server error", resp);
    return resp;
  }

  // The registry's offset for the open session, or nullopt when it does not know it.
  std::optional<uint64_t> offset() {
    auto resp = send("GET", session_.location, "");
    if (resp.status == 404) return std::nullopt;
    if (resp.status != 204) fail("upload status", resp);
    std::string range = header(resp, "Range");
    uint64_t end = std::stoull(range.substr(range.find('-') + 1));
    // "0-0" is both empty and one byte: the model decides which.
    return session_.model.empty() && end == 0 ? 0 : end + 1;
  }

  void check_offset(const char* after) {
    auto at = offset();
    if (!at || *at != session_.model.size())
      fail(std::string("offset differs from the bytes sent after ") + after, {});
  }

  void start() {
    auto resp = send("POST", std::string(kRepo) + "/blobs/uploads/", "");
    if (resp.status != 202) fail("POST uploads", resp);
    session_ = {header(resp, "Location"), {}};
  }

  void patch(FuzzedDataProvider& in, bool with_range) {
    std::string chunk = in.ConsumeRandomLengthString(64);
    std::map<std::string, std::string> headers;
    bool honest = true;
    if (with_range) {
      uint64_t start = in.ConsumeBool() ? session_.model.size() : in.ConsumeIntegralInRange(0, 200);
      uint64_t end =
          in.ConsumeBool() ? start + chunk.size() - 1 : in.ConsumeIntegralInRange(0, 300);
      honest = start == session_.model.size() && end + 1 == start + chunk.size() && !chunk.empty();
      headers["content-range"] = std::to_string(start) + "-" + std::to_string(end);
    }
    auto resp = send("PATCH", session_.location, chunk, headers);
    if (resp.status == 202) {
      session_.model += chunk;
    } else if (honest) {
      fail("an in-order chunk was refused", resp);
    } else if (resp.status == 400) {
      // A chunk whose length differs from its Content-Range is refused after it was stored.
      if (auto at = offset(); at && *at == session_.model.size() + chunk.size())
        session_.model += chunk;
    }
    check_offset("PATCH");
  }

  void put(FuzzedDataProvider& in) {
    std::string last = in.ConsumeBool() ? in.ConsumeRandomLengthString(32) : std::string();
    int choice = in.ConsumeIntegralInRange(0, 2);
    std::string whole = session_.model + last;
    std::string digest = asterai::registry::digest_of(whole).to_string();
    if (choice == 1) digest = asterai::registry::digest_of(whole + "x").to_string();
    if (choice == 2) digest = in.ConsumeRandomLengthString(80);
    auto resp = send("PUT", session_.location, last, {}, {{"digest", digest}});
    if (choice == 0) {
      if (resp.status != 201) fail("PUT with the right digest", resp);
      auto blob = send("GET", std::string(kRepo) + "/blobs/" + digest, "");
      if (blob.status != 200 || !blob.file) fail("GET of the stored blob", blob);
      std::string stored(blob.file_length, '\0');
      size_t got = 0;
      while (got < stored.size()) {
        auto n =
            blob.file->read_at(blob.file_offset + got, {stored.data() + got, stored.size() - got});
        if (!n || *n == 0) fail("reading the stored blob", blob);
        got += *n;
      }
      if (stored != whole) fail("the stored blob differs from the bytes sent", blob);
    } else if (resp.status == 201) {
      fail("PUT with a wrong digest stored a blob", resp);
    }
    if (resp.status == 201 || choice == 1) {
      if (offset()) fail("the session outlived its PUT", resp);
      session_.location.clear();
    }
  }

  void remove() {
    auto resp = send("DELETE", session_.location, "");
    if (resp.status != 204) fail("DELETE of an open session", resp);
    if (offset()) fail("the session outlived its DELETE", resp);
    session_.location.clear();
  }

  void run(FuzzedDataProvider& in) {
    for (int step = 0; step < 24 && in.remaining_bytes() > 0; ++step) {
      if (session_.location.empty()) start();
      switch (in.ConsumeIntegralInRange(0, 5)) {
        case 0:
          patch(in, false);
          break;
        case 1:
          patch(in, true);
          break;
        case 2:
          put(in);
          break;
        case 3:
          remove();
          break;
        case 4:
          check_offset("GET");
          break;
        default:
          start();  // a second session; the first is left open
      }
    }
    if (!session_.location.empty()) send("DELETE", session_.location, "");
  }

 private:
  asterai::fuzz::FuzzRegistry& fuzz_;
  Session session_;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  FuzzedDataProvider in(data, size);
  Driver driver(asterai::fuzz::fuzz_registry(/*auth=*/false));
  driver.run(in);
  return 0;
}
