#include "catalog/html.h"

#include <array>
#include <cctype>

#include "asterai/common/percent_decode.h"

namespace asterai::registry::catalog {
namespace {

// Contrast of every pair is at least 4.5:1 (WCAG AA) on the white and pale backgrounds.
constexpr std::string_view kStyle = R"(
*{box-sizing:border-box}
body{margin:0;font:16px/1.5 system-ui,sans-serif;color:#1a1a1a;background:#fff}
header{display:flex;flex-wrap:wrap;gap:1rem;align-items:center;padding:.75rem 1.5rem;background:#14213d;color:#fff}
header a{color:#fff}
header form.search{flex:1;display:flex;gap:.5rem;min-width:16rem}
header input[type=search]{flex:1;padding:.4rem .6rem;font-size:1rem;border:0;border-radius:4px}
button{padding:.4rem .9rem;font-size:1rem;border:0;border-radius:4px;background:#fca311;color:#000;cursor:pointer}
main{max-width:60rem;margin:0 auto;padding:1.5rem}
a{color:#0b4f9c}
a:focus,button:focus,input:focus,summary:focus{outline:3px solid #fca311;outline-offset:2px}
.skip{position:absolute;left:-999px}.skip:focus{left:1rem;top:1rem;background:#fff;color:#000;padding:.5rem}
ul.hits{list-style:none;padding:0}ul.hits li{padding:.75rem 0;border-bottom:1px solid #ddd}
.meta{color:#4a4a4a;font-size:.9rem}
.badge{display:inline-block;padding:0 .4rem;border-radius:3px;font-size:.8rem;background:#e5e5e5;color:#1a1a1a}
.badge.private{background:#7a1f1f;color:#fff}.badge.signed{background:#1e5631;color:#fff}
pre,code{font-family:ui-monospace,monospace;font-size:.9rem}
pre{background:#f4f4f4;padding:.75rem;overflow-x:auto;border-radius:4px}
pre .k{color:#8b1a8b;font-weight:600}pre .c{color:#3d6b35}
table{border-collapse:collapse;width:100%}th,td{text-align:left;padding:.3rem .5rem;border-bottom:1px solid #ddd}
.tool{margin:1rem 0;padding:.5rem 1rem;border-left:4px solid #14213d;background:#fafafa}
form.login{display:grid;gap:.5rem;max-width:24rem}
form.login input{padding:.4rem;font-size:1rem}
.error{color:#7a1f1f;font-weight:600}
)";

constexpr std::array kWitKeywords = {
    "package",     "world", "interface", "export",   "import",  "func",  "record",
    "variant",     "enum",  "flags",     "resource", "type",    "use",   "result",
    "option",      "list",  "tuple",     "string",   "bool",    "char",  "u8",
    "u16",         "u32",   "u64",       "s8",       "s16",     "s32",   "s64",
    "f32",         "f64",   "borrow",    "own",      "include", "with",  "static",
    "constructor", "as",    "from",      "async",    "stream",  "future"};

bool is_keyword(std::string_view word) {
  for (std::string_view k : kWitKeywords)
    if (word == k) return true;
  return false;
}

}  // namespace

std::string escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string url_encode(std::string_view text) {
  return percent_encode(text);
}

std::string page(std::string_view title, const std::string& body,
                 const std::optional<Session>& session, bool logins, std::string_view query) {
  std::string who;
  if (session) {
    who = "<span>signed in as <a href=\"/ns/" + url_encode(session->user) + "\">" +
          escape(session->user) +
          "</a></span><form method=\"post\" action=\"/logout\"><input type=\"hidden\" "
          "name=\"csrf\" value=\"" +
          escape(session->csrf) + "\"><button type=\"submit\">Sign out</button></form>";
  } else if (logins) {
    who = "<a href=\"/login\">Sign in</a>";
  }
  return "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
         "<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\"><title>" +
         escape(title) + " · asterai registry</title><style>" + std::string(kStyle) +
         "</style></head><body><a class=\"skip\" href=\"#main\">Skip to content</a><header>"
         "<a href=\"/\"><strong>asterai registry</strong></a>"
         "<form class=\"search\" role=\"search\" method=\"get\" action=\"/\">"
         "<label for=\"q\" class=\"skip\">Search components</label>"
         "<input id=\"q\" type=\"search\" name=\"q\" placeholder=\"Search components, tools, "
         "interfaces\" value=\"" +
         escape(query) + "\"><button type=\"submit\">Search</button></form>" + who +
         "</header><main id=\"main\">" + body + "</main></body></html>\n";
}

std::string highlight_wit(std::string_view wit) {
  std::string out;
  size_t i = 0;
  while (i < wit.size()) {
    if (wit.substr(i, 2) == "//") {
      size_t end = wit.find('\n', i);
      if (end == std::string_view::npos) end = wit.size();
      out += "<span class=\"c\">" + escape(wit.substr(i, end - i)) + "</span>";
      i = end;
    } else if (std::isalpha(static_cast<unsigned char>(wit[i]))) {
      size_t end = i;
      while (end < wit.size() &&
             (std::isalnum(static_cast<unsigned char>(wit[end])) || wit[end] == '-'))
        ++end;
      std::string_view word = wit.substr(i, end - i);
      out += is_keyword(word) ? "<span class=\"k\">" + escape(word) + "</span>" : escape(word);
      i = end;
    } else {
      out += escape(wit.substr(i, 1));
      ++i;
    }
  }
  return out;
}

}  // namespace asterai::registry::catalog
