// The local store: verified writes, nothing partial after an interrupted write, index updates
// and removal under concurrent processes.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <random>

#include "asterai/oci/pull.h"
#include "asterai/oci/store.h"

namespace asterai::oci {
namespace {
namespace fs = std::filesystem;

std::span<const uint8_t> bytes_of(const std::string& s) {
  return std::span(reinterpret_cast<const uint8_t*>(s.data()), s.size());
}

size_t count_files(const fs::path& dir) {
  size_t n = 0;
  std::error_code ec;
  for (auto it = fs::directory_iterator(dir, ec); !ec && it != fs::end(it); ++it) ++n;
  return n;
}

class Store : public ::testing::Test {
 protected:
  void SetUp() override {
    std::random_device rd;
    root_ = fs::temp_directory_path() / ("asterai-store-" + std::to_string(rd()));
    auto s = LocalStore::open(root_);
    ASSERT_TRUE(s) << s.error().message;
    store_.emplace(std::move(*s));
  }
  void TearDown() override { fs::remove_all(root_); }

  // Stores a whole component (config, wasm, manifest) and indexes it under `ref`.
  Artifact add_component(LocalStore& store, const std::string& ref, const std::string& wasm) {
    ComponentMetadata meta;
    meta.created = "2026-01-01T00:00:00Z";
    auto a = build_component_artifact({wasm.begin(), wasm.end()}, {}, meta);
    for (const auto& b : a.blobs) EXPECT_TRUE(store.put_blob(b.descriptor, b.bytes));
    EXPECT_TRUE(store.put_blob(a.descriptor(), bytes_of(a.bytes)));
    EXPECT_TRUE(store.add({ref, a.descriptor(), ""}));
    return a;
  }

  fs::path root_;
  std::optional<LocalStore> store_;
};

TEST_F(Store, HasTheOciLayoutFiles) {
  EXPECT_TRUE(fs::exists(root_ / "oci-layout"));
  EXPECT_TRUE(fs::exists(root_ / "index.json"));
  EXPECT_TRUE(fs::is_directory(root_ / "blobs" / "sha256"));
  auto entries = store_->entries();
  ASSERT_TRUE(entries);
  EXPECT_TRUE(entries->empty());
}

TEST_F(Store, DigestMismatchIsRefusedAndNothingStored) {
  std::string good = "good bytes";
  Descriptor d{"application/wasm", sha256_digest(good), good.size(), "", {}};
  std::string evil = "evil bytes";  // same length, other content
  {
    auto w = store_->blob_writer(d);
    ASSERT_TRUE(w);
    EXPECT_TRUE(w->write(bytes_of(evil)));
    auto committed = w->commit();
    ASSERT_FALSE(committed);
    EXPECT_EQ(committed.error().kind, ErrorKind::digest_invalid);
    EXPECT_FALSE(fs::exists(store_->blob_path(d.digest)));
    // Too many bytes are refused while streaming.
    auto w2 = store_->blob_writer(d);
    ASSERT_TRUE(w2);
    EXPECT_FALSE(w2->write(bytes_of(good + "!")));
    EXPECT_EQ(w2->commit().error().kind, ErrorKind::digest_invalid);
    EXPECT_FALSE(store_->put_blob(d, bytes_of(evil)));
    EXPECT_EQ(count_files(root_ / "blobs" / "sha256"), 0u);
  }
  // The writers are gone: their temporary files too.
  EXPECT_EQ(count_files(root_ / "tmp"), 0u);
  ASSERT_TRUE(store_->put_blob(d, bytes_of(good)));
  EXPECT_TRUE(store_->has_blob(d));
  EXPECT_TRUE(store_->read_blob(d.digest));
}

TEST_F(Store, RestartedWriteStartsFromZero) {
  std::string good = "0123456789";
  Descriptor d{"application/wasm", sha256_digest(good), good.size(), "", {}};
  auto w = store_->blob_writer(d);
  ASSERT_TRUE(w);
  EXPECT_TRUE(w->write(bytes_of("01234")));
  w->restart();
  EXPECT_TRUE(w->write(bytes_of(good)));
  EXPECT_TRUE(w->commit());
  EXPECT_TRUE(store_->read_blob(d.digest));
}

TEST_F(Store, KilledWriterLeavesNothingVisible) {
  std::string big(1 << 20, 'x');
  Descriptor d{"application/wasm", sha256_digest(big), big.size(), "", {}};
  pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    auto s = LocalStore::open(root_);
    auto w = s->blob_writer(d);
    w->write(bytes_of(big.substr(0, big.size() / 2)));
    ::kill(::getpid(), SIGKILL);  // mid-download
    _exit(1);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  EXPECT_TRUE(WIFSIGNALED(status));
  EXPECT_FALSE(fs::exists(store_->blob_path(d.digest)));
  EXPECT_TRUE(store_->entries()->empty());
  EXPECT_EQ(count_files(root_ / "tmp"), 1u);  // the leftover, invisible to readers
  // The next removal collects it.
  auto a = add_component(*store_, "r.io/ns/x:1", "wasm");
  ASSERT_TRUE(store_->remove(*parse_reference("r.io/ns/x:1")));
  EXPECT_EQ(count_files(root_ / "tmp"), 0u);
}

TEST_F(Store, FindRemoveAndCollect) {
  auto a = add_component(*store_, "r.io/ns/x:1.0.0", "wasm-one");
  auto b = add_component(*store_, "r.io/ns/x:2.0.0", "wasm-two");
  add_component(*store_, "r.io/ns/x:latest", "wasm-two");
  // A referrer of b.
  std::string tools = R"({"tools":[]})";
  auto rb = build_referrer("application/vnd.asterai.tools.v1+json", b.descriptor(),
                           {make_blob("application/json", {tools.begin(), tools.end()})}, {});
  for (const auto& blob : rb.blobs) ASSERT_TRUE(store_->put_blob(blob.descriptor, blob.bytes));
  ASSERT_TRUE(store_->put_blob(rb.descriptor(), bytes_of(rb.bytes)));
  ASSERT_TRUE(store_->add({"", rb.descriptor(), b.digest}));

  auto by_tag = find_local(*store_, *parse_reference("r.io/ns/x:1.0.0"));
  ASSERT_TRUE(by_tag) << by_tag.error().message;
  EXPECT_EQ(by_tag->digest, a.digest);
  EXPECT_EQ(by_tag->wasm_path, store_->blob_path(a.blobs[1].descriptor.digest));
  auto by_digest = find_local(*store_, *parse_reference("r.io/ns/x@" + b.digest));
  ASSERT_TRUE(by_digest);
  EXPECT_EQ(by_digest->digest, b.digest);
  auto missing = find_local(*store_, *parse_reference("r.io/ns/x:3.0.0"));
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().kind, ErrorKind::not_found);
  EXPECT_NE(missing.error().message.find("asterai pull"), std::string::npos);

  // Removing 2.0.0 keeps b (latest still points at it) and its referrer.
  auto r = store_->remove(*parse_reference("r.io/ns/x:2.0.0"));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->blobs_removed, 0u);
  EXPECT_TRUE(store_->read_blob(rb.digest));
  // Removing by digest drops latest, the referrer and b's blobs, but not the shared config.
  r = store_->remove(*parse_reference("r.io/ns/x@" + b.digest));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->removed_refs, std::vector<std::string>{"r.io/ns/x:latest"});
  EXPECT_FALSE(store_->read_blob(rb.digest));
  EXPECT_FALSE(store_->read_blob(b.digest));
  EXPECT_TRUE(find_local(*store_, *parse_reference("r.io/ns/x:1.0.0")));
  EXPECT_EQ(store_->entries()->size(), 1u);
  auto again = store_->remove(*parse_reference("r.io/ns/x:2.0.0"));
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().kind, ErrorKind::not_found);
}

TEST_F(Store, DamagedBlobIsReportedNotUsed) {
  auto a = add_component(*store_, "r.io/ns/x:1", "wasm");
  {
    std::ofstream out(store_->blob_path(a.digest), std::ios::trunc);
    out << "{}";
  }
  auto found = find_local(*store_, *parse_reference("r.io/ns/x:1"));
  ASSERT_FALSE(found);
  EXPECT_EQ(found.error().kind, ErrorKind::digest_invalid);
}

// Several processes adding and removing at once: every index update lands, and no entry is
// left pointing at a collected blob.
TEST_F(Store, ConcurrentProcessesKeepTheIndexWhole) {
  const int kProcs = 6, kEach = 8;
  std::vector<pid_t> pids;
  for (int p = 0; p < kProcs; ++p) {
    pid_t pid = fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      auto s = LocalStore::open(root_);
      if (!s) _exit(2);
      for (int i = 0; i < kEach; ++i) {
        {
          auto lock = s->lock_for_writing();
          std::string ref = "r.io/ns/p" + std::to_string(p) + ":" + std::to_string(i);
          add_component(*s, ref, "wasm " + ref);
        }
        // Odd processes also remove what they added before, racing with the writers.
        if (p % 2 == 1 && i > 0) {
          auto prev =
              parse_reference("r.io/ns/p" + std::to_string(p) + ":" + std::to_string(i - 1));
          if (!s->remove(*prev)) _exit(3);
        }
      }
      _exit(::testing::Test::HasFailure() ? 4 : 0);
    }
    pids.push_back(pid);
  }
  for (pid_t pid : pids) {
    int status = 0;
    waitpid(pid, &status, 0);
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << status;
  }
  auto entries = store_->entries();
  ASSERT_TRUE(entries);
  // Even processes keep all entries, odd ones only their last.
  EXPECT_EQ(entries->size(), static_cast<size_t>(kProcs / 2 * kEach + kProcs / 2));
  for (const auto& e : *entries) {
    auto found = find_local(*store_, *parse_reference(e.ref));
    EXPECT_TRUE(found) << e.ref << ": " << found.error().message;
  }
}

}  // namespace
}  // namespace asterai::oci
