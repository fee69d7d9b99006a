// Validation of repository names, tags and references (dist-spec grammar). Everything that
// reaches the storage layer has passed through these, so no name can address a path outside
// the store.
#pragma once

#include <string_view>

namespace asterai::registry {

// `[a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*(/[a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*)*`, at most 255 bytes.
bool is_valid_repository_name(std::string_view name);

// `[a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}`
bool is_valid_tag(std::string_view tag);

// A released semantic version ("1.2.3", optionally "v1.2.3" or with +build): such tags
// are immutable on this registry, pre-releases ("1.2.3-rc.1") and other tags may move.
bool is_release_version_tag(std::string_view tag);

// The namespace a repository lives in: its first path component ("alice" in "alice/tool").
std::string_view namespace_of(std::string_view repository);

}  // namespace asterai::registry
