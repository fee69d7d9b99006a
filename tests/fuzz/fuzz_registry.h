// A registry for the registry targets: opened once per process on a fresh folder in /dev/shm
// or the temp dir (removed at exit), with a fixed clock, user "alice" with an API key, and a token
// for repository alice/tool (pull, push), so fuzzed requests get past authorization too.
#pragma once

#include <filesystem>
#include <memory>
#include <string>

#include "asterai/registry/registry.h"
#include "http/message.h"

namespace asterai::fuzz {

struct FuzzRegistry {
  std::filesystem::path root;
  std::unique_ptr<registry::Registry> registry;
  std::string bearer;  // "Bearer <token for alice/tool>"
  std::string basic;   // "Basic <alice:key in base64>"
  ~FuzzRegistry();
};

// `auth` false: anyone may do anything (no tokens needed).
FuzzRegistry& fuzz_registry(bool auth);

// A request body served from `bytes` (which must outlive the request) in pieces of at most
// `piece` bytes, as a socket would hand it in.
registry::BodySource body_of(const std::string& bytes, size_t piece = 4096);

}  // namespace asterai::fuzz
