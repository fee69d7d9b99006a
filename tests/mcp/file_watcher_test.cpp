// FileWatcher over real files: a change is reported once it has settled, a file replaced by
// rename counts, and an unchanged file is not reported.
#include "asterai/mcp/file_watcher.h"

#include <gtest/gtest.h>

#include <atomic>
#include <fstream>
#include <thread>

#include "test_support.h"

namespace asterai::mcp {
namespace {

using namespace std::chrono_literals;

void write(const std::filesystem::path& path, const std::string& text) {
  std::ofstream(path, std::ios::binary) << text;
}

// Waits (bounded) until `count` reaches `want`; true when it did.
bool wait_for(const std::atomic<int>& count, int want) {
  for (int i = 0; i < 1000 && count.load() < want; ++i) std::this_thread::sleep_for(10ms);
  return count.load() >= want;
}

TEST(FileWatcher, ReportsChangesOnce) {
  asterai::test::TempDir dir("file-watcher");
  auto a = dir.path() / "a.wasm";
  auto b = dir.path() / "b.wasm";
  write(a, "one");
  write(b, "two");
  std::atomic<int> changes{0};
  FileWatcher watcher({a, b}, 10ms, [&] { ++changes; });

  write(a, "one, longer");
  ASSERT_TRUE(wait_for(changes, 1));
  // Replaced by rename, as builds and editors do.
  write(dir.path() / "b.new", "three");
  std::filesystem::rename(dir.path() / "b.new", b);
  ASSERT_TRUE(wait_for(changes, 2));
  // Removed: a change too (the reload then fails and keeps the old tools).
  std::filesystem::remove(a);
  ASSERT_TRUE(wait_for(changes, 3));
  // Nothing changes any more: twenty more polls report nothing.
  std::this_thread::sleep_for(200ms);
  EXPECT_EQ(changes.load(), 3);
}

TEST(FileWatcher, StopsPromptlyWithAnUnchangedFile) {
  asterai::test::TempDir dir("file-watcher");
  auto a = dir.path() / "a.wasm";
  write(a, "one");
  std::atomic<int> changes{0};
  {
    FileWatcher watcher({a}, 10ms, [&] { ++changes; });
    std::this_thread::sleep_for(50ms);
  }
  EXPECT_EQ(changes.load(), 0);
}

}  // namespace
}  // namespace asterai::mcp
