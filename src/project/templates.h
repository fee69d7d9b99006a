// The files `asterai init` writes, per language, with {{placeholders}} (see scaffold.cpp).
#pragma once

#include <string_view>
#include <vector>

#include "asterai/project/project.h"

namespace asterai::project {

struct TemplateFile {
  std::string_view path;  // relative to the project root
  std::string_view text;
};

// Every file of a new project in `language`: the common ones and the language's sources.
std::vector<TemplateFile> templates_for(Language language);

}  // namespace asterai::project
