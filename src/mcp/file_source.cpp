#include "asterai/mcp/file_source.h"

#include "asterai/common/http_route.h"

#include <algorithm>

#include <set>

#include "asterai/common/files.h"
#include "asterai/mcp/wit_docs.h"

namespace asterai::mcp {
namespace {

bool valid_component_name(std::string_view name) {
  if (name.empty() || name.size() > 32) return false;
  for (char c : name) {
    bool ok =
        (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-';
    if (!ok) return false;
  }
  return true;
}

}  // namespace

Result<ComponentFile> parse_component_spec(std::string_view spec) {
  ComponentFile f;
  auto eq = spec.find('=');
  if (eq != std::string_view::npos) {
    f.name = std::string(spec.substr(0, eq));
    f.path = std::string(spec.substr(eq + 1));
    if (!valid_component_name(f.name)) {
      return make_error(ErrorKind::usage, "component name \"" + f.name +
                                              "\" must be 1 to 32 letters, digits or '-' (in " +
                                              std::string(spec) + ")");
    }
  } else {
    f.path = std::string(spec);
    // The stem, made a valid name: "my_tool.v2.wasm" -> "my-tool-v2".
    std::string stem = f.path.stem().string();
    for (auto& c : stem) {
      bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
      if (!ok) c = '-';
    }
    f.name = stem.substr(0, 32);
    if (f.name.empty()) f.name = "component";
  }
  if (f.path.empty())
    return make_error(ErrorKind::usage, "no component file in \"" + std::string(spec) + "\"");
  std::error_code ec;
  if (std::filesystem::is_directory(f.path, ec)) {
    return make_error(ErrorKind::usage,
                      f.path.string() +
                          " is a directory; serve takes component files (serve an environment with "
                          "--environment NS/NAME)");
  }
  return f;
}

Result<ToolSource> file_source(std::shared_ptr<const runtime::Runtime> runtime,
                               std::vector<ComponentFile> files, runtime::Policy policy,
                               WitDocs wit_docs) {
  std::set<std::string> names;
  for (const auto& f : files) {
    if (!names.insert(f.name).second) {
      return make_error(ErrorKind::usage, "two components are named \"" + f.name +
                                              "\": name one with NAME=" + f.path.string());
    }
  }
  return ToolSource([runtime, files, policy, wit_docs]() -> Result<std::vector<ServedComponent>> {
    std::vector<ServedComponent> out;
    for (const auto& f : files) {
      auto bytes = ASTERAI_TRY(read_file(f.path));
      auto component = ASTERAI_TRY(runtime->load(bytes, f.path.filename().string()));
      auto docs = read_wit_docs(bytes);
      docs.add_missing(wit_docs);  // the component's own docs win
      out.push_back(
          ServedComponent{f.name, std::move(component), policy, std::move(docs), nullptr});
    }
    // One HTTP handler is served at / (as `wasmtime serve` does); several at /NAME each.
    auto handlers = std::count_if(out.begin(), out.end(), [](const ServedComponent& c) {
      return c.component->http_handler();
    });
    for (auto& c : out) {
      if (!c.component->http_handler()) continue;
      c.http_route = handlers == 1 ? "/" : "/" + c.name;
      if (auto ok = check_http_route(c.http_route); !ok) {
        return make_error(ErrorKind::usage, c.name + ": " + ok.error().message +
                                                "; give it another name with NAME=path.wasm");
      }
    }
    return out;
  });
}

}  // namespace asterai::mcp
