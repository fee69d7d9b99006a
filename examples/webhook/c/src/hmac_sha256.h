// HMAC-SHA256 (FIPS 198-1, RFC 2104), streaming like sha256.h: init with the key, update with
// the message any number of times, final.
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sha256.h"

typedef struct {
  sha256_ctx inner;       // H((K0 ^ ipad) || message so far)
  uint8_t outer_pad[64];  // K0 ^ opad, hashed in front of the inner digest at the end
} hmac_sha256_ctx;

void hmac_sha256_init(hmac_sha256_ctx* ctx, const uint8_t* key, size_t key_len);
void hmac_sha256_update(hmac_sha256_ctx* ctx, const uint8_t* data, size_t len);
void hmac_sha256_final(hmac_sha256_ctx* ctx, uint8_t mac[32]);

// Whether a and b hold the same n bytes, taking the same time wherever they differ: an
// early-exit comparison would tell a forger how many leading bytes of a guess are right.
bool equal_in_constant_time(const uint8_t* a, const uint8_t* b, size_t n);
