// A ToolSource over an environment (`asterai serve --environment ENV`): every component of
// the environment is served under its name in the environment, and its tools call through
// the environment's Composition, so imports between components work and each component runs
// with its own grants and limits. Members that handle HTTP get their routes. Every load
// re-reads the environment and relinks it.
#pragma once

#include <functional>
#include <string>

#include "asterai/host/composition.h"
#include "asterai/mcp/catalog.h"

namespace asterai::host {

// Told of every load that produced tools (the first and each reload), e.g. to run the
// environment's schedules on the same composition; an error fails that load.
using OnLoad = std::function<Result<void>(const LoadedComposition&)>;

// `wit_docs` (from `--wit`) describe functions and types whose component carries no docs.
mcp::ToolSource env_tool_source(std::string env_arg, LoadOptions options, mcp::WitDocs wit_docs,
                                OnLoad on_load = {});

}  // namespace asterai::host
