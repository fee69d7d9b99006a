// The narrow interface between the registry's domain logic and where bytes live. The
// filesystem driver is the embedded default; an S3-compatible one can implement the same
// calls. Drivers know nothing about repositories: blobs are addressed by digest only, and
// upload files by an opaque session id that the caller has validated.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "asterai/common/error.h"
#include "asterai/registry/digest.h"

namespace asterai::registry {

// Random-access reader of one committed blob; owns its handle.
class BlobReader {
 public:
  virtual ~BlobReader() = default;
  virtual uint64_t size() const = 0;
  // Reads up to out.size() bytes at offset; returns the count (0 only at the end).
  virtual Result<size_t> read_at(uint64_t offset, std::span<char> out) = 0;
  // A file descriptor the HTTP layer may sendfile() from, or -1.
  virtual int native_fd() const { return -1; }
};

// Appends to one upload session's data; owns its handle. Data becomes durable only when
// the driver commits the upload.
class UploadWriter {
 public:
  virtual ~UploadWriter() = default;
  virtual Result<void> append(std::span<const char> bytes) = 0;
};

struct StoredBlob {
  Digest digest;
  uint64_t size = 0;
  int64_t modified_unix = 0;  // for the garbage collector's grace period
};

class BlobDriver {
 public:
  virtual ~BlobDriver() = default;

  virtual Result<std::unique_ptr<BlobReader>> open(const Digest& digest) = 0;
  virtual Result<uint64_t> size(const Digest& digest) = 0;  // not_found when absent
  // Stores small content (manifests) in one atomic step.
  virtual Result<void> put(const Digest& digest, std::span<const char> bytes) = 0;
  virtual Result<void> remove(const Digest& digest) = 0;
  virtual Result<void> for_each(const std::function<void(const StoredBlob&)>& visit) = 0;

  virtual Result<void> create_upload(const std::string& id) = 0;
  virtual Result<uint64_t> upload_size(const std::string& id) = 0;
  virtual Result<std::unique_ptr<UploadWriter>> append_upload(const std::string& id) = 0;
  virtual Result<std::unique_ptr<BlobReader>> read_upload(const std::string& id) = 0;
  // Makes the upload's data the blob `digest` (durably, atomically) and removes the upload.
  // If the blob exists already the upload is simply dropped: content addressing makes
  // concurrent uploads of the same bytes store one copy.
  virtual Result<void> commit_upload(const std::string& id, const Digest& digest) = 0;
  virtual Result<void> remove_upload(const std::string& id) = 0;
  virtual Result<std::vector<std::string>> list_uploads() = 0;
};

// Blobs under root/blobs/<alg>/<2 hex>/<hex>, uploads under root/uploads/<id>.
Result<std::unique_ptr<BlobDriver>> make_filesystem_driver(const std::string& root);

}  // namespace asterai::registry
