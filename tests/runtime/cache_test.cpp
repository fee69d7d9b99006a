// The compile cache: a hit skips compilation; corrupt, truncated or foreign entries are
// detected and rebuilt, never handed to the deserializer; an artifact whose digest matched
// is not hashed again until its file changes.
#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <thread>

#include "asterai/common/files.h"
#include "asterai/common/sha256.h"
#include "asterai/runtime/component_cache.h"
#include "asterai/runtime/runtime.h"
#include "test_support.h"
#include "type_builders.h"

namespace asterai::runtime {
namespace {

namespace fs = std::filesystem;

std::vector<uint8_t> component_bytes() {
  auto bytes = read_file(test::component("kitchen-sink-c.wasm"));
  EXPECT_TRUE(bytes);
  return bytes ? *bytes : std::vector<uint8_t>{};
}

std::shared_ptr<const Component> load(const fs::path& cache, const std::vector<uint8_t>& bytes) {
  auto rt = Runtime::create(with_cache(cache));
  EXPECT_TRUE(rt);
  auto c = (*rt)->load(bytes, "ks.wasm");
  EXPECT_TRUE(c) << c.error().message;
  return *c;
}

// The component still works after coming from wherever it came from.
void expect_callable(const fs::path& cache, const std::vector<uint8_t>& bytes) {
  auto rt = *Runtime::create(with_cache(cache));
  auto c = *rt->load(bytes, "ks.wasm");
  auto outcome = rt->call(*c, **c->find_function("add"), nlohmann::json::array({40, 2}));
  ASSERT_TRUE(outcome.ok()) << outcome.error->message;
  EXPECT_EQ(outcome.result, 42);
}

// The one artifact in the cache (each has a .check file beside it).
fs::path only_entry(const fs::path& dir) {
  std::vector<fs::path> entries;
  for (const auto& e : fs::directory_iterator(dir))
    if (e.path().extension() == ".cwasm") entries.push_back(e.path());
  EXPECT_EQ(entries.size(), 1u);
  return entries.empty() ? fs::path() : entries[0];
}

std::string text_of(const fs::path& path) {
  auto bytes = read_file(path);
  return bytes ? std::string(bytes->begin(), bytes->end()) : std::string();
}

// Overwrites four bytes in the middle of a file, in place.
void overwrite_middle(const fs::path& path) {
  std::fstream f(path, std::ios::in | std::ios::out | std::ios::binary);
  f.seekp(static_cast<std::streamoff>(fs::file_size(path) / 2));
  f.write("\xde\xad\xbe\xef", 4);
}

// Moves a file's modification time into the past, as if it had been written a minute ago.
void age(const fs::path& path) {
  fs::last_write_time(path, fs::last_write_time(path) - std::chrono::minutes(1));
}

TEST(CompileCache, SecondLoadIsAHit) {
  test::TempDir dir("cache");
  auto bytes = component_bytes();
  EXPECT_FALSE(load(dir.path(), bytes)->from_cache());
  EXPECT_TRUE(load(dir.path(), bytes)->from_cache());
  expect_callable(dir.path(), bytes);
}

TEST(CompileCache, CorruptEntryIsDetectedAndRebuilt) {
  test::TempDir dir("cache-corrupt");
  auto bytes = component_bytes();
  load(dir.path(), bytes);
  auto entry = only_entry(dir.path());
  // Bytes flipped deep inside the compiled code: only the digest can notice this.
  overwrite_middle(entry);
  EXPECT_FALSE(load(dir.path(), bytes)->from_cache());
  EXPECT_TRUE(load(dir.path(), bytes)->from_cache());
  expect_callable(dir.path(), bytes);
}

TEST(CompileCache, AnArtifactIsMarkedCheckedOnlyOnceItHasSettled) {
  test::TempDir dir("cache-checked");
  auto bytes = component_bytes();
  load(dir.path(), bytes);
  auto entry = only_entry(dir.path());
  auto check = fs::path(entry).replace_extension(".check");
  // Just written: its mtime could be shared with a change in the same clock tick.
  EXPECT_TRUE(load(dir.path(), bytes)->from_cache());
  EXPECT_EQ(text_of(check).find("checked "), std::string::npos) << text_of(check);
  age(entry);
  EXPECT_TRUE(load(dir.path(), bytes)->from_cache());
  EXPECT_NE(text_of(check).find("checked "), std::string::npos) << text_of(check);
  EXPECT_TRUE(load(dir.path(), bytes)->from_cache());
  expect_callable(dir.path(), bytes);
}

TEST(CompileCache, AChangeAfterTheCheckIsStillDetected) {
  test::TempDir dir("cache-changed");
  auto bytes = component_bytes();
  load(dir.path(), bytes);
  auto entry = only_entry(dir.path());
  age(entry);
  load(dir.path(), bytes);  // hashed, matched, marked checked
  ASSERT_NE(text_of(fs::path(entry).replace_extension(".check")).find("checked "),
            std::string::npos);
  overwrite_middle(entry);  // in place: same size and inode, a new mtime
  EXPECT_FALSE(load(dir.path(), bytes)->from_cache());
  EXPECT_TRUE(load(dir.path(), bytes)->from_cache());
  expect_callable(dir.path(), bytes);
}

// A component file's digest is remembered by the file's stamp: an unchanged file is not hashed
// on the next load, a changed one is, and one written within the last second is not remembered.
TEST(CompileCache, AComponentFileIsHashedAgainOnlyWhenItChanged) {
  test::TempDir dir("cache-sources");
  test::TempDir files("cache-sources-files");
  auto source = files.path() / "ks.wasm";
  fs::copy_file(test::component("kitchen-sink-c.wasm"), source);
  auto rt = *Runtime::create(with_cache(dir.path()));
  ComponentCache cache(dir.path(), rt->fingerprint());
  auto stamp = [&] { return *FileBytes::open(source)->stamp(); };

  auto fresh = rt->load_file(source);
  ASSERT_TRUE(fresh) << fresh.error().message;
  std::string digest = (*fresh)->sha256();
  EXPECT_FALSE(cache.known_digest(source, stamp())) << "written just now: not remembered";

  age(source);  // its mtime a minute back; the change time is now, so wait it out
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));
  ASSERT_TRUE(rt->load_file(source));
  EXPECT_EQ(cache.known_digest(source, stamp()), digest);
  // The next load takes the remembered digest and does not hash: a digest remembered under
  // the file's stamp is what the component is then known by.
  std::string other(64, 'a');
  cache.remember_digest(source, stamp(), other);
  EXPECT_EQ((*rt->load_file(source))->sha256(), other);

  overwrite_middle(source);  // in place: same size and inode, new times
  EXPECT_FALSE(cache.known_digest(source, stamp()));
  auto changed = rt->load_file(source);
  auto bytes = *read_file(source);
  if (changed) {
    EXPECT_EQ((*changed)->sha256(), sha256_hex(bytes)) << "hashed again";
  }
  EXPECT_NE(sha256_hex(bytes), digest);
}

TEST(CompileCache, AnArtifactWithoutItsCheckFileIsAMiss) {
  test::TempDir dir("cache-nocheck");
  auto bytes = component_bytes();
  load(dir.path(), bytes);
  fs::remove(fs::path(only_entry(dir.path())).replace_extension(".check"));
  EXPECT_FALSE(load(dir.path(), bytes)->from_cache());
  EXPECT_TRUE(load(dir.path(), bytes)->from_cache());
}

TEST(CompileCache, TruncatedAndEmptyEntriesAreRebuilt) {
  test::TempDir dir("cache-trunc");
  auto bytes = component_bytes();
  load(dir.path(), bytes);
  auto entry = only_entry(dir.path());
  fs::resize_file(entry, fs::file_size(entry) / 3);
  EXPECT_FALSE(load(dir.path(), bytes)->from_cache());
  fs::resize_file(entry, 0);
  EXPECT_FALSE(load(dir.path(), bytes)->from_cache());
  expect_callable(dir.path(), bytes);
}

TEST(CompileCache, ValidDigestButForeignPayloadIsRebuilt) {
  // An entry whose digest matches but whose payload is not a Wasmtime artifact (as if
  // written by another version): the deserializer rejects it and it is replaced.
  test::TempDir dir("cache-stale");
  auto bytes = component_bytes();
  auto rt = *Runtime::create(with_cache(dir.path()));
  ComponentCache cache(dir.path(), rt->fingerprint());
  std::string junk =
      "\x7f"
      "ELF not really a wasmtime artifact";
  std::vector<uint8_t> payload(junk.begin(), junk.end());
  auto sha = load(test::TempDir("scratch").path(), bytes)->sha256();
  ASSERT_TRUE(cache.store(sha, payload));
  auto c = rt->load(bytes, "ks.wasm");
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_FALSE((*c)->from_cache());
  EXPECT_TRUE(load(dir.path(), bytes)->from_cache());
}

TEST(CompileCache, KeyDependsOnEngineSettings) {
  auto plain = *Runtime::create({});
  auto fueled = *Runtime::create(with_fuel());
  EXPECT_NE(plain->fingerprint(), fueled->fingerprint());
}

TEST(CompileCache, UnwritableCacheDirIsNotFatal) {
  test::TempDir dir("cache-ro");
  auto file = dir.path() / "not-a-dir";
  ASSERT_TRUE(write_file_atomic(file, std::vector<uint8_t>{1}));
  auto c = load(file / "sub", component_bytes());
  EXPECT_FALSE(c->from_cache());
}

// --- the size bound -------------------------------------------------------------------

// An entry of `bytes` bytes stored under `sha` (not a real artifact: the bound only counts).
void put(const ComponentCache& cache, const std::string& sha, size_t bytes) {
  ASSERT_TRUE(cache.store(sha, std::vector<uint8_t>(bytes, 7)));
}

// Sets the entry's last use, `ago` in the past (what a load marks: its check file's time).
void used(const ComponentCache& cache, const std::string& sha, std::chrono::minutes ago) {
  fs::last_write_time(cache.check_path(sha), fs::file_time_type::clock::now() - ago);
}

bool present(const ComponentCache& cache, const std::string& sha) {
  return fs::exists(cache.entry_path(sha)) && fs::exists(cache.check_path(sha));
}

bool gone(const ComponentCache& cache, const std::string& sha) {
  return !fs::exists(cache.entry_path(sha)) && !fs::exists(cache.check_path(sha));
}

TEST(CompileCacheBound, TrimRemovesTheLeastRecentlyUsedFirst) {
  test::TempDir dir("cache-trim");
  ComponentCache cache(dir.path(), "fp");  // no bound of its own: trim is called here
  put(cache, "a", 10'000);
  put(cache, "b", 10'000);
  put(cache, "c", 10'000);
  used(cache, "a", std::chrono::minutes(30));
  used(cache, "b", std::chrono::minutes(90));  // the least recently used
  used(cache, "c", std::chrono::minutes(10));
  EXPECT_EQ(cache.trim(1'000'000), 0u);  // under the bound: nothing goes
  uint64_t removed = cache.trim(25'000);
  EXPECT_GE(removed, 10'000u);
  EXPECT_TRUE(gone(cache, "b"));
  EXPECT_TRUE(present(cache, "a") && present(cache, "c"));
  // The entry to keep stays even when it alone is over the bound.
  cache.trim(0, "a");
  EXPECT_TRUE(gone(cache, "c"));
  EXPECT_TRUE(present(cache, "a"));
  EXPECT_TRUE(cache.find("a"));
}

TEST(CompileCacheBound, StoringPastTheBoundRemovesOldEntriesNotTheNewOne) {
  test::TempDir dir("cache-bound");
  ComponentCache cache(dir.path(), "fp", 25'000);
  put(cache, "a", 10'000);
  used(cache, "a", std::chrono::minutes(20));
  put(cache, "b", 10'000);
  used(cache, "b", std::chrono::minutes(10));
  EXPECT_TRUE(present(cache, "a") && present(cache, "b"));
  put(cache, "c", 10'000);  // three would be over: the oldest use goes
  EXPECT_TRUE(gone(cache, "a"));
  EXPECT_TRUE(present(cache, "b") && present(cache, "c"));
  put(cache, "big", 40'000);  // over the bound alone: stored, and the rest go
  EXPECT_TRUE(present(cache, "big"));
  EXPECT_TRUE(gone(cache, "b") && gone(cache, "c"));
  // Entries of another engine's settings (another Wasmtime, say) count, and go first.
  test::TempDir dir2("cache-bound-fp");
  ComponentCache old_engine(dir2.path(), "old-fp");  // no bound: stores without trimming
  put(old_engine, "x", 10'000);
  used(old_engine, "x", std::chrono::minutes(600));
  ComponentCache engine(dir2.path(), "fp", 25'000);
  put(engine, "y", 10'000);
  used(engine, "y", std::chrono::minutes(5));
  put(engine, "z", 10'000);
  EXPECT_TRUE(gone(old_engine, "x"));
  EXPECT_TRUE(present(engine, "y") && present(engine, "z"));
}

TEST(CompileCacheBound, ALoadMarksItsEntryUsed) {
  test::TempDir dir("cache-used");
  ComponentCache cache(dir.path(), "fp");
  put(cache, "a", 10'000);
  put(cache, "b", 10'000);
  used(cache, "a", std::chrono::minutes(90));
  used(cache, "b", std::chrono::minutes(60));
  ASSERT_TRUE(cache.find("a"));  // a is the more recently used now
  cache.trim(15'000);
  EXPECT_TRUE(present(cache, "a"));
  EXPECT_TRUE(gone(cache, "b"));
}

TEST(CompileCacheBound, LeftoversOfKilledWritersGoButNotAnEntryBeingStored) {
  test::TempDir dir("cache-leftovers");
  ComponentCache cache(dir.path(), "fp");
  auto write = [&](const std::string& name, size_t bytes, std::chrono::minutes ago) {
    auto path = dir.path() / name;
    EXPECT_TRUE(write_file_atomic(path, std::vector<uint8_t>(bytes, 1)));
    fs::last_write_time(path, fs::file_time_type::clock::now() - ago);
    return path;
  };
  auto old_tmp = write("a-fp.cwasm.tmp.123.456", 5'000, std::chrono::minutes(120));
  auto new_tmp = write("b-fp.cwasm.tmp.123.789", 5'000, std::chrono::minutes(0));
  // An artifact whose check file is not written yet: another process storing it.
  auto storing = write("c-fp.cwasm", 5'000, std::chrono::minutes(0));
  auto orphan = write("d-fp.cwasm", 5'000, std::chrono::minutes(10));  // its writer died
  cache.trim(0);
  EXPECT_FALSE(fs::exists(old_tmp));
  EXPECT_TRUE(fs::exists(new_tmp));
  EXPECT_TRUE(fs::exists(storing));
  EXPECT_FALSE(fs::exists(orphan));
}

}  // namespace
}  // namespace asterai::runtime
