// Lenient reads of optional fields in JSON the registry or other publishers wrote: a missing
// or mistyped field is empty, not an error (a view or a search hit is still useful without it).
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace asterai::oci {

inline std::string string_field(const nlohmann::json& j, const char* key) {
  return j.is_object() && j.contains(key) && j[key].is_string() ? j[key].get<std::string>()
                                                                : std::string();
}

// The string elements of an array field.
inline std::vector<std::string> strings_field(const nlohmann::json& j, const char* key) {
  std::vector<std::string> out;
  if (!j.is_object() || !j.contains(key) || !j[key].is_array()) return out;
  for (const auto& v : j[key])
    if (v.is_string()) out.push_back(v.get<std::string>());
  return out;
}

}  // namespace asterai::oci
