// Percent-encoding (RFC 3986 section 2.1): decoding request targets for both servers, and
// encoding values for URLs the clients and the registry's pages build.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace asterai {

// "%2F" becomes '/'; a '%' not followed by two hex digits stays as it is. With
// `plus_is_space`, '+' becomes ' ' (form encoding, as in query strings).
std::string percent_decode(std::string_view text, bool plus_is_space);

// The other way, for a query value or a path segment: everything but RFC 3986's unreserved
// characters (letters, digits, - _ . ~) as %XX ("a b/c" -> "a%20b%2Fc").
std::string percent_encode(std::string_view text);

// "a=1&b=x%20y&c" as decoded (name, value) pairs in order ("c" has an empty value); empty
// pairs are skipped, '+' is a space.
std::vector<std::pair<std::string, std::string>> decode_query(std::string_view query);

}  // namespace asterai
