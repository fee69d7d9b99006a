#include "asterai/publish/publication.h"

#include "asterai/common/files.h"
#include "asterai/mcp/wit_docs.h"
#include "asterai/oci/media_types.h"
#include "asterai/publish/component_metadata.h"
#include "asterai/runtime/wit_text.h"

namespace asterai::publish {
namespace fs = std::filesystem;

namespace {

std::vector<uint8_t> to_bytes(const std::string& s) {
  return {s.begin(), s.end()};
}

}  // namespace

Result<std::optional<project::Project>> project_of(const fs::path& wasm) {
  std::error_code ec;
  fs::path dir = fs::absolute(wasm, ec).parent_path();
  if (ec) return std::optional<project::Project>();
  while (true) {
    if (fs::exists(dir / project::kProjectFile, ec))
      return std::optional<project::Project>(ASTERAI_TRY(project::load_project(dir)));
    if (dir == dir.root_path() || dir.empty()) return std::optional<project::Project>();
    dir = dir.parent_path();
  }
}

Result<Publication> prepare_publication(const runtime::Runtime& runtime,
                                        const PublicationInputs& in) {
  auto bytes = ASTERAI_TRY(read_file(in.wasm));
  auto component = ASTERAI_TRY(runtime.load(bytes, in.wasm.filename().string()));
  auto project = ASTERAI_TRY(project_of(in.wasm));

  Publication pub;
  std::vector<WitFile> wit;
  mcp::WitDocs docs;
  if (in.no_wit) {
    pub.wit_source = WitSource::none;
  } else if (in.wit || project) {
    pub.wit_source = WitSource::folder;
    pub.wit_folder = in.wit ? *in.wit : project->wit_dir;
    wit = ASTERAI_TRY(read_wit_dir(pub.wit_folder));
    for (const auto& f : wit) docs.add_missing(mcp::parse_wit_docs(f.text));
  } else {
    pub.wit_source = WitSource::component;
    wit.push_back({"component.wit", ASTERAI_TRY(runtime::component_wit(bytes))});
  }
  docs.add_missing(mcp::read_wit_docs(bytes));  // what the component carries itself

  oci::ComponentMetadata meta;
  const auto& repo = in.ref.repository;
  meta.title = repo.substr(repo.rfind('/') + 1);
  meta.version = in.ref.tag;
  meta.created = oci::rfc3339_now();
  auto pick = [&](const std::string& given, std::string project::Project::* field) {
    return !given.empty() ? given : project ? (*project).*field : std::string();
  };
  meta.description = pick(in.description, &project::Project::description);
  meta.licenses = pick(in.license, &project::Project::license);
  meta.source = pick(in.source, &project::Project::source_url);
  meta.author = !in.author.empty() ? in.author : repo.substr(0, repo.find('/'));

  auto& req = pub.request;
  req.ref = in.ref;
  std::string target = pub.wit_source == WitSource::folder ? wit_target(wit) : "";
  auto tools = tools_document(*component, docs).dump();
  req.component =
      oci::build_component_artifact(std::move(bytes), component_info(*component, target), meta);
  auto subject = req.component.descriptor();
  if (!wit.empty()) {
    std::vector<oci::Blob> layers;
    for (const auto& f : wit)
      layers.push_back(oci::make_blob(std::string(oci::kWitLayer), to_bytes(f.text),
                                      {{std::string(oci::kAnnotationTitle), f.name}}));
    req.referrers.push_back(
        {std::string(oci::kWitArtifact),
         oci::build_referrer(oci::kWitArtifact, subject, std::move(layers),
                             {{std::string(oci::kAnnotationCreated), meta.created}})});
  }
  req.referrers.push_back(oci::tools_referrer(subject, tools, meta.created));
  return pub;
}

}  // namespace asterai::publish
