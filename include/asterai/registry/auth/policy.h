// Who may do what: a user owns the namespace named after them; admins own everything.
// Public repositories are pullable by anyone; private ones only by their owners.
#pragma once

#include <optional>

#include "asterai/registry/auth/credentials.h"
#include "asterai/registry/auth/token.h"
#include "asterai/registry/storage/metadata.h"

namespace asterai::registry {

bool owns_repository(const std::optional<User>& user, std::string_view repository);

// The subset of `requested.actions` granted; `repo` is the repository's metadata if it exists.
std::vector<std::string> granted_actions(const std::optional<User>& user, const Access& requested,
                                         const std::optional<RepositoryInfo>& repo);

// Whether a repository appears to this viewer in _catalog and search.
bool may_see(const std::optional<User>& user, const RepositoryInfo& repo);

}  // namespace asterai::registry
