#include "asterai/common/random_hex.h"

#include <sodium.h>

#include <vector>

namespace asterai {

std::string random_hex(size_t bytes) {
  if (bytes == 0) return {};  // libsodium's pointers must not be null, even for no bytes
  std::vector<unsigned char> raw(bytes);
  randombytes_buf(raw.data(), raw.size());
  std::string hex(bytes * 2 + 1, '\0');
  sodium_bin2hex(hex.data(), hex.size(), raw.data(), raw.size());
  hex.pop_back();  // the terminating zero
  return hex;
}

}  // namespace asterai
