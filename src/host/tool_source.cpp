#include "asterai/host/tool_source.h"

#include "asterai/common/files.h"
#include "asterai/common/http_route.h"
#include "asterai/common/units.h"
#include "asterai/mcp/wit_docs.h"

namespace asterai::host {

mcp::ToolSource env_tool_source(std::string env_arg, LoadOptions options, mcp::WitDocs wit_docs,
                                OnLoad on_load) {
  options.progress = nullptr;  // on stdio, the terminal belongs to the MCP client's log
  options.docs = true;         // the tools' descriptions
  return [=]() -> Result<std::vector<mcp::ServedComponent>> {
    auto loaded = ASTERAI_TRY(load_composition(env_arg, options));
    std::vector<mcp::ServedComponent> out;
    for (const auto& m : loaded.composition->members()) {
      auto docs = loaded.docs.at(m.name);
      docs.add_missing(wit_docs);  // the component's own docs win
      runtime::Policy policy;
      policy.grants = m.grants;
      policy.limits = m.limits;
      mcp::ServedComponent served{m.name, m.component, std::move(policy), std::move(docs),
                                  loaded.composition};
      const auto& entry = loaded.env.doc.components.at(m.name);
      if (m.component->http_handler()) {
        served.http_route = entry.http.empty() ? "/" + m.name : entry.http;
        if (entry.http_max_body)
          served.http_max_body = ASTERAI_TRY(parse_size(*entry.http_max_body, "http-max-body"));
        // A default route is checked here, where it is known the member handles HTTP.
        if (auto ok = check_http_route(served.http_route); !ok)
          return make_error(ErrorKind::invalid_input, loaded.env.source + ": [components." +
                                                          m.name + "] " + ok.error().message +
                                                          "; set http = \"/another/path\"");
        for (const auto& other : out) {
          if (other.component->http_handler() && other.http_route == served.http_route)
            return make_error(ErrorKind::invalid_input,
                              loaded.env.source + ": " + m.name + " and " + other.name +
                                  " both handle HTTP at " + served.http_route +
                                  "; set http = \"/another/path\" on one");
        }
      }
      out.push_back(std::move(served));
    }
    if (on_load) ASTERAI_TRY(on_load(loaded));
    return out;
  };
}

}  // namespace asterai::host
