// Loading a component: sniff the binary, then the compile cache, then compile.
#include <algorithm>
#include <chrono>
#include <cstring>

#include "asterai/common/files.h"
#include "asterai/common/sha256.h"
#include "component_impl.h"
#include "host_interfaces.h"
#include "mcp_client_imports.h"
#include "missing_imports.h"
#include "reflect.h"
#include "runtime_impl.h"

namespace asterai::runtime {
namespace {

constexpr uint8_t kWasmMagic[4] = {0x00, 0x61, 0x73, 0x6d};
// Bytes 4..7 of the header: version 1 for core modules; version 0x0d + layer 1 for components.
constexpr uint8_t kCoreVersion[4] = {0x01, 0x00, 0x00, 0x00};
constexpr uint8_t kComponentLayer[2] = {0x01, 0x00};

Result<void> sniff(std::span<const uint8_t> bytes, const std::string& label) {
  if (bytes.size() < 8 || std::memcmp(bytes.data(), kWasmMagic, 4) != 0) {
    return make_error(ErrorKind::not_wasm,
                      label + " is not a WebAssembly binary (it does not start with \\0asm)");
  }
  if (std::memcmp(bytes.data() + 4, kCoreVersion, 4) == 0) {
    return make_error(ErrorKind::not_a_component,
                      label +
                          " is a core WebAssembly module, not a component; componentize it, e.g. "
                          "`wasm-tools component new " +
                          label +
                          " --adapt wasi_snapshot_preview1=<adapter.wasm> -o component.wasm`");
  }
  if (std::memcmp(bytes.data() + 6, kComponentLayer, 2) != 0) {
    return make_error(ErrorKind::invalid_component,
                      label + " has an unknown WebAssembly header version/layer");
  }
  return {};
}

}  // namespace

Result<std::shared_ptr<const Component>> Runtime::load_file(const std::filesystem::path& path,
                                                            std::string label) const {
  auto start = std::chrono::steady_clock::now();
  if (label.empty()) label = path.string();
  // Mapped, not read: a compiled component in the cache needs only the header of its source
  // (and, when the file is unchanged since it was last hashed, not even its digest).
  auto file = ASTERAI_TRY(FileBytes::open(path));
  ASTERAI_TRY(sniff(file.bytes(), label));
  std::optional<std::string> digest;
  if (impl_->cache && file.stamp()) digest = impl_->cache->known_digest(path, *file.stamp());
  if (!digest) {
    digest = sha256_hex(file.bytes());
    if (impl_->cache && file.stamp()) impl_->cache->remember_digest(path, *file.stamp(), *digest);
  }
  return load_digested(file.bytes(), std::move(label), std::move(*digest), start);
}

Result<std::shared_ptr<const Component>> Runtime::load(std::span<const uint8_t> bytes,
                                                       std::string label) const {
  auto start = std::chrono::steady_clock::now();
  ASTERAI_TRY(sniff(bytes, label));
  return load_digested(bytes, std::move(label), sha256_hex(bytes), start);
}

Result<std::shared_ptr<const Component>> Runtime::load_digested(
    std::span<const uint8_t> bytes, std::string label, std::string sha256,
    std::chrono::steady_clock::time_point start) const {
  std::shared_ptr<Component> c(new Component());
  c->label_ = std::move(label);
  c->sha256_ = std::move(sha256);
  c->size_bytes_ = bytes.size();
  c->code_bytes_ = bytes.size();
  const wasm_engine_t* engine = impl_->engine.get();

  wasmtime_component_t* raw = nullptr;
  if (impl_->cache) {
    if (auto artifact = impl_->cache->find(c->sha256_)) {
      // Wasmtime maps the artifact from its file: no copy into memory first.
      if (auto* err = wasmtime_component_deserialize_file(engine, artifact->c_str(), &raw)) {
        // Stale (another Wasmtime) or otherwise unusable: rebuild below.
        wt::take_message(err);
        impl_->cache->evict(c->sha256_);
        raw = nullptr;
      } else {
        c->from_cache_ = true;
        std::error_code ec;
        if (auto size = std::filesystem::file_size(*artifact, ec); !ec) c->code_bytes_ = size;
      }
    }
  }
  if (!raw) {
    if (auto* err = wasmtime_component_new(engine, bytes.data(), bytes.size(), &raw)) {
      std::string message = wt::take_message(err);
      // Keep the first line: the rest is Wasmtime's cause chain, shown with --verbose.
      return make_error(ErrorKind::invalid_component, c->label_ + " is not a valid component: " +
                                                          message.substr(0, message.find('\n')));
    }
    if (impl_->cache) {
      wasm_byte_vec_t serialized;
      if (auto* err = wasmtime_component_serialize(raw, &serialized)) {
        wt::take_message(err);  // caching is best effort
      } else {
        std::span<const uint8_t> art(reinterpret_cast<const uint8_t*>(serialized.data),
                                     serialized.size);
        (void)impl_->cache->store(c->sha256_, art);  // a read-only cache dir is not fatal
        c->code_bytes_ = serialized.size;
        wasm_byte_vec_delete(&serialized);
      }
    }
  }
  c->impl_->component.reset(raw);

  auto reflection = reflect_component(engine, raw);
  c->imports_ = std::move(reflection.imports);
  c->exports_ = std::move(reflection.exports);
  c->functions_ = std::move(reflection.functions);
  c->http_handler_ = std::any_of(c->exports_.begin(), c->exports_.end(), [](const ItemInfo& e) {
    return e.name.starts_with("wasi:http/incoming-handler@0.2.");
  });
  // Imports the host does not provide are defined in a linker of the component's own, to
  // fail only when called: the rest of the component still works.
  // asterai:mcp's interfaces are the runtime's too, but bridged per component (mcp_client.h).
  std::vector<ImportedItem> missing, mcp;
  for (auto& item : reflect_imports(engine, raw)) {
    auto info = std::find_if(c->imports_.begin(), c->imports_.end(),
                             [&](const ItemInfo& i) { return i.name == item.name; });
    auto host = host_interface_for(item.name);
    auto bridged = host ? std::nullopt : mcp_interface_for(item.name);
    if (bridged) host = bridged;
    if (host && info != c->imports_.end()) {
      info->source = ImportSource::host;
      info->provider = std::move(*host);
    }
    if (bridged) {
      mcp.push_back(std::move(item));
    } else if (!host) {
      missing.push_back(std::move(item));
    }
  }
  if (!missing.empty() || !mcp.empty()) {
    c->impl_->linker = ASTERAI_TRY(new_host_linker(engine));
    ASTERAI_TRY(define_missing_imports(c->impl_->linker.get(), missing));
    ASTERAI_TRY(define_mcp_imports(c->impl_->linker.get(), mcp));
  }
  asterai_instance_pre_t* pre = nullptr;
  const auto* linker = c->impl_->linker ? c->impl_->linker.get() : impl_->linker.get();
  if (auto* err = asterai_component_instance_pre_new(linker, raw, &pre)) {
    wt::take_message(err);  // the call reports it, as instantiation did before
  } else {
    c->impl_->pre.reset(pre);
  }
  for (const auto& f : c->functions_) {
    wt::ExportIndexPtr parent;
    if (!f.interface.empty()) {
      parent.reset(wasmtime_component_get_export_index(raw, nullptr, f.interface.data(),
                                                       f.interface.size()));
    }
    c->impl_->export_indices.emplace_back(
        wasmtime_component_get_export_index(raw, parent.get(), f.name.data(), f.name.size()));
  }
  c->load_ms_ =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  return c;
}

}  // namespace asterai::runtime
