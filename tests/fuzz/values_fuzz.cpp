// JSON -> component values -> JSON (docs/values.md) under a signature the fuzzer picks: any WIT
// value type, nested. The input first describes the type, then the JSON: either as text, or
// built from the remaining bytes along the type (mostly well-typed, so deep values are
// reached). Properties: conversion never crashes; a value that converted prints as JSON that
// converts back to the same value (value -> JSON -> value is the identity, checked on the
// canonical JSON text, so -0.0, NaN and float widths count).
#include <fuzzer/FuzzedDataProvider.h>

#include <cstdio>
#include <cstdlib>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "values.h"

namespace {

using asterai::runtime::NamedType;
using asterai::runtime::TypeKind;
using asterai::runtime::ValType;
using nlohmann::json;

constexpr int kMaxDepth = 5;
// Names a case or field may have: WIT identifiers, and the keys the encoding itself uses.
constexpr const char* kNames[] = {"a", "b", "c", "some", "ok", "err", "tag", "x-y", "none", "v2"};

std::string pick_name(FuzzedDataProvider& in) {
  return kNames[in.ConsumeIntegralInRange<size_t>(0, std::size(kNames) - 1)];
}

// Distinct names, as WIT requires for fields, cases and flags.
std::vector<std::string> pick_names(FuzzedDataProvider& in) {
  std::vector<std::string> out;
  size_t n = in.ConsumeIntegralInRange<size_t>(1, 4);
  for (size_t i = 0; i < n; ++i) {
    auto name = pick_name(in);
    if (std::find(out.begin(), out.end(), name) == out.end()) out.push_back(name);
  }
  return out;
}

ValType pick_type(FuzzedDataProvider& in, int depth) {
  // Leaves only past the depth bound.
  int last =
      depth >= kMaxDepth ? static_cast<int>(TypeKind::String) : static_cast<int>(TypeKind::Flags);
  ValType t;
  t.kind = static_cast<TypeKind>(in.ConsumeIntegralInRange(0, last));
  // Now and then a kind JSON cannot carry (resources, streams, ...): an error, never a crash.
  if (in.ConsumeIntegralInRange(0, 63) == 0)
    t.kind = static_cast<TypeKind>(in.ConsumeIntegralInRange(static_cast<int>(TypeKind::Own),
                                                             static_cast<int>(TypeKind::Map)));
  auto boxed = [&] { return std::make_shared<const ValType>(pick_type(in, depth + 1)); };
  switch (t.kind) {
    case TypeKind::List:
    case TypeKind::Option:
      t.items.push_back(pick_type(in, depth + 1));
      break;
    case TypeKind::Tuple: {
      int n = in.ConsumeIntegralInRange(1, 3);
      for (int i = 0; i < n; ++i) t.items.push_back(pick_type(in, depth + 1));
      break;
    }
    case TypeKind::Record:
      for (auto& name : pick_names(in)) t.cases.push_back(NamedType{name, boxed()});
      break;
    case TypeKind::Variant:
      for (auto& name : pick_names(in))
        t.cases.push_back(NamedType{name, in.ConsumeBool() ? boxed() : nullptr});
      break;
    case TypeKind::Enum:
    case TypeKind::Flags:
      for (auto& name : pick_names(in)) t.cases.push_back(NamedType{name, nullptr});
      break;
    case TypeKind::Result:
      if (in.ConsumeBool()) t.ok = boxed();
      if (in.ConsumeBool()) t.err = boxed();
      break;
    default:
      break;
  }
  return t;
}

json pick_number(FuzzedDataProvider& in) {
  switch (in.ConsumeIntegralInRange(0, 4)) {
    case 0:
      return in.ConsumeIntegral<int64_t>();
    case 1:
      return in.ConsumeIntegral<uint64_t>();
    case 2:
      return in.ConsumeFloatingPoint<double>();
    case 3:
      return static_cast<double>(in.ConsumeFloatingPoint<float>());
    default:
      return std::to_string(in.ConsumeIntegral<int64_t>());
  }
}

// A JSON value shaped by `type`; one time in sixteen a random scalar instead.
json pick_json(const ValType& type, FuzzedDataProvider& in, int depth) {
  if (depth > kMaxDepth + 2 || in.ConsumeIntegralInRange(0, 15) == 0) {
    switch (in.ConsumeIntegralInRange(0, 3)) {
      case 0:
        return nullptr;
      case 1:
        return in.ConsumeBool();
      case 2:
        return pick_number(in);
      default:
        return in.ConsumeRandomLengthString(8);
    }
  }
  auto one_of = [&](const std::vector<NamedType>& cases) -> const NamedType& {
    return cases[in.ConsumeIntegralInRange<size_t>(0, cases.size() - 1)];
  };
  switch (type.kind) {
    case TypeKind::Bool:
      return in.ConsumeBool();
    case TypeKind::F32:
    case TypeKind::F64:
      if (in.ConsumeIntegralInRange(0, 7) == 0)
        return std::vector<std::string>{"NaN", "Infinity",
                                        "-Infinity"}[in.ConsumeIntegralInRange(0, 2)];
      return pick_number(in);
    case TypeKind::Char:
    case TypeKind::String:
      return in.ConsumeRandomLengthString(type.kind == TypeKind::Char ? 4 : 16);
    case TypeKind::List: {
      json out = json::array();
      size_t n = in.ConsumeIntegralInRange<size_t>(0, 4);
      for (size_t i = 0; i < n; ++i) out.push_back(pick_json(type.items[0], in, depth + 1));
      return out;
    }
    case TypeKind::Tuple: {
      json out = json::array();
      for (const auto& item : type.items) out.push_back(pick_json(item, in, depth + 1));
      return out;
    }
    case TypeKind::Record: {
      json out = json::object();
      for (const auto& f : type.cases)
        if (in.ConsumeIntegralInRange(0, 15) != 0) out[f.name] = pick_json(*f.type, in, depth + 1);
      return out;
    }
    case TypeKind::Variant: {
      const auto& c = one_of(type.cases);
      if (!c.type && in.ConsumeBool()) return c.name;
      return json{{c.name, c.type ? pick_json(*c.type, in, depth + 1) : json()}};
    }
    case TypeKind::Enum:
      return one_of(type.cases).name;
    case TypeKind::Flags: {
      json out = json::array();
      size_t n = in.ConsumeIntegralInRange<size_t>(0, 4);
      for (size_t i = 0; i < n; ++i) out.push_back(one_of(type.cases).name);
      return out;
    }
    case TypeKind::Option: {
      if (in.ConsumeBool()) return nullptr;
      json inner = pick_json(type.items[0], in, depth + 1);
      if (type.items[0].kind == TypeKind::Option) return json{{"some", std::move(inner)}};
      return inner;
    }
    case TypeKind::Result: {
      bool ok = in.ConsumeBool();
      const auto& side = ok ? type.ok : type.err;
      return json{{ok ? "ok" : "err", side ? pick_json(*side, in, depth + 1) : json()}};
    }
    default:
      return pick_number(in);
  }
}

[[noreturn]] void fail(const char* what, const ValType& type, const std::string& detail) {
  std::fprintf(stderr, "%s\n  type: %s\n  %s\n", what, asterai::runtime::to_wit(type).c_str(),
               detail.c_str());
  std::abort();
}

std::string text_of(const json& j) {
  return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  FuzzedDataProvider in(data, size);
  ValType type = pick_type(in, 0);
  json input;
  if (in.ConsumeBool()) {
    input = json::parse(in.ConsumeRemainingBytesAsString(), nullptr, /*allow_exceptions=*/false);
    if (input.is_discarded()) return 0;
  } else {
    input = pick_json(type, in, 0);
  }
  auto value = asterai::runtime::json_to_val(type, input, "args");
  if (!value) return 0;
  json printed = asterai::runtime::val_to_json(type, value->raw);
  auto again = asterai::runtime::json_to_val(type, printed, "args");
  if (!again)
    fail("a value's JSON does not convert back", type,
         "input: " + text_of(input) + "\n  printed: " + text_of(printed) +
             "\n  error: " + again.error().message);
  json reprinted = asterai::runtime::val_to_json(type, again->raw);
  if (text_of(reprinted) != text_of(printed))
    fail("value -> JSON -> value is not the identity", type,
         "printed: " + text_of(printed) + "\n  reprinted: " + text_of(reprinted));
  return 0;
}
