#include "missing_imports.h"

#include <memory>

namespace asterai::runtime {
namespace {

using LinkerInstancePtr =
    wt::Owned<wasmtime_component_linker_instance_t, wasmtime_component_linker_instance_delete>;
using ResourceTypePtr =
    wt::Owned<wasmtime_component_resource_type_t, wasmtime_component_resource_type_delete>;

// Marks the host's error so classification finds it in Wasmtime's cause chain whatever the
// context lines around it; the text after it is the message the caller sees.
constexpr std::string_view kMarker = "asterai missing import: ";

// `env` is the owned std::string "ns:pkg/iface#func" (see define_function).
wasmtime_error_t* fail_missing(void* env, wasmtime_context_t*,
                               const wasmtime_component_func_type_t*, wasmtime_component_val_t*,
                               size_t, wasmtime_component_val_t*, size_t) {
  const auto& name = *static_cast<const std::string*>(env);
  std::string text =
      std::string(kMarker) + "the component called " + name + ", which nothing provides";
  return wasmtime_error_new(text.c_str());
}

void delete_name(void* env) {
  delete static_cast<std::string*>(env);
}

wasmtime_error_t* drop_nothing(void*, wasmtime_context_t*, uint32_t) {
  return nullptr;
}

Result<void> define_function(wasmtime_component_linker_instance_t* instance,
                             const std::string& name, const std::string& qualified) {
  // Ownership passes to the linker, which calls delete_name when it is dropped.
  auto env = std::make_unique<std::string>(qualified);
  if (auto* err = wasmtime_component_linker_instance_add_func(
          instance, name.data(), name.size(), &fail_missing, env.get(), &delete_name)) {
    return make_error(ErrorKind::internal,
                      "defining the missing import " + qualified + ": " + wt::take_message(err));
  }
  env.release();
  return {};
}

Result<void> define_instance(wasmtime_component_linker_instance_t* root, const ImportedItem& item,
                             uint32_t& next_resource) {
  wasmtime_component_linker_instance_t* raw = nullptr;
  if (auto* err = wasmtime_component_linker_instance_add_instance(root, item.name.data(),
                                                                  item.name.size(), &raw)) {
    return make_error(ErrorKind::internal,
                      "defining the missing import " + item.name + ": " + wt::take_message(err));
  }
  LinkerInstancePtr instance(raw);
  for (const auto& resource : item.resources) {
    // A fresh host type per resource: nothing of it can be made, so it is never confused
    // with a real one.
    ResourceTypePtr type(wasmtime_component_resource_type_new_host(next_resource++));
    if (auto* err = wasmtime_component_linker_instance_add_resource(
            instance.get(), resource.data(), resource.size(), type.get(), &drop_nothing, nullptr,
            nullptr)) {
      return make_error(ErrorKind::internal, "defining the missing resource " + item.name + "#" +
                                                 resource + ": " + wt::take_message(err));
    }
  }
  for (const auto& f : item.functions)
    ASTERAI_TRY(define_function(instance.get(), f.name, f.qualified_name()));
  return {};
}

}  // namespace

Result<void> define_missing_imports(wasmtime_component_linker_t* linker,
                                    const std::vector<ImportedItem>& missing) {
  // The root (and each instance under it) holds the linker exclusively until deleted.
  LinkerInstancePtr root(wasmtime_component_linker_root(linker));
  uint32_t next_resource = 0;
  for (const auto& item : missing) {
    if (item.is_instance) {
      ASTERAI_TRY(define_instance(root.get(), item, next_resource));
    } else if (item.functions.size() == 1) {
      ASTERAI_TRY(define_function(root.get(), item.name, item.name));
    }
    // Anything else (a core module or component import) cannot be stubbed: instantiation
    // reports it as a link error.
  }
  return {};
}

std::optional<Error> missing_import_error(const std::string& message) {
  size_t at = message.find(kMarker);
  if (at == std::string::npos) return std::nullopt;
  at += kMarker.size();
  size_t end = message.find('\n', at);
  return Error{ErrorKind::missing_import,
               message.substr(at, end == std::string::npos ? std::string::npos : end - at),
               {}};
}

}  // namespace asterai::runtime
