// The private key a command signs with (sign, push --sign): the file decrypted with the
// password from $ASTERAI_KEY_PASSWORD, $COSIGN_PASSWORD or the terminal.
#pragma once

#include <string>

#include "asterai/common/error.h"
#include "asterai/signing/keys.h"

namespace asterai::cli {

Result<signing::Key> load_signing_key(const std::string& path);

}  // namespace asterai::cli
