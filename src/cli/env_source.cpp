#include "env_source.h"

#include "asterai/common/files.h"
#include "asterai/mcp/wit_docs.h"
#include "env_composition.h"

namespace asterai::cli {

mcp::ToolSource env_tool_source(std::string env_arg, EnvRegistryFlags flags, bool offline,
                                EngineFlags engine, mcp::WitDocs wit_docs) {
  return [=]() -> Result<std::vector<mcp::ServedComponent>> {
    // No progress bars: on stdio, the terminal belongs to the MCP client's log.
    auto loaded = ASTERAI_TRY(load_composition(env_arg, flags, offline, engine, false));
    std::vector<mcp::ServedComponent> out;
    for (const auto& m : loaded.composition->members()) {
      auto bytes = ASTERAI_TRY(read_file(loaded.files.at(m.name)));
      auto docs = mcp::read_wit_docs(bytes);
      docs.add_missing(wit_docs);  // the component's own docs win
      runtime::Policy policy;
      policy.grants = m.grants;
      policy.limits = m.limits;
      out.push_back(mcp::ServedComponent{m.name, m.component, std::move(policy), std::move(docs),
                                         loaded.composition});
    }
    return out;
  };
}

}  // namespace asterai::cli
