#include "asterai/common/units.h"

#include <charconv>

namespace asterai {
namespace {

// Splits "64MiB" into 64 and "MiB"; fails on a missing or malformed number.
bool split_number(const std::string& text, uint64_t& number, std::string& unit) {
  auto r = std::from_chars(text.data(), text.data() + text.size(), number);
  if (r.ec != std::errc() || r.ptr == text.data()) return false;
  unit.assign(r.ptr, text.data() + text.size());
  return true;
}

}  // namespace

Result<std::chrono::milliseconds> parse_duration(const std::string& text, const std::string& flag) {
  uint64_t n = 0;
  std::string unit;
  if (split_number(text, n, unit)) {
    if (unit == "ms") return std::chrono::milliseconds(n);
    if (unit == "s" || unit.empty()) return std::chrono::milliseconds(n * 1000);
    if (unit == "m") return std::chrono::milliseconds(n * 60'000);
    if (unit == "h") return std::chrono::milliseconds(n * 3'600'000);
  }
  return make_error(ErrorKind::usage,
                    flag + ": invalid duration \"" + text + "\" (use e.g. 500ms, 5s, 2m, 1h)");
}

Result<uint64_t> parse_size(const std::string& text, const std::string& flag) {
  uint64_t n = 0;
  std::string unit;
  if (split_number(text, n, unit)) {
    if (unit.empty() || unit == "B") return n;
    if (unit == "K" || unit == "KiB" || unit == "k") return n << 10;
    if (unit == "M" || unit == "MiB") return n << 20;
    if (unit == "G" || unit == "GiB") return n << 30;
  }
  return make_error(ErrorKind::usage,
                    flag + ": invalid size \"" + text + "\" (use e.g. 65536, 512KiB, 64MiB, 1GiB)");
}

}  // namespace asterai
