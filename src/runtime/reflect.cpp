#include "reflect.h"

#include <string_view>

namespace asterai::runtime {
namespace {

std::string name_of(const char* data, size_t len) {
  return std::string(data, len);
}

std::shared_ptr<const ValType> boxed(const wasmtime_component_valtype_t& t) {
  return std::make_shared<const ValType>(reflect_valtype(t));
}

const char* item_kind(wasmtime_component_item_kind_t kind) {
  switch (kind) {
    case WASMTIME_COMPONENT_ITEM_COMPONENT:
      return "component";
    case WASMTIME_COMPONENT_ITEM_COMPONENT_INSTANCE:
      return "instance";
    case WASMTIME_COMPONENT_ITEM_MODULE:
      return "module";
    case WASMTIME_COMPONENT_ITEM_COMPONENT_FUNC:
      return "func";
    case WASMTIME_COMPONENT_ITEM_RESOURCE:
      return "resource";
    case WASMTIME_COMPONENT_ITEM_CORE_FUNC:
      return "core-func";
    default:
      return "type";
  }
}

FunctionInfo reflect_function(std::string interface, std::string name,
                              const wasmtime_component_func_type_t* type) {
  FunctionInfo fn;
  fn.interface = std::move(interface);
  fn.name = std::move(name);
  fn.is_async = wasmtime_component_func_type_async(type);
  size_t count = wasmtime_component_func_type_param_count(type);
  for (size_t i = 0; i < count; ++i) {
    const char* pname = nullptr;
    size_t plen = 0;
    wt::ValTypeHolder ptype;
    if (!wasmtime_component_func_type_param_nth(type, i, &pname, &plen, &ptype.raw)) continue;
    fn.params.push_back(Param{name_of(pname, plen), reflect_valtype(ptype.raw)});
  }
  wt::ValTypeHolder rtype;
  if (wasmtime_component_func_type_result(type, &rtype.raw)) fn.result = reflect_valtype(rtype.raw);

  for (const auto& p : fn.params) {
    if (auto part = unsupported_part(p.type); !part.empty()) {
      fn.unsupported = "parameter `" + p.name + "` uses a " + part;
      break;
    }
  }
  if (fn.unsupported.empty() && fn.result) {
    if (auto part = unsupported_part(*fn.result); !part.empty()) {
      fn.unsupported = "the result uses a " + part;
    }
  }
  if (fn.unsupported.empty() && fn.is_async) fn.unsupported = "async functions";
  return fn;
}

// componentize-py leaves the hook it initializes CPython through at build time in every
// component it makes: `exports#init(app-name, symbols, stub-wasi)`. It is not part of the
// component's interface, so it is no function of it (no tool, not callable by name).
bool is_componentize_py_init(const FunctionInfo& fn) {
  return fn.interface == "exports" && fn.name == "init" && fn.params.size() == 3 &&
         fn.params[0].name == "app-name" && fn.params[1].name == "symbols" &&
         fn.params[2].name == "stub-wasi";
}

// Collects the functions of an exported instance (an interface).
void collect_instance(const wasm_engine_t* engine, const wasmtime_component_instance_type_t* inst,
                      const std::string& path, Reflection& out) {
  size_t count = wasmtime_component_instance_type_export_count(inst, engine);
  for (size_t i = 0; i < count; ++i) {
    const char* name = nullptr;
    size_t len = 0;
    wt::ItemHolder item;
    if (!wasmtime_component_instance_type_export_nth(inst, engine, i, &name, &len, &item.raw)) {
      continue;
    }
    std::string item_name = name_of(name, len);
    if (item.raw.kind == WASMTIME_COMPONENT_ITEM_COMPONENT_FUNC) {
      auto fn = reflect_function(path, item_name, item.raw.of.component_func);
      if (!is_componentize_py_init(fn)) out.functions.push_back(std::move(fn));
    }
    // Instances nested inside an exported interface are not reachable from WIT worlds
    // that tools are written against; they are listed by `inspect` only at the top level.
  }
}

}  // namespace

ValType reflect_valtype(const wasmtime_component_valtype_t& t) {
  ValType out;
  switch (t.kind) {
    case WASMTIME_COMPONENT_VALTYPE_BOOL:
      out.kind = TypeKind::Bool;
      break;
    case WASMTIME_COMPONENT_VALTYPE_S8:
      out.kind = TypeKind::S8;
      break;
    case WASMTIME_COMPONENT_VALTYPE_S16:
      out.kind = TypeKind::S16;
      break;
    case WASMTIME_COMPONENT_VALTYPE_S32:
      out.kind = TypeKind::S32;
      break;
    case WASMTIME_COMPONENT_VALTYPE_S64:
      out.kind = TypeKind::S64;
      break;
    case WASMTIME_COMPONENT_VALTYPE_U8:
      out.kind = TypeKind::U8;
      break;
    case WASMTIME_COMPONENT_VALTYPE_U16:
      out.kind = TypeKind::U16;
      break;
    case WASMTIME_COMPONENT_VALTYPE_U32:
      out.kind = TypeKind::U32;
      break;
    case WASMTIME_COMPONENT_VALTYPE_U64:
      out.kind = TypeKind::U64;
      break;
    case WASMTIME_COMPONENT_VALTYPE_F32:
      out.kind = TypeKind::F32;
      break;
    case WASMTIME_COMPONENT_VALTYPE_F64:
      out.kind = TypeKind::F64;
      break;
    case WASMTIME_COMPONENT_VALTYPE_CHAR:
      out.kind = TypeKind::Char;
      break;
    case WASMTIME_COMPONENT_VALTYPE_STRING:
      out.kind = TypeKind::String;
      break;
    case WASMTIME_COMPONENT_VALTYPE_LIST: {
      out.kind = TypeKind::List;
      wt::ValTypeHolder elem;
      wasmtime_component_list_type_element(t.of.list, &elem.raw);
      out.items.push_back(reflect_valtype(elem.raw));
      break;
    }
    case WASMTIME_COMPONENT_VALTYPE_RECORD: {
      out.kind = TypeKind::Record;
      size_t n = wasmtime_component_record_type_field_count(t.of.record);
      for (size_t i = 0; i < n; ++i) {
        const char* name = nullptr;
        size_t len = 0;
        wt::ValTypeHolder ft;
        if (wasmtime_component_record_type_field_nth(t.of.record, i, &name, &len, &ft.raw)) {
          out.cases.push_back(NamedType{name_of(name, len), boxed(ft.raw)});
        }
      }
      break;
    }
    case WASMTIME_COMPONENT_VALTYPE_TUPLE: {
      out.kind = TypeKind::Tuple;
      size_t n = wasmtime_component_tuple_type_types_count(t.of.tuple);
      for (size_t i = 0; i < n; ++i) {
        wt::ValTypeHolder it;
        if (wasmtime_component_tuple_type_types_nth(t.of.tuple, i, &it.raw)) {
          out.items.push_back(reflect_valtype(it.raw));
        }
      }
      break;
    }
    case WASMTIME_COMPONENT_VALTYPE_VARIANT: {
      out.kind = TypeKind::Variant;
      size_t n = wasmtime_component_variant_type_case_count(t.of.variant);
      for (size_t i = 0; i < n; ++i) {
        const char* name = nullptr;
        size_t len = 0;
        bool has_payload = false;
        wt::ValTypeHolder pt;
        if (wasmtime_component_variant_type_case_nth(t.of.variant, i, &name, &len, &has_payload,
                                                     &pt.raw)) {
          out.cases.push_back(NamedType{name_of(name, len), has_payload ? boxed(pt.raw) : nullptr});
        }
      }
      break;
    }
    case WASMTIME_COMPONENT_VALTYPE_ENUM:
    case WASMTIME_COMPONENT_VALTYPE_FLAGS: {
      bool is_enum = t.kind == WASMTIME_COMPONENT_VALTYPE_ENUM;
      out.kind = is_enum ? TypeKind::Enum : TypeKind::Flags;
      size_t n = is_enum ? wasmtime_component_enum_type_names_count(t.of.enum_)
                         : wasmtime_component_flags_type_names_count(t.of.flags);
      for (size_t i = 0; i < n; ++i) {
        const char* name = nullptr;
        size_t len = 0;
        bool ok = is_enum ? wasmtime_component_enum_type_names_nth(t.of.enum_, i, &name, &len)
                          : wasmtime_component_flags_type_names_nth(t.of.flags, i, &name, &len);
        if (ok) out.cases.push_back(NamedType{name_of(name, len), nullptr});
      }
      break;
    }
    case WASMTIME_COMPONENT_VALTYPE_OPTION: {
      out.kind = TypeKind::Option;
      wt::ValTypeHolder inner;
      wasmtime_component_option_type_ty(t.of.option, &inner.raw);
      out.items.push_back(reflect_valtype(inner.raw));
      break;
    }
    case WASMTIME_COMPONENT_VALTYPE_RESULT: {
      out.kind = TypeKind::Result;
      wt::ValTypeHolder ok, err;
      if (wasmtime_component_result_type_ok(t.of.result, &ok.raw)) out.ok = boxed(ok.raw);
      if (wasmtime_component_result_type_err(t.of.result, &err.raw)) out.err = boxed(err.raw);
      break;
    }
    case WASMTIME_COMPONENT_VALTYPE_OWN:
      out.kind = TypeKind::Own;
      break;
    case WASMTIME_COMPONENT_VALTYPE_BORROW:
      out.kind = TypeKind::Borrow;
      break;
    case WASMTIME_COMPONENT_VALTYPE_FUTURE:
      out.kind = TypeKind::Future;
      break;
    case WASMTIME_COMPONENT_VALTYPE_STREAM:
      out.kind = TypeKind::Stream;
      break;
    case WASMTIME_COMPONENT_VALTYPE_MAP:
      out.kind = TypeKind::Map;
      break;
    default:
      out.kind = TypeKind::ErrorContext;
      break;
  }
  return out;
}

Reflection reflect_component(const wasm_engine_t* engine, const wasmtime_component_t* component) {
  Reflection out;
  wt::ComponentTypePtr type(wasmtime_component_type(component));
  size_t imports = wasmtime_component_type_import_count(type.get(), engine);
  for (size_t i = 0; i < imports; ++i) {
    const char* name = nullptr;
    size_t len = 0;
    wt::ItemHolder item;
    if (wasmtime_component_type_import_nth(type.get(), engine, i, &name, &len, &item.raw)) {
      out.imports.push_back(
          ItemInfo{name_of(name, len), item_kind(item.raw.kind), ImportSource::none, {}});
    }
  }
  size_t exports = wasmtime_component_type_export_count(type.get(), engine);
  for (size_t i = 0; i < exports; ++i) {
    const char* name = nullptr;
    size_t len = 0;
    wt::ItemHolder item;
    if (!wasmtime_component_type_export_nth(type.get(), engine, i, &name, &len, &item.raw)) {
      continue;
    }
    std::string export_name = name_of(name, len);
    out.exports.push_back(ItemInfo{export_name, item_kind(item.raw.kind), ImportSource::none, {}});
    if (item.raw.kind == WASMTIME_COMPONENT_ITEM_COMPONENT_FUNC) {
      out.functions.push_back(reflect_function("", export_name, item.raw.of.component_func));
    } else if (item.raw.kind == WASMTIME_COMPONENT_ITEM_COMPONENT_INSTANCE) {
      collect_instance(engine, item.raw.of.component_instance, export_name, out);
    }
  }
  return out;
}

std::vector<ImportedItem> reflect_imports(const wasm_engine_t* engine,
                                          const wasmtime_component_t* component) {
  std::vector<ImportedItem> out;
  wt::ComponentTypePtr type(wasmtime_component_type(component));
  size_t imports = wasmtime_component_type_import_count(type.get(), engine);
  for (size_t i = 0; i < imports; ++i) {
    const char* name = nullptr;
    size_t len = 0;
    wt::ItemHolder item;
    if (!wasmtime_component_type_import_nth(type.get(), engine, i, &name, &len, &item.raw)) {
      continue;
    }
    ImportedItem imported;
    imported.name = name_of(name, len);
    if (item.raw.kind == WASMTIME_COMPONENT_ITEM_COMPONENT_INSTANCE) {
      imported.is_instance = true;
      const auto* inst = item.raw.of.component_instance;
      size_t count = wasmtime_component_instance_type_export_count(inst, engine);
      for (size_t j = 0; j < count; ++j) {
        const char* iname = nullptr;
        size_t ilen = 0;
        wt::ItemHolder inner;
        if (!wasmtime_component_instance_type_export_nth(inst, engine, j, &iname, &ilen,
                                                         &inner.raw)) {
          continue;
        }
        if (inner.raw.kind == WASMTIME_COMPONENT_ITEM_COMPONENT_FUNC) {
          imported.functions.push_back(
              reflect_function(imported.name, name_of(iname, ilen), inner.raw.of.component_func));
        } else if (inner.raw.kind == WASMTIME_COMPONENT_ITEM_RESOURCE) {
          imported.resources.push_back(name_of(iname, ilen));
        }
      }
    } else if (item.raw.kind == WASMTIME_COMPONENT_ITEM_COMPONENT_FUNC) {
      imported.functions.push_back(reflect_function("", imported.name, item.raw.of.component_func));
    }
    out.push_back(std::move(imported));
  }
  return out;
}

}  // namespace asterai::runtime
