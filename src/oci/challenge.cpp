#include "challenge.h"

#include <cctype>

namespace asterai::oci {

Challenge parse_challenge(std::string_view h) {
  Challenge c;
  size_t i = 0;
  while (i < h.size() && std::isspace(static_cast<unsigned char>(h[i]))) ++i;
  size_t start = i;
  while (i < h.size() && !std::isspace(static_cast<unsigned char>(h[i]))) ++i;
  for (char ch : h.substr(start, i - start))
    c.scheme += static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  while (i < h.size()) {
    while (i < h.size() && (h[i] == ',' || std::isspace(static_cast<unsigned char>(h[i])))) ++i;
    size_t eq = h.find('=', i);
    if (eq == std::string_view::npos) break;
    std::string name;
    for (char ch : h.substr(i, eq - i))
      if (!std::isspace(static_cast<unsigned char>(ch)))
        name += static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    i = eq + 1;
    std::string value;
    if (i < h.size() && h[i] == '"') {
      ++i;
      while (i < h.size() && h[i] != '"') {
        if (h[i] == '\\' && i + 1 < h.size()) ++i;
        value += h[i++];
      }
      ++i;  // closing quote
    } else {
      while (i < h.size() && h[i] != ',') value += h[i++];
      while (!value.empty() && std::isspace(static_cast<unsigned char>(value.back())))
        value.pop_back();
    }
    c.params[name] = value;
  }
  return c;
}

}  // namespace asterai::oci
