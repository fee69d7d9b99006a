// Writes the adversary test component (spin / ok / fail) to the path given, for the SDK
// client tests, which have no WAT compiler of their own.
#include <cstdio>

#include "mcp_test_support.h"

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s OUTPUT.wasm\n", argv[0]);
    return 2;
  }
  auto path = asterai::mcp::test::write_adversary(std::filesystem::path(argv[1]).parent_path());
  if (path != std::filesystem::path(argv[1])) std::filesystem::rename(path, argv[1]);
  return 0;
}
