// Search words taken from referrer content: the WIT text's interface/world/package names
// and the tools document's tool names, so search finds tools without running code.
#pragma once

#include <string>
#include <string_view>

namespace asterai::registry {

inline constexpr std::string_view kWitArtifactType = "application/vnd.asterai.wit.v1+text";
inline constexpr std::string_view kToolsArtifactType = "application/vnd.asterai.tools.v1+json";

bool is_indexed_artifact_type(std::string_view artifact_type);

// Space-separated "interface:<name>", "world:<name>", "package:<ns:name>", "tool:<name>".
std::string extract_keywords(std::string_view artifact_type, std::string_view content);

}  // namespace asterai::registry
