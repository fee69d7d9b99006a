// A component's sandbox policy as a TOML document: the same grants and limits as the CLI
// flags, so environments can embed it unchanged. Format: docs/policy.md.
#pragma once

#include <filesystem>
#include <string_view>

#include "asterai/common/error.h"
#include "asterai/runtime/runtime.h"
#include "asterai/runtime/sandbox.h"

namespace asterai::runtime {

struct Policy {
  Grants grants;
  CallLimits limits;
};

// `source` names the document in errors ("policy.toml:7: ..."); relative directory grants
// resolve against `base_dir`.
Result<Policy> parse_policy(std::string_view toml, std::string_view source,
                            const std::filesystem::path& base_dir);
Result<Policy> load_policy(const std::filesystem::path& file);

}  // namespace asterai::runtime
