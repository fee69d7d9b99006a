#include "asterai/common/inline_host.h"

namespace asterai {
namespace {
thread_local InlineHost* current = nullptr;
}  // namespace

InlineHost* inline_host() {
  return current;
}

void set_inline_host(InlineHost* host) {
  current = host;
}

}  // namespace asterai
