#include "package_docs.h"

#include <vector>

#include "asterai/common/files.h"
#include "asterai/common/leb128.h"

namespace asterai::project {
namespace {

constexpr std::string_view kPackageDocs = "package-docs";

void append_leb(std::vector<uint8_t>& out, uint64_t value) {
  do {
    uint8_t b = value & 0x7f;
    value >>= 7;
    out.push_back(value ? (b | 0x80) : b);
  } while (value);
}

}  // namespace

std::optional<std::span<const uint8_t>> find_custom_section(std::span<const uint8_t> wasm,
                                                            std::string_view name) {
  if (wasm.size() < 8 || wasm[0] != 0 || wasm[1] != 'a' || wasm[2] != 's' || wasm[3] != 'm')
    return std::nullopt;
  size_t pos = 8;
  while (pos < wasm.size()) {
    uint8_t id = wasm[pos++];
    auto size = read_leb128(wasm, pos);
    if (!size || *size > wasm.size() - pos) return std::nullopt;
    auto body = wasm.subspan(pos, *size);
    pos += *size;
    if (id != 0) continue;
    size_t p = 0;
    auto len = read_leb128(body, p);
    if (len && *len <= body.size() - p &&
        std::string_view(reinterpret_cast<const char*>(body.data() + p), *len) == name)
      return body.subspan(p + *len);
  }
  return std::nullopt;
}

Result<void> add_wit_docs(const std::filesystem::path& component,
                          const std::filesystem::path& encoded_wit) {
  auto bytes = ASTERAI_TRY(read_file(component));
  if (find_custom_section(bytes, kWitDocsSection)) return {};
  auto wit = ASTERAI_TRY(read_file(encoded_wit));
  auto docs = find_custom_section(wit, kPackageDocs);
  if (!docs) {
    return make_error(ErrorKind::build_failed,
                      encoded_wit.string() + " has no package-docs section to copy");
  }
  std::vector<uint8_t> body;
  append_leb(body, kWitDocsSection.size());
  body.insert(body.end(), kWitDocsSection.begin(), kWitDocsSection.end());
  body.insert(body.end(), docs->begin(), docs->end());
  // A custom section may follow the last section of a component: appending keeps it valid.
  bytes.push_back(0);
  append_leb(bytes, body.size());
  bytes.insert(bytes.end(), body.begin(), body.end());
  return write_file_atomic(component, bytes);
}

}  // namespace asterai::project
