// The `[[schedules]]` array of an environment document, parsed with line errors (cron
// expressions and time zones are checked here); document_write.cpp writes it back.
#pragma once

#include <toml++/toml.h>

#include "asterai/common/toml_reader.h"
#include "asterai/env/document.h"

namespace asterai::env {

Result<void> parse_schedules(const TomlReader& cx, const toml::node& node, Document& doc);

}  // namespace asterai::env
