// text-tools in C++20, over the C bindings `asterai build` generates (text_tools.h).
// Arguments are owned by the callee and freed here; results are malloc'ed (through the
// generated helpers) and freed by the generated post-return code.
#include <algorithm>
#include <cstdlib>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "text_tools.h"

namespace {

using TextStats = exports_asterai_examples_text_tools_text_text_stats_t;

std::string_view view(const text_tools_string_t& s) {
  return {reinterpret_cast<const char*>(s.ptr), s.len};
}

bool is_ascii_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}

bool is_ascii_alnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

char ascii_lower(char c) {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c;
}

// Owns an argument for the length of a call and frees it at the end.
struct Arg {
  text_tools_string_t* s;
  ~Arg() { text_tools_string_free(s); }
  std::string_view text() const { return view(*s); }
};

}  // namespace

void exports_asterai_examples_text_tools_text_stats(text_tools_string_t* text, TextStats* ret) {
  Arg arg{text};
  uint32_t chars = 0, words = 0, lines = 0;
  bool in_word = false;
  for (char c : arg.text()) {
    if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++chars;  // not a continuation byte
    if (c == '\n') ++lines;
    bool space = is_ascii_space(c);
    if (!space && !in_word) ++words;
    in_word = !space;
  }
  if (!arg.text().empty() && arg.text().back() != '\n') ++lines;
  *ret = TextStats{chars, words, lines};
}

void exports_asterai_examples_text_tools_text_slugify(text_tools_string_t* text,
                                                      text_tools_string_t* ret) {
  Arg arg{text};
  std::string slug;
  bool pending_dash = false;
  for (char c : arg.text()) {
    if (!is_ascii_alnum(c)) {
      pending_dash = true;
      continue;
    }
    if (pending_dash && !slug.empty()) slug += '-';
    pending_dash = false;
    slug += ascii_lower(c);
  }
  text_tools_string_dup_n(ret, slug.data(), slug.size());
}

void exports_asterai_examples_text_tools_text_top_words(text_tools_string_t* text, uint32_t n,
                                                        text_tools_list_tuple2_string_u32_t* ret) {
  Arg arg{text};
  std::map<std::string, uint32_t> counts;  // ordered: ties come out alphabetically
  std::string_view t = arg.text();
  for (size_t i = 0; i < t.size();) {
    if (!is_ascii_alnum(t[i])) {
      ++i;
      continue;
    }
    std::string word;
    for (; i < t.size() && is_ascii_alnum(t[i]); ++i) word += ascii_lower(t[i]);
    ++counts[word];
  }
  std::vector<std::pair<std::string, uint32_t>> ranked(counts.begin(), counts.end());
  std::stable_sort(ranked.begin(), ranked.end(),
                   [](const auto& a, const auto& b) { return a.second > b.second; });
  ranked.resize(std::min<size_t>(ranked.size(), n));
  ret->len = ranked.size();
  ret->ptr = static_cast<text_tools_tuple2_string_u32_t*>(
      std::malloc(std::max<size_t>(1, ranked.size()) * sizeof(text_tools_tuple2_string_u32_t)));
  for (size_t i = 0; i < ranked.size(); ++i) {
    text_tools_string_dup_n(&ret->ptr[i].f0, ranked[i].first.data(), ranked[i].first.size());
    ret->ptr[i].f1 = ranked[i].second;
  }
}
