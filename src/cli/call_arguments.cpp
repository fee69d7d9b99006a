#include "call_arguments.h"

namespace asterai::cli {
namespace {

bool takes_text(const runtime::ValType& t) {
  return t.kind == runtime::TypeKind::String || t.kind == runtime::TypeKind::Char ||
         t.kind == runtime::TypeKind::Enum;
}

}  // namespace

Result<nlohmann::json> parse_call_arguments(const runtime::FunctionInfo& f,
                                            const std::vector<std::string>& words) {
  if (words.size() == 1) {
    auto obj = nlohmann::json::parse(words[0], nullptr, false);
    if (obj.is_object()) {
      bool all_params = !obj.empty() || f.params.empty();
      for (const auto& [key, _] : obj.items()) {
        bool known = false;
        for (const auto& p : f.params) known = known || p.name == key;
        all_params = all_params && known;
      }
      bool single_record = f.params.size() == 1 && !obj.contains(f.params[0].name);
      if (all_params && !single_record) return obj;
    }
  }
  nlohmann::json args = nlohmann::json::array();
  for (size_t i = 0; i < words.size(); ++i) {
    auto value = nlohmann::json::parse(words[i], nullptr, false);
    if (value.is_discarded()) {
      if (i < f.params.size() && takes_text(f.params[i].type)) {
        value = words[i];
      } else {
        std::string param = i < f.params.size() ? f.params[i].name : std::to_string(i);
        return make_error(ErrorKind::bad_arguments,
                          "not valid JSON: " + words[i] + " (quote strings as JSON: '\"text\"')",
                          "args." + param);
      }
    }
    args.push_back(std::move(value));
  }
  return args;
}

}  // namespace asterai::cli
