// Opens the embedded default storage: filesystem blobs + SQLite metadata under one root.
//   <root>/registry.db       metadata and credentials (SQLite, WAL)
//   <root>/secrets/          token signing key (Ed25519 seed) and API-key hash pepper (0600)
//   <root>/blobs/, uploads/, tmp/   see filesystem_driver.cpp
#pragma once

#include <memory>
#include <string>

#include "asterai/registry/auth/credentials.h"
#include "asterai/registry/storage/blob_driver.h"
#include "asterai/registry/storage/metadata.h"

namespace asterai::registry {

struct StorageOptions {
  std::string root;
  bool default_public = false;  // visibility of repositories created by a push
};

struct Storage {
  std::unique_ptr<BlobDriver> blobs;
  std::unique_ptr<MetadataStore> metadata;
  std::unique_ptr<CredentialStore> credentials;
};

Result<Storage> open_embedded_storage(const StorageOptions& options);

// The 32-byte Ed25519 seed of a registry root's token signing key (created on first use).
Result<std::vector<unsigned char>> token_signing_key(const std::string& root);

}  // namespace asterai::registry
