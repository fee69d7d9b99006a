#include "values.h"

#include <charconv>
#include <cmath>
#include <cstring>
#include <limits>

namespace asterai::runtime {
namespace {

using nlohmann::json;

// A short rendering of the offending JSON for error messages.
std::string show(const json& value) {
  std::string text = value.dump(-1, ' ', false, json::error_handler_t::replace);
  if (text.size() > 40) text = text.substr(0, 37) + "...";
  return text;
}

tl::unexpected<Error> mismatch(const std::string& expected, const json& got,
                               const std::string& path) {
  return make_error(ErrorKind::bad_arguments, "expected " + expected + ", got " + show(got), path);
}

wasm_name_t make_name(std::string_view text) {
  wasm_name_t name;
  wasm_byte_vec_new(&name, text.size(), text.data());
  return name;
}

// Integer bounds per kind, as (min, max) in the widest types.
struct IntRange {
  int64_t min;
  uint64_t max;
};
IntRange int_range(TypeKind kind) {
  switch (kind) {
    case TypeKind::S8:
      return {INT8_MIN, INT8_MAX};
    case TypeKind::U8:
      return {0, UINT8_MAX};
    case TypeKind::S16:
      return {INT16_MIN, INT16_MAX};
    case TypeKind::U16:
      return {0, UINT16_MAX};
    case TypeKind::S32:
      return {INT32_MIN, INT32_MAX};
    case TypeKind::U32:
      return {0, UINT32_MAX};
    case TypeKind::S64:
      return {INT64_MIN, INT64_MAX};
    default:
      return {0, UINT64_MAX};
  }
}

// Reads an integer from a JSON number (or, for 64-bit kinds, a decimal string) into either
// a signed or an unsigned 64-bit value, checking the kind's range.
Result<void> read_integer(TypeKind kind, const json& value, const std::string& path,
                          int64_t& as_signed, uint64_t& as_unsigned, bool& negative) {
  const std::string expected = kind_name(kind);
  auto range = int_range(kind);
  auto out_of_range = [&] {
    return mismatch(
        expected + " in [" + std::to_string(range.min) + ", " + std::to_string(range.max) + "]",
        value, path);
  };
  if (value.is_number_unsigned()) {
    negative = false;
    as_unsigned = value.get<uint64_t>();
  } else if (value.is_number_integer()) {
    as_signed = value.get<int64_t>();
    negative = as_signed < 0;
    if (!negative) as_unsigned = static_cast<uint64_t>(as_signed);
  } else if (value.is_number_float()) {
    double d = value.get<double>();
    // An integral float (e.g. 3.0) is accepted when exactly representable.
    if (!std::isfinite(d) || std::trunc(d) != d || std::fabs(d) > 9007199254740992.0) {
      return mismatch(expected, value, path);
    }
    negative = d < 0;
    if (negative)
      as_signed = static_cast<int64_t>(d);
    else
      as_unsigned = static_cast<uint64_t>(d);
  } else if (value.is_string() && (kind == TypeKind::S64 || kind == TypeKind::U64)) {
    const auto& text = value.get_ref<const std::string&>();
    const char* first = text.data();
    const char* last = text.data() + text.size();
    negative = !text.empty() && text[0] == '-';
    std::from_chars_result r;
    if (negative)
      r = std::from_chars(first, last, as_signed);
    else
      r = std::from_chars(first, last, as_unsigned);
    if (text.empty() || r.ptr != last) {
      return mismatch(expected + " (a decimal integer string)", value, path);
    }
    if (r.ec == std::errc::result_out_of_range) return out_of_range();
  } else {
    return mismatch(expected, value, path);
  }
  if (negative ? as_signed < range.min : as_unsigned > range.max) return out_of_range();
  return {};
}

Result<OwnedVal> integer_to_val(TypeKind kind, const json& value, const std::string& path) {
  int64_t s = 0;
  uint64_t u = 0;
  bool negative = false;
  ASTERAI_TRY(read_integer(kind, value, path, s, u, negative));
  int64_t sv = negative ? s : static_cast<int64_t>(u);
  OwnedVal out;
  auto& r = out.raw;
  switch (kind) {
    case TypeKind::S8:
      r.kind = WASMTIME_COMPONENT_S8;
      r.of.s8 = static_cast<int8_t>(sv);
      break;
    case TypeKind::U8:
      r.kind = WASMTIME_COMPONENT_U8;
      r.of.u8 = static_cast<uint8_t>(u);
      break;
    case TypeKind::S16:
      r.kind = WASMTIME_COMPONENT_S16;
      r.of.s16 = static_cast<int16_t>(sv);
      break;
    case TypeKind::U16:
      r.kind = WASMTIME_COMPONENT_U16;
      r.of.u16 = static_cast<uint16_t>(u);
      break;
    case TypeKind::S32:
      r.kind = WASMTIME_COMPONENT_S32;
      r.of.s32 = static_cast<int32_t>(sv);
      break;
    case TypeKind::U32:
      r.kind = WASMTIME_COMPONENT_U32;
      r.of.u32 = static_cast<uint32_t>(u);
      break;
    case TypeKind::S64:
      r.kind = WASMTIME_COMPONENT_S64;
      r.of.s64 = sv;
      break;
    default:
      r.kind = WASMTIME_COMPONENT_U64;
      r.of.u64 = u;
      break;
  }
  return out;
}

// NaN and the infinities have no JSON number form: they travel as these strings.
Result<double> read_float(TypeKind kind, const json& value, const std::string& path) {
  if (value.is_number()) return value.get<double>();
  if (value.is_string()) {
    const auto& s = value.get_ref<const std::string&>();
    if (s == "NaN") return std::numeric_limits<double>::quiet_NaN();
    if (s == "Infinity") return std::numeric_limits<double>::infinity();
    if (s == "-Infinity") return -std::numeric_limits<double>::infinity();
  }
  return mismatch(
      std::string(kind_name(kind)) + " (a number, \"NaN\", \"Infinity\" or \"-Infinity\")", value,
      path);
}

json float_to_json(double d) {
  if (std::isnan(d)) return "NaN";
  if (std::isinf(d)) return d > 0 ? "Infinity" : "-Infinity";
  return d;
}

// An f32 printed through double would show float noise (0.1f -> 0.10000000149011612): go
// through the shortest decimal that round-trips the float instead.
json f32_to_json(float f) {
  if (!std::isfinite(f)) return float_to_json(f);
  char buf[64];
  auto r = std::to_chars(buf, buf + sizeof buf, f);
  double d = 0;
  std::from_chars(buf, r.ptr, d);
  return d;
}

// Decodes exactly one Unicode scalar value from UTF-8 text, or returns false.
bool single_scalar(std::string_view s, uint32_t& out) {
  if (s.empty() || !is_valid_utf8(s)) return false;
  auto b = reinterpret_cast<const unsigned char*>(s.data());
  size_t len = b[0] < 0x80 ? 1 : b[0] < 0xE0 ? 2 : b[0] < 0xF0 ? 3 : 4;
  if (s.size() != len) return false;
  if (len == 1)
    out = b[0];
  else if (len == 2)
    out = ((b[0] & 0x1Fu) << 6) | (b[1] & 0x3Fu);
  else if (len == 3)
    out = ((b[0] & 0x0Fu) << 12) | ((b[1] & 0x3Fu) << 6) | (b[2] & 0x3Fu);
  else
    out = ((b[0] & 0x07u) << 18) | ((b[1] & 0x3Fu) << 12) | ((b[2] & 0x3Fu) << 6) | (b[3] & 0x3Fu);
  return true;
}

std::string encode_utf8(uint32_t c) {
  std::string out;
  if (c < 0x80) {
    out.push_back(static_cast<char>(c));
  } else if (c < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (c >> 6)));
    out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
  } else if (c < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (c >> 12)));
    out.push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (c >> 18)));
    out.push_back(static_cast<char>(0x80 | ((c >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
  }
  return out;
}

std::string case_names(const ValType& type) {
  std::string out;
  for (size_t i = 0; i < type.cases.size(); ++i) {
    if (i) out += ", ";
    out += "\"" + type.cases[i].name + "\"";
  }
  return out;
}

const NamedType* find_case(const ValType& type, std::string_view name) {
  for (const auto& c : type.cases) {
    if (c.name == name) return &c;
  }
  return nullptr;
}

// Options whose payload is itself an option need a wrapper: null alone cannot tell
// none from some(none). Such payloads are written {"some": value}.
bool option_needs_wrapper(const ValType& option) {
  return option.items[0].kind == TypeKind::Option;
}

Result<std::vector<OwnedVal>> convert_items(const std::vector<const ValType*>& types,
                                            const json& array, const std::string& path) {
  std::vector<OwnedVal> out;
  out.reserve(array.size());
  for (size_t i = 0; i < array.size(); ++i) {
    out.push_back(
        ASTERAI_TRY(json_to_val(*types[i], array[i], path + "[" + std::to_string(i) + "]")));
  }
  return out;
}

// Moves already-converted values into a freshly allocated C vector of values.
void fill_vals(wasmtime_component_val_t* data, std::vector<OwnedVal>& items) {
  for (size_t i = 0; i < items.size(); ++i) data[i] = items[i].release();
}

wasmtime_component_val_t* boxed_val(OwnedVal&& v) {
  // wasmtime_component_val_new moves the tree into a heap box owned by the parent.
  return wasmtime_component_val_new(&v.raw);
}

Result<OwnedVal> payload_to_val(const NamedType& c, const json& payload, const std::string& path,
                                wasmtime_component_val_t** slot) {
  *slot = nullptr;
  if (c.type) {
    auto inner = ASTERAI_TRY(json_to_val(*c.type, payload, path + "." + c.name));
    *slot = boxed_val(std::move(inner));
  } else if (!payload.is_null()) {
    return make_error(ErrorKind::bad_arguments,
                      "case \"" + c.name + "\" has no payload, got " + show(payload), path);
  }
  return OwnedVal{};
}

}  // namespace

bool is_valid_utf8(std::string_view text) {
  auto s = reinterpret_cast<const unsigned char*>(text.data());
  size_t n = text.size(), i = 0;
  while (i < n) {
    unsigned char c = s[i];
    if (c < 0x80) {
      ++i;
      continue;
    }
    size_t len;
    uint32_t min;
    if ((c & 0xE0) == 0xC0)
      len = 2, min = 0x80;
    else if ((c & 0xF0) == 0xE0)
      len = 3, min = 0x800;
    else if ((c & 0xF8) == 0xF0)
      len = 4, min = 0x10000;
    else
      return false;
    if (i + len > n) return false;
    uint32_t cp = c & (0xFF >> (len + 1));
    for (size_t k = 1; k < len; ++k) {
      if ((s[i + k] & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (s[i + k] & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
    i += len;
  }
  return true;
}

Result<OwnedVal> json_to_val(const ValType& type, const json& value, const std::string& path) {
  OwnedVal out;
  auto& r = out.raw;
  switch (type.kind) {
    case TypeKind::Bool:
      if (!value.is_boolean()) return mismatch("bool", value, path);
      r.kind = WASMTIME_COMPONENT_BOOL;
      r.of.boolean = value.get<bool>();
      return out;
    case TypeKind::S8:
    case TypeKind::U8:
    case TypeKind::S16:
    case TypeKind::U16:
    case TypeKind::S32:
    case TypeKind::U32:
    case TypeKind::S64:
    case TypeKind::U64:
      return integer_to_val(type.kind, value, path);
    case TypeKind::F32: {
      double d = ASTERAI_TRY(read_float(type.kind, value, path));
      // Refused only when it would round to an infinity: from the midpoint between the largest
      // f32 and 2^128 up (a tie rounds to 2^128). The largest f32 prints as 3.4028235e38,
      // which is above it, and must read back.
      if (std::isfinite(d) && std::fabs(d) >= 0x1.ffffffp+127) {
        return mismatch("f32 (magnitude at most 3.4028235e38)", value, path);
      }
      r.kind = WASMTIME_COMPONENT_F32;
      r.of.f32 = static_cast<float>(d);
      return out;
    }
    case TypeKind::F64:
      r.kind = WASMTIME_COMPONENT_F64;
      r.of.f64 = ASTERAI_TRY(read_float(type.kind, value, path));
      return out;
    case TypeKind::Char: {
      uint32_t c = 0;
      if (!value.is_string() || !single_scalar(value.get_ref<const std::string&>(), c)) {
        return mismatch("char (a string of exactly one Unicode scalar value)", value, path);
      }
      r.kind = WASMTIME_COMPONENT_CHAR;
      r.of.character = c;
      return out;
    }
    case TypeKind::String: {
      if (!value.is_string()) return mismatch("string", value, path);
      const auto& s = value.get_ref<const std::string&>();
      if (!is_valid_utf8(s))
        return make_error(ErrorKind::bad_arguments, "invalid UTF-8 in string", path);
      r.kind = WASMTIME_COMPONENT_STRING;
      r.of.string = make_name(s);
      return out;
    }
    case TypeKind::List: {
      if (!value.is_array()) return mismatch("list (a JSON array)", value, path);
      std::vector<const ValType*> types(value.size(), &type.items[0]);
      auto items = ASTERAI_TRY(convert_items(types, value, path));
      r.kind = WASMTIME_COMPONENT_LIST;
      wasmtime_component_vallist_new_uninit(&r.of.list, items.size());
      fill_vals(r.of.list.data, items);
      return out;
    }
    case TypeKind::Tuple: {
      if (!value.is_array() || value.size() != type.items.size()) {
        return mismatch("tuple of " + std::to_string(type.items.size()) + " items (a JSON array)",
                        value, path);
      }
      std::vector<const ValType*> types;
      for (const auto& t : type.items) types.push_back(&t);
      auto items = ASTERAI_TRY(convert_items(types, value, path));
      r.kind = WASMTIME_COMPONENT_TUPLE;
      wasmtime_component_valtuple_new_uninit(&r.of.tuple, items.size());
      fill_vals(r.of.tuple.data, items);
      return out;
    }
    case TypeKind::Record: {
      if (!value.is_object()) return mismatch("record (a JSON object)", value, path);
      for (const auto& [key, _] : value.items()) {
        if (!find_case(type, key)) {
          return make_error(ErrorKind::bad_arguments,
                            "unknown field \"" + key + "\" (fields: " + case_names(type) + ")",
                            path);
        }
      }
      std::vector<OwnedVal> fields;
      for (const auto& f : type.cases) {
        auto it = value.find(f.name);
        if (it == value.end()) {
          return make_error(ErrorKind::bad_arguments, "missing field \"" + f.name + "\"", path);
        }
        fields.push_back(ASTERAI_TRY(json_to_val(*f.type, *it, path + "." + f.name)));
      }
      r.kind = WASMTIME_COMPONENT_RECORD;
      wasmtime_component_valrecord_new_uninit(&r.of.record, fields.size());
      for (size_t i = 0; i < fields.size(); ++i) {
        r.of.record.data[i].name = make_name(type.cases[i].name);
        r.of.record.data[i].val = fields[i].release();
      }
      return out;
    }
    case TypeKind::Variant: {
      // "case" for a case without payload, {"case": payload} otherwise.
      std::string name;
      json payload;
      if (value.is_string()) {
        name = value.get<std::string>();
      } else if (value.is_object() && value.size() == 1) {
        name = value.begin().key();
        payload = value.begin().value();
      } else {
        return mismatch(
            "variant (\"case\" or {\"case\": payload}; cases: " + case_names(type) + ")", value,
            path);
      }
      const NamedType* c = find_case(type, name);
      if (!c) {
        return make_error(ErrorKind::bad_arguments,
                          "unknown case \"" + name + "\" (cases: " + case_names(type) + ")", path);
      }
      if (c->type && value.is_string()) {
        return make_error(ErrorKind::bad_arguments,
                          "case \"" + name + "\" needs a payload: {\"" + name + "\": ...}", path);
      }
      wasmtime_component_val_t* slot = nullptr;
      ASTERAI_TRY(payload_to_val(*c, payload, path, &slot));
      r.kind = WASMTIME_COMPONENT_VARIANT;
      r.of.variant.discriminant = make_name(name);
      r.of.variant.val = slot;
      return out;
    }
    case TypeKind::Enum: {
      if (!value.is_string() || !find_case(type, value.get_ref<const std::string&>())) {
        return mismatch("one of " + case_names(type), value, path);
      }
      r.kind = WASMTIME_COMPONENT_ENUM;
      r.of.enumeration = make_name(value.get_ref<const std::string&>());
      return out;
    }
    case TypeKind::Flags: {
      if (!value.is_array()) return mismatch("flags (an array of names)", value, path);
      std::vector<std::string> names;
      for (size_t i = 0; i < value.size(); ++i) {
        const auto& item = value[i];
        if (!item.is_string() || !find_case(type, item.get_ref<const std::string&>())) {
          return mismatch("one of " + case_names(type), item, path + "[" + std::to_string(i) + "]");
        }
        // A flag listed twice is still one flag.
        if (std::find(names.begin(), names.end(), item.get<std::string>()) == names.end()) {
          names.push_back(item.get<std::string>());
        }
      }
      r.kind = WASMTIME_COMPONENT_FLAGS;
      wasmtime_component_valflags_new_uninit(&r.of.flags, names.size());
      for (size_t i = 0; i < names.size(); ++i) r.of.flags.data[i] = make_name(names[i]);
      return out;
    }
    case TypeKind::Option: {
      r.kind = WASMTIME_COMPONENT_OPTION;
      r.of.option = nullptr;
      if (value.is_null()) return out;
      const json* inner = &value;
      std::string inner_path = path;
      if (option_needs_wrapper(type)) {
        if (!value.is_object() || value.size() != 1 || !value.contains("some")) {
          return mismatch("null or {\"some\": value} (a nested option)", value, path);
        }
        inner = &value["some"];
        inner_path += ".some";
      }
      auto v = ASTERAI_TRY(json_to_val(type.items[0], *inner, inner_path));
      r.of.option = boxed_val(std::move(v));
      return out;
    }
    case TypeKind::Result: {
      if (!value.is_object() || value.size() != 1 ||
          (!value.contains("ok") && !value.contains("err"))) {
        return mismatch("result ({\"ok\": value} or {\"err\": value})", value, path);
      }
      bool is_ok = value.contains("ok");
      NamedType c{is_ok ? "ok" : "err", is_ok ? type.ok : type.err};
      wasmtime_component_val_t* slot = nullptr;
      ASTERAI_TRY(payload_to_val(c, value.begin().value(), path, &slot));
      r.kind = WASMTIME_COMPONENT_RESULT;
      r.of.result.is_ok = is_ok;
      r.of.result.val = slot;
      return out;
    }
    default:
      return make_error(
          ErrorKind::unsupported_type,
          std::string("values of type ") + kind_name(type.kind) + " cannot be passed as JSON",
          path);
  }
}

json val_to_json(const ValType& type, const wasmtime_component_val_t& v) {
  auto name = [](const wasm_name_t& n) { return std::string(n.data, n.size); };
  switch (v.kind) {
    case WASMTIME_COMPONENT_BOOL:
      return v.of.boolean;
    case WASMTIME_COMPONENT_S8:
      return v.of.s8;
    case WASMTIME_COMPONENT_U8:
      return v.of.u8;
    case WASMTIME_COMPONENT_S16:
      return v.of.s16;
    case WASMTIME_COMPONENT_U16:
      return v.of.u16;
    case WASMTIME_COMPONENT_S32:
      return v.of.s32;
    case WASMTIME_COMPONENT_U32:
      return v.of.u32;
    case WASMTIME_COMPONENT_S64:
      return v.of.s64;
    case WASMTIME_COMPONENT_U64:
      return v.of.u64;
    case WASMTIME_COMPONENT_F32:
      return f32_to_json(v.of.f32);
    case WASMTIME_COMPONENT_F64:
      return float_to_json(v.of.f64);
    case WASMTIME_COMPONENT_CHAR:
      return encode_utf8(v.of.character);
    case WASMTIME_COMPONENT_STRING:
      return name(v.of.string);
    case WASMTIME_COMPONENT_LIST: {
      json out = json::array();
      for (size_t i = 0; i < v.of.list.size; ++i)
        out.push_back(val_to_json(type.items[0], v.of.list.data[i]));
      return out;
    }
    case WASMTIME_COMPONENT_TUPLE: {
      json out = json::array();
      for (size_t i = 0; i < v.of.tuple.size; ++i) {
        out.push_back(val_to_json(type.items.at(i), v.of.tuple.data[i]));
      }
      return out;
    }
    case WASMTIME_COMPONENT_RECORD: {
      json out = json::object();
      for (size_t i = 0; i < v.of.record.size; ++i) {
        const auto& e = v.of.record.data[i];
        const NamedType* f = find_case(type, name(e.name));
        out[name(e.name)] = f && f->type ? val_to_json(*f->type, e.val) : json();
      }
      return out;
    }
    case WASMTIME_COMPONENT_VARIANT: {
      std::string c = name(v.of.variant.discriminant);
      const NamedType* nt = find_case(type, c);
      if (!v.of.variant.val || !nt || !nt->type) return c;
      return json{{c, val_to_json(*nt->type, *v.of.variant.val)}};
    }
    case WASMTIME_COMPONENT_ENUM:
      return name(v.of.enumeration);
    case WASMTIME_COMPONENT_OPTION: {
      if (!v.of.option) return nullptr;
      json inner = val_to_json(type.items[0], *v.of.option);
      if (option_needs_wrapper(type)) return json{{"some", std::move(inner)}};
      return inner;
    }
    case WASMTIME_COMPONENT_RESULT: {
      const char* key = v.of.result.is_ok ? "ok" : "err";
      const auto& payload_type = v.of.result.is_ok ? type.ok : type.err;
      if (!v.of.result.val || !payload_type) return json{{key, nullptr}};
      return json{{key, val_to_json(*payload_type, *v.of.result.val)}};
    }
    case WASMTIME_COMPONENT_FLAGS: {
      json out = json::array();
      for (size_t i = 0; i < v.of.flags.size; ++i) out.push_back(name(v.of.flags.data[i]));
      return out;
    }
    default:
      return json{{"unsupported", kind_name(type.kind)}};
  }
}

}  // namespace asterai::runtime
