#include "asterai_wit.h"

#include "asterai/common/files.h"
#include "wasi_wit.h"

namespace asterai::project {

namespace fs = std::filesystem;

std::set<std::string> missing_asterai_packages(const fs::path& wit_dir) {
  std::set<std::string> used = wit_package_names(wit_dir, "asterai", false);
  for (const auto& name : wit_package_names(wit_dir, "asterai", true)) used.erase(name);
  // Other asterai: names are the project's own business (its package may be asterai:agent).
  std::set<std::string> missing;
  for (const auto& p : asterai_wit_packages())
    if (used.contains(std::string(p.name))) missing.insert(std::string(p.name));
  return missing;
}

Result<void> add_asterai_packages(const std::set<std::string>& names, const fs::path& dest) {
  for (const auto& p : asterai_wit_packages()) {
    if (!names.contains(std::string(p.name))) continue;
    fs::path dir = dest / "deps" / ("asterai-" + std::string(p.name));
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (ec) return make_error(ErrorKind::io, "cannot create " + dir.string() + ": " + ec.message());
    ASTERAI_TRY(write_file_atomic(
        dir / p.file, {reinterpret_cast<const uint8_t*>(p.text.data()), p.text.size()}));
  }
  return {};
}

}  // namespace asterai::project
