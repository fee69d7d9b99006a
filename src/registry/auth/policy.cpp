#include "asterai/registry/auth/policy.h"

#include "asterai/registry/names.h"

namespace asterai::registry {

bool owns_repository(const std::optional<User>& user, std::string_view repository) {
  if (!user) return false;
  return user->is_admin || namespace_of(repository) == user->name;
}

std::vector<std::string> granted_actions(const std::optional<User>& user, const Access& requested,
                                         const std::optional<RepositoryInfo>& repo) {
  std::vector<std::string> out;
  if (requested.type == "registry" && requested.name == "catalog") {
    // Everyone may list; the listing itself is filtered by visibility.
    for (const auto& a : requested.actions) {
      if (a == "*") out.push_back(a);
    }
    return out;
  }
  if (requested.type != "repository" || !is_valid_repository_name(requested.name)) return out;
  bool owner = owns_repository(user, requested.name);
  for (const auto& a : requested.actions) {
    bool ok = owner ? (a == "pull" || a == "push" || a == "delete" || a == "*")
                    : (a == "pull" && repo && repo->is_public);
    if (ok) out.push_back(a);
  }
  return out;
}

bool may_see(const std::optional<User>& user, const RepositoryInfo& repo) {
  return repo.is_public || owns_repository(user, repo.name);
}

}  // namespace asterai::registry
