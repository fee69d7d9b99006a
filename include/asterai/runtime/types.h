// asterai's own model of component-model value types and exported functions. It is filled
// from Wasmtime's type reflection once per component, so values, schemas and signatures are
// computed without Wasmtime types leaking out of the runtime.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace asterai::runtime {

enum class TypeKind {
  Bool,
  S8,
  U8,
  S16,
  U16,
  S32,
  U32,
  S64,
  U64,
  F32,
  F64,
  Char,
  String,
  List,
  Record,
  Tuple,
  Variant,
  Enum,
  Option,
  Result,
  Flags,
  // Not representable as JSON tool arguments; a function using them is "unsupported".
  Own,
  Borrow,
  Future,
  Stream,
  ErrorContext,
  Map,
};

struct ValType;

// A record field, variant case, enum case or flag. `type` is null for cases without a
// payload and for enum cases and flags.
struct NamedType {
  std::string name;
  std::shared_ptr<const ValType> type;
};

struct ValType {
  TypeKind kind = TypeKind::Bool;
  // list, option: the element type; tuple: the item types.
  std::vector<ValType> items;
  // record fields, variant cases, enum cases, flag names.
  std::vector<NamedType> cases;
  // result: either may be null (`result`, `result<T>`, `result<_, E>`).
  std::shared_ptr<const ValType> ok;
  std::shared_ptr<const ValType> err;
};

// True for the integer kinds s8..u64.
bool is_integer(TypeKind kind);
// "u32", "list", "record", ...: the WIT keyword of the kind.
const char* kind_name(TypeKind kind);
// WIT-like text of a type: `list<tuple<u8, string>>`, `record { name: string, age: u32 }`.
std::string to_wit(const ValType& type);
// The first resource/stream/future/... inside the type, named, or empty when supported.
std::string unsupported_part(const ValType& type);

struct Param {
  std::string name;
  ValType type;
};

struct FunctionInfo {
  // Export path of the interface holding the function ("asterai:kitchen-sink/values@0.1.0"),
  // empty for a function exported directly by the world.
  std::string interface;
  std::string name;
  std::vector<Param> params;
  std::optional<ValType> result;
  bool is_async = false;
  // Why the function cannot be called with JSON (a resource, stream or future in its
  // signature); empty when it can.
  std::string unsupported;

  // "asterai:kitchen-sink/values@0.1.0#echo-bool", or "add" for a world-level function.
  std::string qualified_name() const;
  // `func(a: s32, b: s32) -> s32`
  std::string signature() const;
};

// Who answers an import when the component runs.
enum class ImportSource {
  none,    // nothing: the component runs, and a call into the import fails (missing-import)
  host,    // the runtime itself (WASI, wasi:http; in an environment also asterai:host)
  member,  // another component of the environment
};

// An import or export of a component, as shown by `asterai inspect`.
struct ItemInfo {
  std::string name;
  std::string kind;  // "instance", "func", "type", "resource", "module", "component"
  // Imports only: who provides it, and `provider` names what it resolved to: the host's
  // interface ("wasi:cli/environment@0.2.12" for an import of @0.2.0) or the member's name.
  ImportSource source = ImportSource::none;
  std::string provider;
};

// "none", "host", "component": the words `asterai inspect --json` uses.
const char* import_source_name(ImportSource source);

}  // namespace asterai::runtime
