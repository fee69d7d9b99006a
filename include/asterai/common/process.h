// Running another program (a compiler, a componentizer) without a shell, capturing what it
// prints. Used by `asterai build`; the runtime itself never starts processes.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "asterai/common/error.h"

namespace asterai {

struct ProcessOutput {
  int exit_code = -1;  // 128 + signal number when the program was killed by a signal
  std::string output;  // stdout and stderr, interleaved as written
};

// Runs argv[0] (looked up on PATH when it has no '/') in `cwd` (empty = current folder) with
// stdin from /dev/null. An error only when the program could not be started at all.
Result<ProcessOutput> run_process(const std::vector<std::string>& argv,
                                  const std::filesystem::path& cwd = {});

// Runs argv[0] (on PATH) with `input` on stdin; `output` is its stdout only (stderr is
// discarded): for programs that answer in a machine format, like Docker credential helpers.
Result<ProcessOutput> run_filter(const std::vector<std::string>& argv, std::string_view input);

// The full path of `program` on PATH, or empty when it is not there.
std::filesystem::path find_on_path(const std::string& program);

}  // namespace asterai
