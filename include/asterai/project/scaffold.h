// `asterai init`: a new component project from the built-in templates.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "asterai/common/error.h"
#include "asterai/project/project.h"

namespace asterai::project {

struct InitOptions {
  std::string name;  // kebab-case WIT name; also the world's name
  Language language = Language::c;
  std::string namespace_ = "example";
  std::string version = "0.1.0";
  std::filesystem::path dir;  // where to create it; empty = ./NAME
};

// Writes the project and returns the files written (relative to its folder). Refuses a
// folder that exists and is not empty; on any failure nothing is left behind.
Result<std::vector<std::filesystem::path>> init_project(const InitOptions& options);

}  // namespace asterai::project
