// The sandbox policy TOML (docs/policy.md): any text is a policy or a one-line error, never a
// crash; a parsed policy's grants are what the matcher then works with, so they are used too.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

#include "asterai/runtime/policy.h"
#include "asterai/runtime/sandbox.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto policy = asterai::runtime::parse_policy(text, "policy.toml", "/srv/tool");
  if (!policy) {
    // Errors are one line, naming the document.
    if (policy.error().message.find('\n') != std::string::npos) {
      std::fprintf(stderr, "a policy error of more than one line: %s\n",
                   policy.error().message.c_str());
      std::abort();
    }
    return 0;
  }
  // Every kept host pattern is one the validator accepts; the matcher takes them all.
  for (const auto& pattern : policy->grants.allow_hosts)
    if (!asterai::runtime::validate_host_pattern(pattern)) std::abort();
  for (std::string_view authority : {"api.example.com", "api.example.com:8443", "127.0.0.1:8080",
                                     "[::1]:8080", "x.y.example.com:443", ""}) {
    (void)asterai::runtime::host_allowed(policy->grants.allow_hosts, "https", authority);
    (void)asterai::runtime::host_allowed(policy->grants.allow_hosts, "http", authority);
  }
  return 0;
}
