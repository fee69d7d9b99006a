// Terse constructors for ValType trees in tests.
#pragma once

#include <initializer_list>
#include <memory>
#include <string>
#include <utility>

#include "asterai/runtime/runtime.h"
#include "asterai/runtime/types.h"

namespace asterai::runtime::build {

inline ValType prim(TypeKind k) {
  return ValType{k, {}, {}, nullptr, nullptr};
}
inline std::shared_ptr<const ValType> box(ValType t) {
  return std::make_shared<const ValType>(std::move(t));
}
inline ValType list(ValType e) {
  return ValType{TypeKind::List, {std::move(e)}, {}, nullptr, nullptr};
}
inline ValType option(ValType e) {
  return ValType{TypeKind::Option, {std::move(e)}, {}, nullptr, nullptr};
}
inline ValType tuple(std::initializer_list<ValType> items) {
  return ValType{TypeKind::Tuple, items, {}, nullptr, nullptr};
}
inline ValType record(std::initializer_list<std::pair<std::string, ValType>> fields) {
  ValType t{TypeKind::Record, {}, {}, nullptr, nullptr};
  for (const auto& [n, ft] : fields) t.cases.push_back(NamedType{n, box(ft)});
  return t;
}
// Cases with a payload are given as (name, type); cases without, by name alone.
inline ValType variant(
    std::initializer_list<std::pair<std::string, std::shared_ptr<const ValType>>> cases) {
  ValType t{TypeKind::Variant, {}, {}, nullptr, nullptr};
  for (const auto& [n, ct] : cases) t.cases.push_back(NamedType{n, ct});
  return t;
}
inline ValType names(TypeKind kind, std::initializer_list<std::string> ns) {
  ValType t{kind, {}, {}, nullptr, nullptr};
  for (const auto& n : ns) t.cases.push_back(NamedType{n, nullptr});
  return t;
}
inline ValType result(std::shared_ptr<const ValType> ok, std::shared_ptr<const ValType> err) {
  return ValType{TypeKind::Result, {}, {}, std::move(ok), std::move(err)};
}

}  // namespace asterai::runtime::build

namespace asterai::runtime {
// EngineOptions with one field changed (GCC warns on partial designated initializers).
inline EngineOptions with_cache(std::filesystem::path dir) {
  EngineOptions o;
  o.cache_dir = std::move(dir);
  return o;
}
inline EngineOptions with_fuel() {
  EngineOptions o;
  o.fuel = true;
  return o;
}
}  // namespace asterai::runtime
