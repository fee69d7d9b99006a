#include "asterai/runtime/types.h"

namespace asterai::runtime {

bool is_integer(TypeKind kind) {
  return kind >= TypeKind::S8 && kind <= TypeKind::U64;
}

const char* kind_name(TypeKind kind) {
  switch (kind) {
    case TypeKind::Bool:
      return "bool";
    case TypeKind::S8:
      return "s8";
    case TypeKind::U8:
      return "u8";
    case TypeKind::S16:
      return "s16";
    case TypeKind::U16:
      return "u16";
    case TypeKind::S32:
      return "s32";
    case TypeKind::U32:
      return "u32";
    case TypeKind::S64:
      return "s64";
    case TypeKind::U64:
      return "u64";
    case TypeKind::F32:
      return "f32";
    case TypeKind::F64:
      return "f64";
    case TypeKind::Char:
      return "char";
    case TypeKind::String:
      return "string";
    case TypeKind::List:
      return "list";
    case TypeKind::Record:
      return "record";
    case TypeKind::Tuple:
      return "tuple";
    case TypeKind::Variant:
      return "variant";
    case TypeKind::Enum:
      return "enum";
    case TypeKind::Option:
      return "option";
    case TypeKind::Result:
      return "result";
    case TypeKind::Flags:
      return "flags";
    case TypeKind::Own:
      return "own";
    case TypeKind::Borrow:
      return "borrow";
    case TypeKind::Future:
      return "future";
    case TypeKind::Stream:
      return "stream";
    case TypeKind::ErrorContext:
      return "error-context";
    case TypeKind::Map:
      return "map";
  }
  return "?";
}

namespace {

std::string join_cases(const ValType& type, bool with_types) {
  std::string out;
  for (size_t i = 0; i < type.cases.size(); ++i) {
    if (i) out += ", ";
    out += type.cases[i].name;
    if (with_types && type.cases[i].type) {
      out += type.kind == TypeKind::Record ? ": " : "(";
      out += to_wit(*type.cases[i].type);
      if (type.kind != TypeKind::Record) out += ")";
    }
  }
  return out;
}

}  // namespace

std::string to_wit(const ValType& type) {
  switch (type.kind) {
    case TypeKind::List:
    case TypeKind::Option:
    case TypeKind::Future:
    case TypeKind::Stream:
      if (type.items.empty()) return kind_name(type.kind);
      return std::string(kind_name(type.kind)) + "<" + to_wit(type.items[0]) + ">";
    case TypeKind::Map:
      if (type.items.size() != 2) return "map";
      return "map<" + to_wit(type.items[0]) + ", " + to_wit(type.items[1]) + ">";
    case TypeKind::Tuple: {
      std::string out = "tuple<";
      for (size_t i = 0; i < type.items.size(); ++i) {
        if (i) out += ", ";
        out += to_wit(type.items[i]);
      }
      return out + ">";
    }
    case TypeKind::Result: {
      if (!type.ok && !type.err) return "result";
      std::string ok = type.ok ? to_wit(*type.ok) : "_";
      if (!type.err) return "result<" + ok + ">";
      return "result<" + ok + ", " + to_wit(*type.err) + ">";
    }
    case TypeKind::Record:
    case TypeKind::Variant:
      return std::string(kind_name(type.kind)) + " { " + join_cases(type, true) + " }";
    case TypeKind::Enum:
    case TypeKind::Flags:
      return std::string(kind_name(type.kind)) + " { " + join_cases(type, false) + " }";
    default:
      return kind_name(type.kind);
  }
}

std::string unsupported_part(const ValType& type) {
  switch (type.kind) {
    case TypeKind::Own:
    case TypeKind::Borrow:
      return std::string("resource handle (") + kind_name(type.kind) + ")";
    case TypeKind::Future:
    case TypeKind::Stream:
    case TypeKind::ErrorContext:
    case TypeKind::Map:
      return kind_name(type.kind);
    default:
      break;
  }
  for (const auto& item : type.items) {
    if (auto part = unsupported_part(item); !part.empty()) return part;
  }
  for (const auto& c : type.cases) {
    if (!c.type) continue;
    if (auto part = unsupported_part(*c.type); !part.empty()) return part;
  }
  for (const auto* inner : {type.ok.get(), type.err.get()}) {
    if (!inner) continue;
    if (auto part = unsupported_part(*inner); !part.empty()) return part;
  }
  return {};
}

std::string FunctionInfo::qualified_name() const {
  return interface.empty() ? name : interface + "#" + name;
}

std::string FunctionInfo::signature() const {
  std::string out = is_async ? "async func(" : "func(";
  for (size_t i = 0; i < params.size(); ++i) {
    if (i) out += ", ";
    out += params[i].name + ": " + to_wit(params[i].type);
  }
  out += ")";
  if (result) out += " -> " + to_wit(*result);
  return out;
}

const char* import_source_name(ImportSource source) {
  switch (source) {
    case ImportSource::host:
      return "host";
    case ImportSource::member:
      return "component";
    case ImportSource::none:
      break;
  }
  return "none";
}

}  // namespace asterai::runtime
