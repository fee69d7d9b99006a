// Placeholders: {{namespace}}, {{name}}, {{world}}, {{c_world}} (the world with '_' for '-',
// as wit-bindgen's C names use it), {{version}}, {{language}}, {{build_hint}}.
#include "templates.h"

namespace asterai::project {
namespace {

constexpr std::string_view kProjectToml = R"(# The asterai project file (docs/authoring.md).
[component]
namespace = "{{namespace}}"
name = "{{name}}"
version = "{{version}}"
description = "An example tool: greets people and counts words."
license = "Apache-2.0"
language = "{{language}}"
# world = "{{world}}"   # the WIT world to build (default: name)
# wit = "wit"           # the WIT folder (default: wit)
# src = "src"           # the source folder (default: src)
# registry = "localhost:5000"   # where `asterai push` publishes by default
policy = "policy.toml"  # the sandbox the component asks for (docs/policy.md)
)";

constexpr std::string_view kWorld = R"(package {{namespace}}:{{name}}@{{version}};

/// {{name}}: an example tool made by `asterai init`. Replace these functions with your own:
/// each exported function becomes a tool, and its `///` comment the tool's description.
world {{world}} {
  /// Greets someone: returns "Hello, NAME!".
  export greet: func(name: string) -> string;

  /// Counts the words (runs of characters other than spaces) in a text.
  export word-count: func(text: string) -> u32;
}
)";

constexpr std::string_view kPolicy =
    R"(# What this component may use when it runs (docs/policy.md). Nothing is granted by
# default: no environment variables, no files, no network.
[grants]
env = []
allow_hosts = []

[limits]
timeout = "10s"
max_memory = "64MiB"
)";

constexpr std::string_view kGitignore = "build/\n";

constexpr std::string_view kReadme = R"(# {{name}}

A WebAssembly component tool ({{language}}), made with `asterai init`.

```sh
asterai build                               # -> build/{{name}}.wasm
asterai inspect build/{{name}}.wasm         # functions, signatures, JSON schemas
asterai call build/{{name}}.wasm greet Ada  # -> "Hello, Ada!"
asterai call build/{{name}}.wasm word-count '"one two three"'   # -> 3
```

- `wit/world.wit`: the interface. Each exported function is a tool; its `///` comment is what an
  agent reads.
- `src/`: the implementation. {{build_hint}}
- `asterai.toml`: name, version, language; `policy.toml`: the sandbox grants and limits.
)";

constexpr std::string_view kC =
    R"(// {{name}}: the component's functions in C. `asterai build` generates {{c_world}}.h from
// wit/ (wit-bindgen's C conventions): each export is `exports_{{c_world}}_<function>`, strings
// are {ptr, len} in UTF-8, arguments are owned by the callee (free them) and results are
// allocated with malloc (the generated code frees them after the host has read them).
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "{{c_world}}.h"

void exports_{{c_world}}_greet({{c_world}}_string_t *name, {{c_world}}_string_t *ret) {
  static const char prefix[] = "Hello, ";
  size_t prefix_len = sizeof prefix - 1;
  ret->len = prefix_len + name->len + 1;
  ret->ptr = malloc(ret->len);
  memcpy(ret->ptr, prefix, prefix_len);
  memcpy(ret->ptr + prefix_len, name->ptr, name->len);
  ret->ptr[ret->len - 1] = '!';
  {{c_world}}_string_free(name);
}

uint32_t exports_{{c_world}}_word_count({{c_world}}_string_t *text) {
  uint32_t words = 0;
  int in_word = 0;
  for (size_t i = 0; i < text->len; i++) {
    int space = isspace(text->ptr[i]);
    if (!space && !in_word) words++;
    in_word = !space;
  }
  {{c_world}}_string_free(text);
  return words;
}
)";

constexpr std::string_view kCpp =
    R"(// {{name}}: the component's functions in C++20, over the C bindings that `asterai build`
// generates from wit/ ({{c_world}}.h, wit-bindgen's C conventions): each export is
// `exports_{{c_world}}_<function>`, arguments are owned by the callee and results are
// malloc'ed (the generated code frees them). Exceptions are off (-fno-exceptions).
#include <cctype>
#include <string>
#include <string_view>

#include "{{c_world}}.h"

namespace {

std::string_view view(const {{c_world}}_string_t& s) {
  return {reinterpret_cast<const char*>(s.ptr), s.len};
}

void set_result({{c_world}}_string_t* ret, std::string_view text) {
  {{c_world}}_string_dup_n(ret, text.data(), text.size());
}

}  // namespace

void exports_{{c_world}}_greet({{c_world}}_string_t* name, {{c_world}}_string_t* ret) {
  std::string text = "Hello, " + std::string(view(*name)) + "!";
  set_result(ret, text);
  {{c_world}}_string_free(name);
}

uint32_t exports_{{c_world}}_word_count({{c_world}}_string_t* text) {
  uint32_t words = 0;
  bool in_word = false;
  for (unsigned char ch : view(*text)) {
    bool space = std::isspace(ch);
    if (!space && !in_word) ++words;
    in_word = !space;
  }
  {{c_world}}_string_free(text);
  return words;
}
)";

constexpr std::string_view kJs =
    R"(// {{name}}: the component's functions in JavaScript (componentize-js). Each WIT export is
// a JavaScript export in camelCase (`word-count` -> wordCount). Values: docs/authoring.md.

export function greet(name) {
  return `Hello, ${name}!`;
}

export function wordCount(text) {
  return text.split(/\s+/).filter((word) => word.length > 0).length;
}
)";

constexpr std::string_view kTs =
    R"(// {{name}}: the component's functions in TypeScript (transpiled, then componentize-js).
// Each WIT export is an export in camelCase (`word-count` -> wordCount).

export function greet(name: string): string {
  return `Hello, ${name}!`;
}

export function wordCount(text: string): number {
  return text.split(/\s+/).filter((word: string) => word.length > 0).length;
}
)";

constexpr std::string_view kPython =
    R"("""{{name}}: the component's functions in Python (componentize-py).

componentize-py generates the `wit_world` module from wit/ and looks for a class named
`WitWorld` here; each WIT export is a method in snake_case (`word-count` -> word_count).
"""

import wit_world


class WitWorld(wit_world.WitWorld):
    def greet(self, name: str) -> str:
        return f"Hello, {name}!"

    def word_count(self, text: str) -> int:
        return len(text.split())
)";

constexpr std::string_view kCargoToml =
    R"(# The Rust crate behind {{name}}; `asterai build` compiles it for wasm32-wasip2.
[package]
name = "{{name}}"
version = "{{version}}"
edition = "2021"
publish = false

[lib]
crate-type = ["cdylib"]

[dependencies]
wit-bindgen = "0.63.0"

# A workspace of its own: `asterai build` compiles a copy of the crate outside this folder.
[workspace]

[profile.release]
opt-level = "s"
lto = true
codegen-units = 1
panic = "abort"
strip = true
)";

constexpr std::string_view kRust =
    R"(//! {{name}}: the component's functions in Rust. `wit_bindgen::generate!` reads wit/ and
//! declares a `Guest` trait: each WIT export is a method in snake_case
//! (`word-count` -> word_count), and `export!` names the type that implements it.

wit_bindgen::generate!({ world: "{{world}}" });

struct Component;

impl Guest for Component {
    fn greet(name: String) -> String {
        format!("Hello, {name}!")
    }

    fn word_count(text: String) -> u32 {
        text.split_ascii_whitespace().count() as u32
    }
}

export!(Component);
)";

constexpr std::string_view kGo =
    R"(// {{name}}: the component's functions in Go (mainline Go, GOOS=wasip1). `asterai build`
// generates the Go module `wit_component` from wit/ with wit-bindgen; this package,
// export_wit_world, implements the world's exports: each is a function in CamelCase
// (`word-count` -> WordCount). Values: docs/authoring.md.
package export_wit_world

import "strings"

func Greet(name string) string {
	return "Hello, " + name + "!"
}

func WordCount(text string) uint32 {
	return uint32(len(strings.Fields(text)))
}
)";

}  // namespace

std::vector<TemplateFile> templates_for(Language language) {
  std::vector<TemplateFile> files{{"asterai.toml", kProjectToml},
                                  {"wit/world.wit", kWorld},
                                  {"policy.toml", kPolicy},
                                  {".gitignore", kGitignore},
                                  {"README.md", kReadme}};
  switch (language) {
    case Language::c:
      files.push_back({"src/component.c", kC});
      break;
    case Language::cpp:
      files.push_back({"src/component.cpp", kCpp});
      break;
    case Language::js:
      files.push_back({"src/index.js", kJs});
      break;
    case Language::ts:
      files.push_back({"src/index.ts", kTs});
      break;
    case Language::python:
      files.push_back({"src/app.py", kPython});
      break;
    case Language::rust:
      files.push_back({"Cargo.toml", kCargoToml});
      files.push_back({"src/lib.rs", kRust});
      break;
    case Language::go:
      files.push_back({"src/export_wit_world/component.go", kGo});
      break;
  }
  return files;
}

}  // namespace asterai::project
