// HMAC as FIPS 198-1 section 4 defines it, over SHA-256 (block size B = 64 bytes).
#include "hmac_sha256.h"

#include <string.h>

void hmac_sha256_init(hmac_sha256_ctx* ctx, const uint8_t* key, size_t key_len) {
  // K0: the key itself when it fits in a block, else its digest; zero-padded to B bytes.
  uint8_t k0[64] = {0};
  if (key_len > sizeof k0) {
    sha256_ctx h;
    sha256_init(&h);
    sha256_update(&h, key, key_len);
    sha256_final(&h, k0);
  } else if (key_len > 0) {
    memcpy(k0, key, key_len);
  }
  uint8_t inner_pad[64];
  for (int i = 0; i < 64; ++i) {
    inner_pad[i] = k0[i] ^ 0x36;
    ctx->outer_pad[i] = k0[i] ^ 0x5c;
  }
  sha256_init(&ctx->inner);
  sha256_update(&ctx->inner, inner_pad, sizeof inner_pad);
}

void hmac_sha256_update(hmac_sha256_ctx* ctx, const uint8_t* data, size_t len) {
  sha256_update(&ctx->inner, data, len);
}

void hmac_sha256_final(hmac_sha256_ctx* ctx, uint8_t mac[32]) {
  uint8_t inner_digest[32];
  sha256_final(&ctx->inner, inner_digest);
  sha256_ctx outer;
  sha256_init(&outer);
  sha256_update(&outer, ctx->outer_pad, sizeof ctx->outer_pad);
  sha256_update(&outer, inner_digest, sizeof inner_digest);
  sha256_final(&outer, mac);
}

bool equal_in_constant_time(const uint8_t* a, const uint8_t* b, size_t n) {
  uint8_t diff = 0;
  for (size_t i = 0; i < n; ++i) diff |= a[i] ^ b[i];
  return diff == 0;
}
