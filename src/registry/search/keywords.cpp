#include "asterai/registry/search/keywords.h"

#include <cctype>
#include <nlohmann/json.hpp>
#include <sstream>

namespace asterai::registry {
namespace {

std::string wit_keywords(std::string_view text) {
  std::string out;
  std::istringstream lines{std::string(text)};
  std::string line;
  while (std::getline(lines, line)) {
    line = line.substr(0, line.find("//"));
    std::istringstream words(line);
    std::string word, name;
    while (words >> word) {
      if (word == "interface" || word == "world" || word == "package") {
        if (!(words >> name)) break;
        while (!name.empty() && (name.back() == '{' || name.back() == ';')) name.pop_back();
        if (!name.empty()) out += word + ":" + name + " ";
      }
    }
  }
  return out;
}

std::string tools_keywords(std::string_view text) {
  auto doc = nlohmann::json::parse(text, nullptr, false);
  if (doc.is_discarded()) return {};
  const nlohmann::json* tools = &doc;
  if (doc.is_object() && doc.contains("tools")) tools = &doc["tools"];
  std::string out;
  if (!tools->is_array()) return out;
  for (const auto& t : *tools) {
    if (t.is_object() && t.contains("name") && t["name"].is_string()) {
      std::string name = t["name"].get<std::string>();
      if (name.find(' ') == std::string::npos) out += "tool:" + name + " ";
    }
  }
  return out;
}

}  // namespace

bool is_indexed_artifact_type(std::string_view artifact_type) {
  return artifact_type == kWitArtifactType || artifact_type == kToolsArtifactType;
}

std::string extract_keywords(std::string_view artifact_type, std::string_view content) {
  if (artifact_type == kWitArtifactType) return wit_keywords(content);
  if (artifact_type == kToolsArtifactType) return tools_keywords(content);
  return {};
}

}  // namespace asterai::registry
