// The runtime's public API: one shared engine, components loaded (and compiled once, with
// the compiled artifact cached on disk by content hash), and calls that each get a fresh
// sandboxed store and instance. Thread-safe: any number of threads may call at once.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "asterai/common/error.h"
#include "asterai/runtime/sandbox.h"
#include "asterai/runtime/types.h"

namespace asterai::runtime {

struct EngineOptions {
  // Where compiled components are cached; empty disables the disk cache.
  std::filesystem::path cache_dir;
  // The cache's bound: storing past it removes the least recently used entries
  // (ComponentCache::trim). 0: no bound.
  uint64_t cache_max_bytes = 0;
  // Instantiate from a pre-reserved pool of memories and instances (fast instantiation).
  bool pooling = true;
  // Compile fuel metering into code, so calls can carry a CPU budget (costs speed).
  bool fuel = false;
  // Wall-clock timeouts by epoch interruption. Off only to measure its cost: without it a
  // call cannot be interrupted (CallLimits::timeout is ignored).
  bool epoch = true;
  // Largest wasm stack a call may use.
  size_t max_wasm_stack = 1 << 20;
  // With pooling: component instances alive at once, all calls together (a composition call
  // holds one per member it reaches). Each reserves about 8 GiB of address space (two
  // memories' worth); one more is refused with ErrorKind::busy.
  size_t max_instances = kDefaultMaxInstances;
  static constexpr size_t kDefaultMaxInstances = 256;
  static constexpr size_t kMaxMaxInstances = 4096;  // 32 TiB of the 128 TiB there is
};

struct CallLimits {
  // Wall-clock limit: epoch interruption stops wasm code, and a deadline ends waits inside
  // the host (wasi:io poll, blocking stream reads and writes) at the same time.
  std::chrono::milliseconds timeout{30'000};
  // Linear memory a call may grow to, in bytes; 0 = the engine's maximum.
  uint64_t max_memory = 0;
  // CPU budget in fuel units; only with EngineOptions::fuel.
  std::optional<uint64_t> fuel;
  // Bytes of stdout / stderr kept per call; the rest is dropped and marked truncated.
  size_t max_output = 1 << 20;
  // Set (from any thread) to stop the call: wasm code stops within about one epoch tick with
  // ErrorKind::cancelled. Needs EngineOptions::epoch; a blocking host call is not interrupted.
  std::shared_ptr<const std::atomic<bool>> cancel;
};

struct CallStats {
  double wall_ms = 0;         // whole call: bind + instantiate + run + convert
  double instantiate_ms = 0;  // store creation and instantiation
  double run_ms = 0;          // the guest function itself
  std::optional<uint64_t> fuel_used;
  uint64_t stdout_bytes = 0;  // bytes the guest wrote, kept or not
  uint64_t stderr_bytes = 0;
  uint64_t peak_memory_bytes = 0;  // largest linear memory the instance reached
  // Outgoing wasi:http requests that passed the allow-list, and their body bytes (headers
  // and transfer framing not counted) sent and received while the call ran.
  uint64_t http_requests = 0;
  uint64_t http_bytes_sent = 0;
  uint64_t http_bytes_received = 0;
};

struct CapturedOutput {
  std::string data;
  bool truncated = false;
};

struct CallOutcome {
  nlohmann::json result;       // the function's result (null without one); unset on error
  std::optional<Error> error;  // trap, timeout, limits, bad arguments ...
  CapturedOutput out;
  CapturedOutput err;
  CallStats stats;
  // Outgoing HTTP requests the sandbox refused ("https://host:port"), in order.
  std::vector<std::string> denied_requests;

  bool ok() const { return !error.has_value(); }
  // Refused for room (a full instance pool) before the guest started: the caller may retry,
  // and there is nothing to meter.
  bool never_ran() const { return error && error->kind == ErrorKind::busy; }
};

// Whether `args` (named object or positional array) bind to the function's parameters, as a
// call would check them: the same bad-arguments error, without running anything.
Result<void> check_arguments(const FunctionInfo& function, const nlohmann::json& args);

class Runtime;
struct IncomingRequest;
class HttpResponse;

// A compiled component and what it imports and exports. Immutable and shareable.
class Component {
 public:
  ~Component();
  Component(const Component&) = delete;
  Component& operator=(const Component&) = delete;

  const std::string& sha256() const { return sha256_; }
  const std::string& label() const { return label_; }
  // True when the compiled artifact came from the disk cache (no compilation ran).
  bool from_cache() const { return from_cache_; }
  double load_ms() const { return load_ms_; }
  size_t size_bytes() const { return size_bytes_; }
  // The compiled code's size: the artifact mapped from the compile cache or written to it;
  // without a cache, the component's own (it compiles to two or three times that).
  uint64_t code_bytes() const { return code_bytes_; }
  const std::vector<ItemInfo>& imports() const { return imports_; }
  const std::vector<ItemInfo>& exports() const { return exports_; }
  const std::vector<FunctionInfo>& functions() const { return functions_; }
  // Exports wasi:http/incoming-handler (a proxy component), so Runtime::handle_http serves it.
  bool http_handler() const { return http_handler_; }

  // Resolves a user-given function name: `iface/func`, `ns:pkg/iface@ver#func` (or `/func`),
  // `ns:pkg/iface#func` without version, or a bare name when exactly one export has it.
  Result<const FunctionInfo*> find_function(std::string_view name) const;

 private:
  friend class Runtime;
  friend class Composition;
  struct Impl;
  Component();

  std::unique_ptr<Impl> impl_;
  std::string sha256_;
  std::string label_;
  bool from_cache_ = false;
  double load_ms_ = 0;
  size_t size_bytes_ = 0;
  uint64_t code_bytes_ = 0;
  bool http_handler_ = false;
  std::vector<ItemInfo> imports_;
  std::vector<ItemInfo> exports_;
  std::vector<FunctionInfo> functions_;
};

class Runtime {
 public:
  static Result<std::shared_ptr<Runtime>> create(const EngineOptions& options = {});
  ~Runtime();
  Runtime(const Runtime&) = delete;
  Runtime& operator=(const Runtime&) = delete;

  // `label` names the component in messages (usually its file name).
  Result<std::shared_ptr<const Component>> load(std::span<const uint8_t> bytes,
                                                std::string label) const;
  // `label` defaults to the path; a host loading another party's files names them otherwise,
  // so that its messages do not show where it keeps them.
  Result<std::shared_ptr<const Component>> load_file(const std::filesystem::path& path,
                                                     std::string label = {}) const;

  // Calls `function` (from component.functions()) with JSON arguments: an object of named
  // parameters or an array of positional values. The instance gets exactly `grants`.
  CallOutcome call(const Component& component, const FunctionInfo& function,
                   const nlohmann::json& args, const CallLimits& limits = {},
                   const Grants& grants = {}) const;

  // Runs one HTTP request through a proxy component's wasi:http/incoming-handler in a fresh
  // instance (asterai/runtime/http_handler.h); the answer streams into `response`, read by
  // another thread while this one runs the guest. The outcome carries the call's error
  // (trap, timeout, limits) and stats; `result` stays null.
  CallOutcome handle_http(const Component& component, const IncomingRequest& request,
                          HttpResponse& response, const CallLimits& limits = {},
                          const Grants& grants = {}) const;

  const EngineOptions& options() const { return options_; }
  // Identifies the engine settings compiled code depends on (part of the cache key).
  const std::string& fingerprint() const { return fingerprint_; }

 private:
  friend class Composition;
  struct Impl;
  // One call from already-converted values, with a chosen linker (src/runtime/invoke.h).
  struct Invocation;
  CallOutcome invoke(const Invocation& call) const;
  // Loads sniffed bytes whose sha256 is known.
  Result<std::shared_ptr<const Component>> load_digested(
      std::span<const uint8_t> bytes, std::string label, std::string sha256,
      std::chrono::steady_clock::time_point start) const;

  Runtime();
  std::unique_ptr<Impl> impl_;
  EngineOptions options_;
  std::string fingerprint_;
};

// "48.0.8": the Wasmtime version the runtime was built against.
const char* wasmtime_version();

}  // namespace asterai::runtime
