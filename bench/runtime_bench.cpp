// In-process cost of one tool call: fresh store + instantiate + call + drop, with the
// component compiled once (or taken from the disk cache). Run through bench/runtime.sh.
#include <benchmark/benchmark.h>

#include <wasmtime.h>

#include <cstring>
#include <filesystem>

#include "asterai/runtime/runtime.h"

namespace {

using asterai::runtime::CallLimits;
using asterai::runtime::EngineOptions;
using asterai::runtime::Runtime;

std::filesystem::path component(const std::string& lang) {
  return std::filesystem::path(ASTERAI_TEST_COMPONENTS_DIR) / ("kitchen-sink-" + lang + ".wasm");
}

std::filesystem::path bench_cache() {
  return std::filesystem::temp_directory_path() / "asterai-bench-cache";
}

void call_loop(benchmark::State& state, const std::string& lang, bool pooling,
               const std::string& fn, const nlohmann::json& args) {
  EngineOptions options;
  options.pooling = pooling;
  options.cache_dir = bench_cache();
  auto rt = Runtime::create(options);
  if (!rt) return state.SkipWithError(rt.error().message.c_str());
  auto c = (*rt)->load_file(component(lang));
  if (!c) return state.SkipWithError(c.error().message.c_str());
  auto f = (*c)->find_function(fn);
  if (!f) return state.SkipWithError(f.error().message.c_str());
  CallLimits limits;
  for (auto _ : state) {
    auto outcome = (*rt)->call(**c, **f, args, limits);
    if (!outcome.ok()) return state.SkipWithError(outcome.error->message.c_str());
    benchmark::DoNotOptimize(outcome.result);
  }
}

void BM_AddC_Pooling(benchmark::State& s) {
  call_loop(s, "c", true, "add", nlohmann::json::array({1, 2}));
}
void BM_AddC_OnDemand(benchmark::State& s) {
  call_loop(s, "c", false, "add", nlohmann::json::array({1, 2}));
}
void BM_GreetC_Pooling(benchmark::State& s) {
  call_loop(s, "c", true, "values/greet", nlohmann::json{{"who", {{"name", "Ada"}, {"age", 36}}}});
}
void BM_AddJs_Pooling(benchmark::State& s) {
  call_loop(s, "js", true, "add", nlohmann::json::array({1, 2}));
}
void BM_AddPy_Pooling(benchmark::State& s) {
  call_loop(s, "py", true, "add", nlohmann::json::array({1, 2}));
}

// Loading compiled code from the disk cache (what a fresh `asterai call` process does).
void BM_LoadFromCache(benchmark::State& state, const std::string& lang) {
  EngineOptions options;
  options.cache_dir = bench_cache();
  auto rt = *Runtime::create(options);
  (void)rt->load_file(component(lang));  // warm the cache
  for (auto _ : state) {
    auto c = rt->load_file(component(lang));
    if (!c || !(*c)->from_cache()) return state.SkipWithError("not a cache hit");
  }
}

// The cost of limits on CPU-bound guest code: a counting loop and naive recursive Fibonacci
// (epoch and fuel checks sit at loop headers and function entries), with no interruption at
// all vs epoch deadlines (the default) vs fuel metering.
const char* kCpuBound = R"((component
  (core module $m
    (func (export "count") (param i32) (result i32) (local i32) (local i64)
      (loop $l
        (local.set 2 (i64.add (i64.mul (local.get 2) (i64.const 6364136223846793005)) (i64.const 1)))
        (local.set 1 (i32.add (local.get 1) (i32.const 1)))
        (br_if $l (i32.lt_u (local.get 1) (local.get 0))))
      (i32.wrap_i64 (i64.shr_u (local.get 2) (i64.const 33))))
    (func $fib (export "fib") (param i32) (result i32)
      (if (result i32) (i32.lt_u (local.get 0) (i32.const 2))
        (then (local.get 0))
        (else (i32.add (call $fib (i32.sub (local.get 0) (i32.const 1)))
                       (call $fib (i32.sub (local.get 0) (i32.const 2))))))))
  (core instance $i (instantiate $m))
  (func (export "count") (param "n" u32) (result u32) (canon lift (core func $i "count")))
  (func (export "fib") (param "n" u32) (result u32) (canon lift (core func $i "fib")))
))";

enum class Mode { None, Epoch, Fuel };
void BM_Limits(benchmark::State& state, Mode mode, const char* fn, uint32_t n) {
  EngineOptions options;
  options.epoch = mode != Mode::None;
  options.fuel = mode == Mode::Fuel;
  auto rt = *Runtime::create(options);
  wasm_byte_vec_t bytes;
  if (wasmtime_wat2wasm(kCpuBound, std::strlen(kCpuBound), &bytes))
    return state.SkipWithError("bad WAT");
  auto c = rt->load({reinterpret_cast<const uint8_t*>(bytes.data), bytes.size}, "cpu.wasm");
  wasm_byte_vec_delete(&bytes);
  if (!c) return state.SkipWithError(c.error().message.c_str());
  auto f = *(*c)->find_function(fn);
  CallLimits limits;
  if (mode == Mode::Fuel) limits.fuel = UINT64_MAX / 2;
  for (auto _ : state) {
    auto o = rt->call(**c, *f, nlohmann::json::array({n}), limits);
    if (!o.ok()) return state.SkipWithError(o.error->message.c_str());
    benchmark::DoNotOptimize(o.result);
  }
}
BENCHMARK_CAPTURE(BM_Limits, count_none, Mode::None, "count", 50'000'000)
    ->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_Limits, count_epoch, Mode::Epoch, "count", 50'000'000)
    ->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_Limits, count_fuel, Mode::Fuel, "count", 50'000'000)
    ->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_Limits, fib_none, Mode::None, "fib", 30)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_Limits, fib_epoch, Mode::Epoch, "fib", 30)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_Limits, fib_fuel, Mode::Fuel, "fib", 30)->Unit(benchmark::kMillisecond);

BENCHMARK(BM_AddC_Pooling)->Unit(benchmark::kMicrosecond)->MinTime(2.0);
BENCHMARK(BM_AddC_OnDemand)->Unit(benchmark::kMicrosecond)->MinTime(2.0);
BENCHMARK(BM_GreetC_Pooling)->Unit(benchmark::kMicrosecond)->MinTime(2.0);
BENCHMARK(BM_AddJs_Pooling)->Unit(benchmark::kMicrosecond)->MinTime(3.0);
BENCHMARK(BM_AddPy_Pooling)->Unit(benchmark::kMicrosecond)->MinTime(3.0);
BENCHMARK_CAPTURE(BM_LoadFromCache, c, std::string("c"))->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_LoadFromCache, js, std::string("js"))->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
