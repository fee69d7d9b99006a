#include "asterai/runtime/schema.h"

#include <limits>

namespace asterai::runtime {
namespace {

using nlohmann::json;

constexpr const char* kDialect = "https://json-schema.org/draft/2020-12/schema";

json integer_schema(TypeKind kind) {
  json s = {{"type", "integer"}};
  switch (kind) {
    case TypeKind::S8:
      s["minimum"] = INT8_MIN;
      s["maximum"] = INT8_MAX;
      break;
    case TypeKind::U8:
      s["minimum"] = 0;
      s["maximum"] = UINT8_MAX;
      break;
    case TypeKind::S16:
      s["minimum"] = INT16_MIN;
      s["maximum"] = INT16_MAX;
      break;
    case TypeKind::U16:
      s["minimum"] = 0;
      s["maximum"] = UINT16_MAX;
      break;
    case TypeKind::S32:
      s["minimum"] = INT32_MIN;
      s["maximum"] = INT32_MAX;
      break;
    case TypeKind::U32:
      s["minimum"] = 0;
      s["maximum"] = UINT32_MAX;
      break;
    case TypeKind::S64:
      s["minimum"] = std::numeric_limits<int64_t>::min();
      s["maximum"] = std::numeric_limits<int64_t>::max();
      break;
    default:
      s["minimum"] = 0;
      s["maximum"] = std::numeric_limits<uint64_t>::max();
      break;
  }
  return s;
}

// {"<key>": <schema>} with exactly that key.
json single_key_object(const std::string& key, json inner) {
  return {{"type", "object"},
          {"properties", {{key, std::move(inner)}}},
          {"required", json::array({key})},
          {"additionalProperties", false}};
}

json names_of(const ValType& type) {
  json names = json::array();
  for (const auto& c : type.cases) names.push_back(c.name);
  return names;
}

}  // namespace

json value_schema(const ValType& type) {
  switch (type.kind) {
    case TypeKind::Bool:
      return {{"type", "boolean"}};
    case TypeKind::S8:
    case TypeKind::U8:
    case TypeKind::S16:
    case TypeKind::U16:
    case TypeKind::S32:
    case TypeKind::U32:
    case TypeKind::S64:
    case TypeKind::U64:
      return integer_schema(type.kind);
    case TypeKind::F32:
    case TypeKind::F64:
      // NaN and the infinities travel as strings (docs/values.md).
      return {{"anyOf", json::array({{{"type", "number"}},
                                     {{"enum", json::array({"NaN", "Infinity", "-Infinity"})}}})},
              {"description", std::string(kind_name(type.kind)) + " floating-point number"}};
    case TypeKind::Char:
      return {{"type", "string"},
              {"minLength", 1},
              {"maxLength", 1},
              {"description", "a single Unicode scalar value"}};
    case TypeKind::String:
      return {{"type", "string"}};
    case TypeKind::List:
      return {{"type", "array"}, {"items", value_schema(type.items[0])}};
    case TypeKind::Tuple: {
      json items = json::array();
      for (const auto& t : type.items) items.push_back(value_schema(t));
      return {{"type", "array"},
              {"prefixItems", items},
              {"items", false},
              {"minItems", type.items.size()},
              {"maxItems", type.items.size()}};
    }
    case TypeKind::Record: {
      json props = json::object();
      json required = json::array();
      for (const auto& f : type.cases) {
        props[f.name] = value_schema(*f.type);
        required.push_back(f.name);
      }
      return {{"type", "object"},
              {"properties", props},
              {"required", required},
              {"additionalProperties", false}};
    }
    case TypeKind::Variant: {
      json one_of = json::array();
      for (const auto& c : type.cases) {
        if (c.type)
          one_of.push_back(single_key_object(c.name, value_schema(*c.type)));
        else
          one_of.push_back({{"const", c.name}});
      }
      return {{"oneOf", one_of}};
    }
    case TypeKind::Enum:
      return {{"type", "string"}, {"enum", names_of(type)}};
    case TypeKind::Flags:
      return {{"type", "array"},
              {"items", {{"type", "string"}, {"enum", names_of(type)}}},
              {"uniqueItems", true}};
    case TypeKind::Option: {
      json inner = value_schema(type.items[0]);
      if (type.items[0].kind == TypeKind::Option)
        inner = single_key_object("some", std::move(inner));
      return {{"anyOf", json::array({{{"type", "null"}}, std::move(inner)})}};
    }
    case TypeKind::Result: {
      auto arm = [](const char* key, const std::shared_ptr<const ValType>& t) {
        return single_key_object(key, t ? value_schema(*t) : json{{"type", "null"}});
      };
      return {{"oneOf", json::array({arm("ok", type.ok), arm("err", type.err)})}};
    }
    default:
      // Unsupported kinds never reach a tool schema; say so rather than guess.
      return {{"not", json::object()},
              {"description", std::string("unsupported: ") + kind_name(type.kind)}};
  }
}

json input_schema(const FunctionInfo& function) {
  json props = json::object();
  json required = json::array();
  for (const auto& p : function.params) {
    props[p.name] = value_schema(p.type);
    required.push_back(p.name);
  }
  return {{"$schema", kDialect},
          {"type", "object"},
          {"properties", props},
          {"required", required},
          {"additionalProperties", false}};
}

json output_schema(const FunctionInfo& function) {
  json s = function.result ? value_schema(*function.result) : json{{"type", "null"}};
  s["$schema"] = kDialect;
  return s;
}

}  // namespace asterai::runtime
