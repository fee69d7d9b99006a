// call-latency COMPONENT FUNCTION ARGS_JSON [CALLS]: the median and p90 of in-process calls
// (fresh store + instantiate + call + drop, pooling allocator, compiled code cached), as JSON.
// bench/authoring.sh uses it to compare languages on the same interface.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "asterai/runtime/runtime.h"

int main(int argc, char** argv) {
  using namespace asterai::runtime;
  if (argc < 4) {
    std::fprintf(stderr, "usage: call-latency COMPONENT FUNCTION ARGS_JSON [CALLS]\n");
    return 2;
  }
  int calls = argc > 4 ? std::stoi(argv[4]) : 2000;
  EngineOptions options;
  options.cache_dir = std::filesystem::temp_directory_path() / "asterai-bench-cache";
  auto rt = Runtime::create(options);
  if (!rt) return std::fprintf(stderr, "%s\n", rt.error().message.c_str()), 1;
  auto c = (*rt)->load_file(argv[1]);
  if (!c) return std::fprintf(stderr, "%s\n", c.error().message.c_str()), 1;
  auto f = (*c)->find_function(argv[2]);
  if (!f) return std::fprintf(stderr, "%s\n", f.error().message.c_str()), 1;
  auto args = nlohmann::json::parse(argv[3]);
  std::vector<double> us;
  for (int i = 0; i < calls + calls / 10; ++i) {
    auto start = std::chrono::steady_clock::now();
    auto outcome = (*rt)->call(**c, **f, args);
    double t =
        std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - start).count();
    if (!outcome.ok()) return std::fprintf(stderr, "%s\n", outcome.error->message.c_str()), 1;
    if (i >= calls / 10) us.push_back(t);  // the first tenth warms caches and the pool
  }
  std::sort(us.begin(), us.end());
  std::printf("{\"calls\": %zu, \"median_us\": %.1f, \"p90_us\": %.1f, \"size\": %zu}\n", us.size(),
              us[us.size() / 2], us[us.size() * 9 / 10], (*c)->size_bytes());
  return 0;
}
