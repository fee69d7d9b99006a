// A ToolSource over an environment (`asterai serve --environment ENV`): every component of
// the environment is served under its name in the environment, and its tools call through
// the environment's Composition, so imports between components work and each component runs
// with its own grants and limits. Every load re-reads the environment and relinks it.
#pragma once

#include <string>

#include "asterai/common/error.h"
#include "asterai/mcp/catalog.h"
#include "env_common.h"
#include "output.h"

namespace asterai::cli {

// `wit_docs` (from `--wit`) describe functions and types whose component carries no docs.
mcp::ToolSource env_tool_source(std::string env_arg, EnvRegistryFlags flags, bool offline,
                                EngineFlags engine, mcp::WitDocs wit_docs);

}  // namespace asterai::cli
