#include <algorithm>

#include "asterai/runtime/runtime.h"
#include "component_impl.h"

namespace asterai::runtime {
namespace {

// "asterai:kitchen-sink/values@0.1.0" -> "values"
std::string_view short_interface(std::string_view full) {
  if (auto at = full.find('@'); at != std::string_view::npos) full = full.substr(0, at);
  if (auto slash = full.rfind('/'); slash != std::string_view::npos) full = full.substr(slash + 1);
  return full;
}

std::string_view without_version(std::string_view full) {
  if (auto at = full.find('@'); at != std::string_view::npos) return full.substr(0, at);
  return full;
}

bool interface_matches(std::string_view wanted, std::string_view full) {
  return wanted == full || wanted == without_version(full) || wanted == short_interface(full);
}

// Levenshtein distance, to suggest near names for a typo.
size_t distance(std::string_view a, std::string_view b) {
  std::vector<size_t> prev(b.size() + 1), cur(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) prev[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      cur[j] =
          std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)});
    }
    std::swap(prev, cur);
  }
  return prev[b.size()];
}

std::string display_name(const FunctionInfo& f) {
  return f.interface.empty() ? f.name : std::string(short_interface(f.interface)) + "/" + f.name;
}

}  // namespace

Component::Component() : impl_(std::make_unique<Impl>()) {}
Component::~Component() = default;

Result<const FunctionInfo*> Component::find_function(std::string_view name) const {
  std::string_view iface, func = name;
  bool qualified = false;
  if (auto hash = name.rfind('#'); hash != std::string_view::npos) {
    iface = name.substr(0, hash), func = name.substr(hash + 1), qualified = true;
  } else if (auto slash = name.rfind('/'); slash != std::string_view::npos) {
    iface = name.substr(0, slash), func = name.substr(slash + 1), qualified = true;
  }
  std::vector<const FunctionInfo*> matches;
  for (const auto& f : functions_) {
    if (f.name != func) continue;
    // "/func" (empty interface) names a world-level function.
    if (qualified &&
        (iface.empty() ? !f.interface.empty() : !interface_matches(iface, f.interface))) {
      continue;
    }
    matches.push_back(&f);
  }
  if (matches.size() == 1) return matches[0];
  if (matches.size() > 1) {
    std::string list;
    for (const auto* m : matches) list += (list.empty() ? "" : ", ") + display_name(*m);
    return make_error(ErrorKind::ambiguous_function, "function \"" + std::string(name) +
                                                         "\" is ambiguous: " + list +
                                                         "; name it with its interface");
  }
  // Suggest the closest names.
  std::vector<std::pair<size_t, std::string>> near;
  for (const auto& f : functions_) {
    size_t d = std::min(distance(func, f.name), distance(name, display_name(f)));
    if (d <= std::max<size_t>(2, func.size() / 3)) near.emplace_back(d, display_name(f));
  }
  std::sort(near.begin(), near.end());
  std::string message = "no exported function \"" + std::string(name) + "\" in " + label_;
  if (!near.empty()) {
    message += "; did you mean: ";
    for (size_t i = 0; i < near.size() && i < 3; ++i) message += (i ? ", " : "") + near[i].second;
  }
  message += " (run `asterai inspect " + label_ + "` to list functions)";
  return make_error(ErrorKind::unknown_function, message);
}

}  // namespace asterai::runtime
