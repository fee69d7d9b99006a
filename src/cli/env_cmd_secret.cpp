// `asterai env secret set | rm | ls`: the local encrypted secret store. A value is read from
// a prompt without echo (on a terminal) or from stdin, never from the command line, and is
// never printed.
#include <sodium.h>

#include <iostream>

#include "asterai/env/document.h"
#include "asterai/env/secret_store.h"
#include "env_cmd.h"
#include "output.h"
#include "secret_input.h"

namespace asterai::cli {
namespace {

int set_secret(const std::string& name) {
  if (!env::is_valid_var_name(name))
    return report(make_error(ErrorKind::usage,
                             "bad secret name \"" + name + "\" (use [A-Za-z_][A-Za-z0-9_]*)")
                      .value());
  auto store = env::SecretStore::open(env::SecretStore::default_folder(), true);
  if (!store) return report(store.error());
  auto value = read_secret_value(name);
  if (!value) return report(value.error());
  auto ok = store->set(name, *value);
  sodium_memzero(value->data(), value->size());
  if (!ok) return report(ok.error());
  std::cout << "secret " << name << " set\n";
  return 0;
}

}  // namespace

void add_env_secret_commands(CLI::App& env, int& exit_code) {
  auto* secret =
      env.add_subcommand("secret", "The local encrypted secret store (names only are ever shown)");
  secret->require_subcommand(1);
  {
    auto name = std::make_shared<std::string>();
    auto* cmd =
        secret->add_subcommand("set", "Store a secret; the value is read from a prompt or stdin");
    cmd->add_option("name", *name, "Secret name ([A-Za-z_][A-Za-z0-9_]*)")->required();
    cmd->callback([name, &exit_code] { exit_code = set_secret(*name); });
  }
  {
    auto name = std::make_shared<std::string>();
    auto* cmd = secret->add_subcommand("rm", "Delete a secret");
    cmd->add_option("name", *name, "Secret name")->required();
    cmd->callback([name, &exit_code] {
      auto store = env::SecretStore::open(env::SecretStore::default_folder(), false);
      if (!store) {
        exit_code = report(store.error());
        return;
      }
      auto ok = store->remove(*name);
      if (!ok) {
        exit_code = report(ok.error());
        return;
      }
      std::cout << "secret " << *name << " removed\n";
      exit_code = 0;
    });
  }
  {
    auto json = std::make_shared<bool>(false);
    auto* cmd = secret->add_subcommand("ls", "List the names of stored secrets");
    cmd->add_flag("--json", *json, "Print JSON");
    cmd->callback([json, &exit_code] {
      std::vector<std::string> names;
      auto store = env::SecretStore::open(env::SecretStore::default_folder(), false);
      if (store) {
        names = store->names();
      } else if (store.error().kind != ErrorKind::not_found) {  // no key yet: no secrets
        exit_code = report(store.error());
        return;
      }
      if (*json)
        std::cout << nlohmann::json{{"secrets", names}}.dump() << "\n";
      else
        for (const auto& n : names) std::cout << n << "\n";
      exit_code = 0;
    });
  }
}

}  // namespace asterai::cli
