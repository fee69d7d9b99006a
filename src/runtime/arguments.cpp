#include "arguments.h"

namespace asterai::runtime {
namespace {

std::string param_list(const FunctionInfo& f) {
  std::string out;
  for (size_t i = 0; i < f.params.size(); ++i) {
    if (i) out += ", ";
    out += f.params[i].name + ": " + to_wit(f.params[i].type);
  }
  return out;
}

tl::unexpected<Error> count_error(const FunctionInfo& f, size_t got) {
  return make_error(ErrorKind::bad_arguments, f.name + " takes " + std::to_string(f.params.size()) +
                                                  " argument" + (f.params.size() == 1 ? "" : "s") +
                                                  " (" + param_list(f) + "), got " +
                                                  std::to_string(got));
}

}  // namespace

Result<std::vector<OwnedVal>> bind_arguments(const FunctionInfo& f, const nlohmann::json& args) {
  std::vector<OwnedVal> out;
  out.reserve(f.params.size());
  if (args.is_null() && f.params.empty()) return out;
  if (args.is_array()) {
    if (args.size() != f.params.size()) return count_error(f, args.size());
    for (size_t i = 0; i < f.params.size(); ++i) {
      out.push_back(
          ASTERAI_TRY(json_to_val(f.params[i].type, args[i], "args." + f.params[i].name)));
    }
    return out;
  }
  if (!args.is_object()) {
    return make_error(ErrorKind::bad_arguments,
                      "arguments must be a JSON object of named parameters or an array of values");
  }
  for (const auto& [key, _] : args.items()) {
    bool known = false;
    for (const auto& p : f.params) known = known || p.name == key;
    if (!known) {
      return make_error(
          ErrorKind::bad_arguments,
          "unknown parameter \"" + key + "\" (" + f.name + " takes " + param_list(f) + ")", "args");
    }
  }
  for (const auto& p : f.params) {
    auto it = args.find(p.name);
    if (it == args.end()) {
      return make_error(
          ErrorKind::bad_arguments,
          "missing parameter \"" + p.name + "\" (" + f.name + " takes " + param_list(f) + ")",
          "args");
    }
    out.push_back(ASTERAI_TRY(json_to_val(p.type, *it, "args." + p.name)));
  }
  return out;
}

Result<void> check_arguments(const FunctionInfo& function, const nlohmann::json& args) {
  ASTERAI_TRY(bind_arguments(function, args));
  return {};
}

}  // namespace asterai::runtime
