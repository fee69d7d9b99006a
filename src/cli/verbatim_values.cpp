#include "verbatim_values.h"

#include <cctype>

namespace asterai::cli {
namespace {

struct Registration {
  const CLI::App* cmd;
  size_t fixed_positionals;
  std::vector<std::string>* values;
};

std::vector<Registration>& registrations() {
  static std::vector<Registration> all;
  return all;
}

const Registration* registration_of(const CLI::App* app) {
  for (const auto& r : registrations())
    if (r.cmd == app) return &r;
  return nullptr;
}

// `-5`, `-1.5e3`, `-.5`: numbers, never flags (CLI11 agrees for the options we define).
bool is_negative_number(const std::string& w) {
  return w.size() > 1 && w[0] == '-' &&
         (std::isdigit(static_cast<unsigned char>(w[1])) || w[1] == '.');
}

bool is_flag_like(const std::string& w) {
  return w.size() > 1 && w[0] == '-' && !is_negative_number(w);
}

// The option `w` names on `app` (`--name`, `--name=value`, `-n`), or null.
const CLI::Option* option_named(const CLI::App& app, const std::string& w) {
  std::string name = w.substr(0, w.find('='));
  if (name.size() < 2 || name[0] != '-') return nullptr;
  const CLI::Option* opt = app.get_option_no_throw(name);
  return opt && !opt->get_positional() ? opt : nullptr;
}

// Whether the option in word `w` takes its value from the next word.
bool takes_next_word(const CLI::Option& opt, const std::string& w) {
  if (opt.get_expected_min() == 0) return false;  // a flag
  if (w.find('=') != std::string::npos) return false;
  return w.rfind("--", 0) == 0 || w.size() == 2;  // `-xVALUE` carries its value
}

const CLI::App* subcommand_named(const CLI::App& app, const std::string& w) {
  for (const CLI::App* sub : app.get_subcommands([](const CLI::App*) { return true; }))
    if (sub->check_name(w)) return sub;
  return nullptr;
}

}  // namespace

void take_values_verbatim(CLI::App* cmd, size_t fixed_positionals,
                          std::vector<std::string>* values) {
  registrations().push_back({cmd, fixed_positionals, values});
}

void clear_verbatim_values() {
  registrations().clear();
}

std::vector<std::string> extract_verbatim_values(const CLI::App& root,
                                                 const std::vector<std::string>& args) {
  const CLI::App* app = &root;
  size_t positionals = 0;
  bool only_positionals = false;  // after a `--` before the fixed positionals end
  size_t i = 0;
  const Registration* target = nullptr;
  // Walk up to the last fixed positional of a command that takes verbatim values.
  for (; i < args.size() && !target; ++i) {
    const std::string& w = args[i];
    if (!only_positionals) {
      if (w == "--") {
        only_positionals = true;
        continue;
      }
      if (positionals == 0) {
        if (const CLI::App* sub = subcommand_named(*app, w)) {
          app = sub;
          continue;
        }
      }
      if (is_flag_like(w)) {
        const CLI::Option* opt = option_named(*app, w);
        if (opt && takes_next_word(*opt, w)) ++i;
        continue;  // unknown flags are CLI11's to report
      }
    }
    ++positionals;
    const Registration* r = registration_of(app);
    if (r && positionals == r->fixed_positionals) target = r;
  }
  if (!target) return args;

  std::vector<std::string> rest(args.begin(), args.begin() + static_cast<ptrdiff_t>(i));
  target->values->clear();
  for (; i < args.size(); ++i) {
    const std::string& w = args[i];
    bool long_flag = !only_positionals && w.rfind("--", 0) == 0 && w.size() > 2;
    const CLI::Option* opt = long_flag ? option_named(*app, w) : nullptr;
    if (!opt) {
      target->values->push_back(w);
      continue;
    }
    rest.push_back(w);
    if (takes_next_word(*opt, w) && i + 1 < args.size()) rest.push_back(args[++i]);
  }
  return rest;
}

}  // namespace asterai::cli
