// `asterai init NAME --lang L` and `asterai build [DIR]`: component projects (src/project).
#include <chrono>
#include <cstdio>
#include <iostream>

#include "asterai/project/build.h"
#include "asterai/project/scaffold.h"
#include "asterai/runtime/runtime.h"
#include "commands.h"
#include "output.h"

namespace asterai::cli {
namespace {

struct InitArgs {
  std::string name;
  std::string lang = "c";
  std::string ns = "example";
  std::string dir;
};

int init(const InitArgs& args) {
  auto language = project::parse_language(args.lang);
  if (!language) return report(language.error());
  project::InitOptions o;
  o.name = args.name;
  o.language = *language;
  o.namespace_ = args.ns;
  o.dir = args.dir;
  auto files = project::init_project(o);
  if (!files) return report(files.error());
  std::string dir = args.dir.empty() ? args.name : args.dir;
  std::cout << "created " << dir << "/ (" << project::language_name(*language) << ")\n";
  for (const auto& f : *files) std::cout << "  " << f.string() << "\n";
  std::cout << "next:\n  cd " << dir << "\n  asterai build\n  asterai call build/" << args.name
            << ".wasm greet Ada\n";
  return 0;
}

struct BuildArgs {
  std::string dir = ".";
  std::string out_dir;
  bool force = false;
  bool quiet = false;
  bool json = false;
};

int build(const BuildArgs& args) {
  auto p = project::load_project(args.dir);
  if (!p) return report(p.error());
  project::BuildOptions o;
  o.cache_root = default_cache_root();
  o.out_dir = args.out_dir;
  o.force = args.force;
  o.wasmtime_version = runtime::wasmtime_version();
  if (!args.quiet && !args.json)
    o.on_step = [](const std::string& step) { std::fprintf(stderr, "  %s\n", step.c_str()); };
  o.on_failure_output = [](const std::string& output) {
    std::fwrite(output.data(), 1, output.size(), stderr);
  };
  auto start = std::chrono::steady_clock::now();
  auto built = project::build_project(*p, o);
  if (!built) {
    if (args.json) std::cout << nlohmann::json{{"error", error_json(built.error())}}.dump() << "\n";
    return report(built.error());
  }
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (args.json) {
    std::cout << nlohmann::json{{"output", built->output.string()},
                                {"size", built->size_bytes},
                                {"up_to_date", built->up_to_date},
                                {"seconds", seconds}}
                     .dump()
              << "\n";
  } else if (built->up_to_date) {
    std::cout << built->output.string() << " is up to date (" << human_size(built->size_bytes)
              << ")\n";
  } else {
    char took[32];
    std::snprintf(took, sizeof took, "%.1f s", seconds);
    std::cout << "built " << built->output.string() << " (" << human_size(built->size_bytes) << ", "
              << took << ")\n";
  }
  return 0;
}

}  // namespace

void add_project_commands(CLI::App& app, int& exit_code) {
  auto init_args = std::make_shared<InitArgs>();
  auto* i = app.add_subcommand("init", "Create a component project: wit/, sources, asterai.toml");
  i->add_option("name", init_args->name,
                "Project and WIT world name: lower-case words joined by '-' (text-stats)")
      ->required();
  i->add_option("--lang,-l", init_args->lang, "Language: c, cpp, js, ts, python, rust or go")
      ->capture_default_str();
  i->add_option("--namespace,-n", init_args->ns, "Registry namespace and WIT package namespace")
      ->capture_default_str();
  i->add_option("--dir", init_args->dir, "Where to create it (default: ./NAME); must be empty");
  i->callback([init_args, &exit_code] { exit_code = init(*init_args); });

  auto build_args = std::make_shared<BuildArgs>();
  auto* b = app.add_subcommand(
      "build",
      "Build the project in DIR (default: .) into OUT/NAME.wasm; nothing runs when up to date");
  b->add_option("dir", build_args->dir, "The project folder (holding asterai.toml)")
      ->capture_default_str();
  b->add_option("--out-dir,-o", build_args->out_dir,
                "Where the component goes (default: DIR/build)");
  b->add_flag("--force", build_args->force, "Rebuild even when nothing changed");
  b->add_flag("--quiet,-q", build_args->quiet, "Do not list the build steps");
  b->add_flag("--json", build_args->json, "Print {output, size, up_to_date, seconds} as JSON");
  b->callback([build_args, &exit_code] { exit_code = build(*build_args); });
}

}  // namespace asterai::cli
