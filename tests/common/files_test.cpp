#include "asterai/common/files.h"

#include <gtest/gtest.h>

#include "asterai/common/sha256.h"

namespace asterai {
namespace {

namespace fs = std::filesystem;

fs::path fresh_dir(const char* name) {
  auto dir = fs::temp_directory_path() /
             (std::string("asterai-test-") + name + "-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

TEST(Files, AtomicWriteThenReadBack) {
  auto dir = fresh_dir("files");
  std::vector<uint8_t> data = {1, 2, 3, 0, 255};
  ASSERT_TRUE(write_file_atomic(dir / "sub" / "x.bin", data));
  auto back = read_file(dir / "sub" / "x.bin");
  ASSERT_TRUE(back);
  EXPECT_EQ(*back, data);
  // No temporary files are left behind.
  size_t entries = 0;
  for ([[maybe_unused]] auto& e : fs::directory_iterator(dir / "sub")) ++entries;
  EXPECT_EQ(entries, 1u);
  fs::remove_all(dir);
}

TEST(Files, CreateAtomicKeepsTheFirstFileAndItsMode) {
  auto dir = fresh_dir("create");
  ASSERT_TRUE(create_file_atomic(dir / "s" / "key", std::vector<uint8_t>{1, 2}, 0600));
  auto again = create_file_atomic(dir / "s" / "key", std::vector<uint8_t>{3}, 0600);
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().kind, ErrorKind::conflict);
  EXPECT_EQ(*read_file(dir / "s" / "key"), (std::vector<uint8_t>{1, 2}));
  EXPECT_EQ(fs::status(dir / "s" / "key").permissions() & fs::perms::all,
            fs::perms::owner_read | fs::perms::owner_write);
  size_t entries = 0;  // the temporary names are gone in both cases
  for ([[maybe_unused]] auto& e : fs::directory_iterator(dir / "s")) ++entries;
  EXPECT_EQ(entries, 1u);
  fs::remove_all(dir);
}

TEST(Files, MissingFileIsAnIoErrorNamingThePath) {
  auto r = read_file("/nonexistent/asterai/x.wasm");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, ErrorKind::io);
  EXPECT_NE(r.error().message.find("/nonexistent/asterai/x.wasm"), std::string::npos);
}

TEST(Files, DirectoryIsRejected) {
  auto r = read_file(fs::temp_directory_path());
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("directory"), std::string::npos);
}

TEST(Sha256, KnownVector) {
  std::string abc = "abc";
  EXPECT_EQ(sha256_hex({reinterpret_cast<const uint8_t*>(abc.data()), abc.size()}),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

}  // namespace
}  // namespace asterai
