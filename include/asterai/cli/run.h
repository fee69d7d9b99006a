#pragma once

namespace asterai::cli {

// The whole `asterai` program; returns the process exit code (docs/cli.md lists them).
int run(int argc, char** argv);

}  // namespace asterai::cli
