// Percent-decoding of HTTP request targets (RFC 3986 section 2.1), shared by both servers.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace asterai {

// "%2F" becomes '/'; a '%' not followed by two hex digits stays as it is. With
// `plus_is_space`, '+' becomes ' ' (form encoding, as in query strings).
std::string percent_decode(std::string_view text, bool plus_is_space);

// "a=1&b=x%20y&c" as decoded (name, value) pairs in order ("c" has an empty value); empty
// pairs are skipped, '+' is a space.
std::vector<std::pair<std::string, std::string>> decode_query(std::string_view query);

}  // namespace asterai
