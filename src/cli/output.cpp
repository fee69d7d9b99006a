#include "output.h"

#include <cstdio>
#include <cstdlib>

#include "asterai/common/units.h"

namespace asterai::cli {

void EngineFlags::add_to(CLI::App& cmd, bool serves_many) {
  many_calls = serves_many;
  cmd.add_option("--cache-dir", cache_dir,
                 "Where compiled components are cached (default: $ASTERAI_CACHE_DIR/compiled, "
                 "$XDG_CACHE_HOME/asterai/compiled or ~/.cache/asterai/compiled)");
  cmd.add_option("--cache-max-size", cache_max_size,
                 "The compile cache's bound: storing past it removes the least recently used "
                 "compiled components (0: no bound; default: $ASTERAI_CACHE_MAX_SIZE or 4GiB)")
      ->check([](const std::string& text) {
        auto size = parse_size(text, "--cache-max-size");
        if (size) return std::string();
        auto& message = size.error().message;  // CLI11 names the flag itself
        return message.substr(message.find(": ") + 2);
      })
      ->type_name("SIZE")
      ->capture_default_str();
  cmd.add_flag("--no-cache", no_cache, "Compile without reading or writing the compile cache");
  if (many_calls) {
    cmd.add_flag("--no-pooling", no_pooling, "Allocate instances on demand instead of from a pool");
    cmd.add_option("--max-instances", max_instances,
                   "Instances alive at once, all calls together (the pool's size; each reserves "
                   "~8 GiB of address space, not memory); one more call gets 503 busy")
        ->check(CLI::Range(size_t{1}, runtime::EngineOptions::kMaxMaxInstances))
        ->capture_default_str();
  } else {
    cmd.add_flag("--pooling", pooling, "Instantiate from a pre-reserved pool (for many calls)");
  }
}

runtime::EngineOptions EngineFlags::to_options(bool fuel) const {
  runtime::EngineOptions o;
  if (!no_cache)
    o.cache_dir =
        cache_dir.empty() ? default_cache_root() / "compiled" : std::filesystem::path(cache_dir);
  o.cache_max_bytes = parse_size(cache_max_size, "--cache-max-size").value_or(0);  // checked
  o.pooling = many_calls ? !no_pooling : pooling;
  o.fuel = fuel;
  o.max_instances = max_instances;
  return o;
}

std::string default_cache_max_size() {
  const char* size = std::getenv("ASTERAI_CACHE_MAX_SIZE");
  return size && *size ? size : "4GiB";
}

Result<void> check_environment() {
  if (auto size = parse_size(default_cache_max_size(), "ASTERAI_CACHE_MAX_SIZE"); !size)
    return make_error(ErrorKind::usage, size.error().message);
  return {};
}

std::filesystem::path default_cache_root() {
  if (const char* dir = std::getenv("ASTERAI_CACHE_DIR"); dir && *dir) return dir;
  if (const char* xdg = std::getenv("XDG_CACHE_HOME"); xdg && *xdg)
    return std::filesystem::path(xdg) / "asterai";
  if (const char* home = std::getenv("HOME"); home && *home) {
    return std::filesystem::path(home) / ".cache" / "asterai";
  }
  return std::filesystem::temp_directory_path() / "asterai-cache";
}

int report(const Error& error) {
  std::fprintf(stderr, "error: %s\n", error.to_string().c_str());
  return error_exit_code(error.kind);
}

nlohmann::json error_json(const Error& error) {
  nlohmann::json e = {{"kind", error_kind_name(error.kind)}, {"message", error.message}};
  if (!error.path.empty()) e["path"] = error.path;
  return e;
}

int report(const Error& error, bool as_json) {
  if (as_json) std::printf("%s\n", nlohmann::json{{"error", error_json(error)}}.dump().c_str());
  return report(error);
}

std::string human_size(uint64_t bytes) {
  char buf[32];
  if (bytes < 1024)
    std::snprintf(buf, sizeof buf, "%llu B", static_cast<unsigned long long>(bytes));
  else if (bytes < (1u << 20))
    std::snprintf(buf, sizeof buf, "%.1f KiB", bytes / 1024.0);
  else
    std::snprintf(buf, sizeof buf, "%.1f MiB", bytes / 1048576.0);
  return buf;
}

nlohmann::json import_json(const runtime::ItemInfo& i) {
  nlohmann::json j = {
      {"name", i.name}, {"kind", i.kind}, {"provided_by", runtime::import_source_name(i.source)}};
  if (i.source == runtime::ImportSource::host) j["resolves_to"] = i.provider;
  if (i.source == runtime::ImportSource::member) j["component"] = i.provider;
  return j;
}

std::string import_text(const runtime::ItemInfo& i) {
  switch (i.source) {
    case runtime::ImportSource::host:
      return "provided by the host as " + i.provider;
    case runtime::ImportSource::member:
      return "provided by component `" + i.provider + "`";
    case runtime::ImportSource::none:
      break;
  }
  return "not provided: calls into it fail with missing-import";
}

}  // namespace asterai::cli
