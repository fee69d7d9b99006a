// The words after a command's fixed positionals (`call FILE FUNCTION ARGS...`) are values and
// reach the command exactly as typed. CLI11 alone would split a word like `["a,b","c"]` at its
// commas (its vector syntax) and treat `--` and some dashed words as its own.
#pragma once

#include <CLI/CLI.hpp>
#include <string>
#include <vector>

namespace asterai::cli {

// Marks `cmd` as taking verbatim values after its first `fixed_positionals` positionals; they
// are stored in `*values` before the command's callback runs. After those positionals, the
// command's own long flags (`--json`, `--registry HOST`, `--registry=HOST`) are still flags;
// every other word, `--` included, is a value. `cmd` and `values` must outlive the parse.
void take_values_verbatim(CLI::App* cmd, size_t fixed_positionals,
                          std::vector<std::string>* values);

// Takes the verbatim values out of `args` (argv without the program name) for the command
// the words select, and returns what is left for CLI11 to parse.
std::vector<std::string> extract_verbatim_values(const CLI::App& root,
                                                 const std::vector<std::string>& args);

// Forgets every registration (the CLI can be run more than once in one process).
void clear_verbatim_values();

}  // namespace asterai::cli
