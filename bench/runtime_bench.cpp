// In-process cost of one tool call: fresh store + instantiate + call + drop, with the
// component compiled once (or taken from the disk cache). Run through bench/runtime.sh.
#include <benchmark/benchmark.h>

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

BENCHMARK(BM_AddC_Pooling)->Unit(benchmark::kMicrosecond)->MinTime(2.0);
BENCHMARK(BM_AddC_OnDemand)->Unit(benchmark::kMicrosecond)->MinTime(2.0);
BENCHMARK(BM_GreetC_Pooling)->Unit(benchmark::kMicrosecond)->MinTime(2.0);
BENCHMARK(BM_AddJs_Pooling)->Unit(benchmark::kMicrosecond)->MinTime(3.0);
BENCHMARK(BM_AddPy_Pooling)->Unit(benchmark::kMicrosecond)->MinTime(3.0);
BENCHMARK_CAPTURE(BM_LoadFromCache, c, std::string("c"))->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_LoadFromCache, js, std::string("js"))->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
