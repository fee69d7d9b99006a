// `asterai ls`, `asterai rm REF…` (the local store) and `asterai tags REF` (a registry's
// versions of a component).
#include <algorithm>
#include <cstdio>
#include <iostream>

#include "asterai/oci/media_types.h"
#include "asterai/oci/referrers.h"
#include "asterai/oci/semver.h"
#include "commands.h"
#include "oci_common.h"
#include "output.h"

namespace asterai::cli {
namespace {

using nlohmann::json;

int list(bool as_json) {
  auto store = open_store();
  if (!store) return report(store.error(), as_json);
  auto entries = store->entries();
  if (!entries) return report(entries.error(), as_json);
  std::vector<oci::StoreEntry> refs;
  for (auto& e : *entries)
    if (!e.ref.empty()) refs.push_back(std::move(e));
  std::sort(refs.begin(), refs.end(), [](const auto& x, const auto& y) { return x.ref < y.ref; });
  json out = json::array();
  for (const auto& e : refs) {
    json item = {{"ref", e.ref}, {"digest", e.manifest.digest}};
    // The wasm layer's size and path, when the manifest is readable.
    if (e.manifest.media_type == oci::kWasmLayer) {  // a local component: the entry is the wasm
      item["size"] = e.manifest.size;
      item["wasm"] = store->blob_path(e.manifest.digest).string();
    } else if (auto bytes = store->read_blob(e.manifest.digest)) {
      auto m = oci::parse_manifest(std::string(bytes->begin(), bytes->end()));
      if (m)
        if (auto layer = oci::wasm_layer(*m)) {
          item["size"] = layer->size;
          item["wasm"] = store->blob_path(layer->digest).string();
        }
    }
    out.push_back(std::move(item));
  }
  if (as_json) {
    std::cout << json{{"store", store->root().string()}, {"components", out}}.dump() << "\n";
    return 0;
  }
  if (out.empty()) {
    std::cout << "the local store (" << store->root().string()
              << ") is empty; `asterai pull REF` adds to it\n";
    return 0;
  }
  size_t width = 9;
  for (const auto& i : out) width = std::max(width, i["ref"].get<std::string>().size());
  std::printf("%-*s  %-19s  %s\n", static_cast<int>(width), "REFERENCE", "DIGEST", "SIZE");
  for (const auto& i : out) {
    std::string size = i.contains("size") ? human_size(i["size"].get<uint64_t>()) : "?";
    std::printf("%-*s  %-19s  %s\n", static_cast<int>(width), i["ref"].get<std::string>().c_str(),
                i["digest"].get<std::string>().substr(0, 19).c_str(), size.c_str());
  }
  return 0;
}

int remove(const std::vector<std::string>& refs, bool as_json) {
  auto store = open_store();
  if (!store) return report(store.error(), as_json);
  // Parse all first: a typo in the third name must not leave the first two removed.
  // Local components (local:sha256:…) are kept as nullopt beside their text.
  std::vector<std::pair<std::string, std::optional<oci::Reference>>> parsed;
  for (const auto& r : refs) {
    if (oci::is_local_ref(r)) {
      parsed.emplace_back(r, std::nullopt);
      continue;
    }
    auto ref = parse_ref(r);
    if (!ref) return report(ref.error(), as_json);
    parsed.emplace_back(r, *ref);
  }
  json out = json::array();
  size_t blobs = 0;
  uint64_t bytes = 0;
  for (const auto& [text, ref] : parsed) {
    auto removed = ref ? store->remove(*ref) : store->remove_local(text);
    if (!removed) return report(removed.error(), as_json);
    for (const auto& r : removed->removed_refs) out.push_back(r);
    blobs += removed->blobs_removed;
    bytes += removed->bytes_freed;
  }
  if (as_json) {
    std::cout << json{{"removed", out}, {"blobs_removed", blobs}, {"bytes_freed", bytes}}.dump()
              << "\n";
    return 0;
  }
  for (const auto& r : out) std::cout << "removed " << r.get<std::string>() << "\n";
  std::cout << "freed " << human_size(bytes) << " (" << blobs << " blobs)\n";
  return 0;
}

int tags(const std::string& text, const RegistryFlags& flags, bool as_json) {
  auto ref = parse_ref(text);
  if (!ref) return report(ref.error(), as_json);
  auto client = make_client(ref->registry, flags);
  if (!client) return report(client.error(), as_json);
  auto list = client->list_tags(ref->repository);
  if (!list) return report(list.error(), as_json);
  std::erase_if(*list, oci::is_fallback_tag);
  auto sorted = oci::sort_tags(std::move(*list));
  if (as_json) {
    std::cout << json{{"repository", ref->name()}, {"tags", sorted}}.dump() << "\n";
    return 0;
  }
  for (const auto& t : sorted) std::cout << t << "\n";
  return 0;
}

}  // namespace

void add_store_commands(CLI::App& app, int& exit_code) {
  auto ls_json = std::make_shared<bool>(false);
  auto* ls = app.add_subcommand("ls", "List the components in the local store");
  ls->add_flag("--json", *ls_json, "Print the list as JSON");
  ls->callback([ls_json, &exit_code] { exit_code = list(*ls_json); });

  auto rm_refs = std::make_shared<std::vector<std::string>>();
  auto rm_json = std::make_shared<bool>(false);
  auto* rm = app.add_subcommand("rm", "Remove components from the local store");
  rm->add_option("refs", *rm_refs, "References as `asterai ls` shows them")->required();
  rm->add_flag("--json", *rm_json, "Print the result as JSON");
  rm->callback([rm_refs, rm_json, &exit_code] { exit_code = remove(*rm_refs, *rm_json); });

  struct TagsArgs {
    std::string ref;
    bool json = false;
    RegistryFlags flags;
  };
  auto t = std::make_shared<TagsArgs>();
  auto* tags_cmd = app.add_subcommand("tags", "List a component's versions in its registry");
  tags_cmd->add_option("ref", t->ref, "REGISTRY/NS/NAME (a tag, if given, is ignored)")->required();
  tags_cmd->add_flag("--json", t->json, "Print the tags as JSON");
  t->flags.add_to(*tags_cmd);
  tags_cmd->callback([t, &exit_code] { exit_code = tags(t->ref, t->flags, t->json); });
}

}  // namespace asterai::cli
