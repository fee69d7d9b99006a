#include "asterai/publish/component_metadata.h"

#include <algorithm>
#include <fstream>
#include <regex>
#include <sstream>

#include "asterai/mcp/wit_docs.h"
#include "asterai/runtime/schema.h"

namespace asterai::publish {
namespace fs = std::filesystem;

namespace {

std::string short_interface(std::string_view iface) {
  auto slash = iface.rfind('/');
  if (slash != std::string_view::npos) iface.remove_prefix(slash + 1);
  return std::string(iface.substr(0, iface.find('@')));
}

}  // namespace

Result<std::vector<WitFile>> read_wit_dir(const fs::path& dir) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec))
    return make_error(ErrorKind::io, "no WIT folder at " + dir.string() +
                                         " (give it with --wit DIR, or --no-wit to push without)");
  std::vector<WitFile> files;
  for (auto it = fs::recursive_directory_iterator(dir, ec); !ec && it != fs::end(it);
       it.increment(ec)) {
    if (!it->is_regular_file() || it->path().extension() != ".wit") continue;
    std::ifstream in(it->path(), std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    if (!in) return make_error(ErrorKind::io, "cannot read " + it->path().string());
    files.push_back({fs::relative(it->path(), dir).generic_string(), text.str()});
  }
  if (ec) return make_error(ErrorKind::io, "cannot list " + dir.string() + ": " + ec.message());
  if (files.empty())
    return make_error(ErrorKind::invalid_input,
                      "no .wit files in " + dir.string() + " (give the folder with --wit DIR)");
  std::sort(files.begin(), files.end(),
            [](const WitFile& a, const WitFile& b) { return a.name < b.name; });
  return files;
}

std::string wit_target(const std::vector<WitFile>& files) {
  static const std::regex package_re(R"(^\s*package\s+([a-z0-9-]+:[a-z0-9-:/]+)(@[^;\s]+)?\s*;)");
  static const std::regex world_re(R"(^\s*world\s+%?([a-z0-9-]+)\s*\{)");
  for (const auto& f : files) {
    if (f.name.find('/') != std::string::npos) continue;  // deps/ hold other packages
    std::istringstream in(f.text);
    std::string line, package, version;
    std::smatch m;
    while (std::getline(in, line)) {
      if (package.empty() && std::regex_search(line, m, package_re)) {
        package = m[1];
        version = m[2];
      } else if (!package.empty() && std::regex_search(line, m, world_re)) {
        return package + "/" + m[1].str() + version;
      }
    }
  }
  return {};
}

oci::ComponentInfo component_info(const runtime::Component& component, std::string target) {
  oci::ComponentInfo info;
  for (const auto& e : component.exports()) info.exports.push_back(e.name);
  for (const auto& i : component.imports()) info.imports.push_back(i.name);
  info.target = std::move(target);
  return info;
}

nlohmann::json tools_document(const runtime::Component& component, const mcp::WitDocs& docs) {
  nlohmann::json tools = nlohmann::json::array();
  for (const auto& f : component.functions()) {
    std::string iface = f.interface.empty() ? "" : short_interface(f.interface);
    nlohmann::json t = {{"name", iface.empty() ? f.name : iface + "_" + f.name},
                        {"function", f.qualified_name()},
                        {"interface", f.interface},
                        {"signature", f.signature()}};
    auto d = docs.functions.find(mcp::docs_key(f.interface, f.name));
    if (d != docs.functions.end() && !d->second.empty()) t["description"] = d->second;
    if (f.unsupported.empty()) {
      t["input_schema"] = runtime::input_schema(f);
      t["output_schema"] = runtime::output_schema(f);
    } else {
      t["unsupported"] = f.unsupported;
    }
    tools.push_back(std::move(t));
  }
  return {{"tools", tools}};
}

}  // namespace asterai::publish
