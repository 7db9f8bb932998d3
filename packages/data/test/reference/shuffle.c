/*
 * Independent reference for the values pinned in random.test.ts: the package's documented shuffle
 * (splitmix32 seeding, xoshiro128** 1.1, rejection sampling, Fisher-Yates from the end) in plain C.
 * Run: gcc -O2 shuffle.c -o /tmp/shuffle && /tmp/shuffle
 */
#include <stdint.h>
#include <stdio.h>

static uint32_t s[4];

static inline uint32_t rotl(const uint32_t x, int k) { return (x << k) | (x >> (32 - k)); }

/* xoshiro128** 1.1, as published at https://prng.di.unimi.it/xoshiro128starstar.c */
static uint32_t next(void) {
  const uint32_t result = rotl(s[1] * 5, 7) * 9;
  const uint32_t t = s[1] << 9;
  s[2] ^= s[0];
  s[3] ^= s[1];
  s[1] ^= s[2];
  s[0] ^= s[3];
  s[2] ^= t;
  s[3] = rotl(s[3], 11);
  return result;
}

static void seed(uint32_t x) {
  for (int i = 0; i < 4; i++) {
    x += 0x9e3779b9u;
    uint32_t z = x;
    z = (z ^ (z >> 16)) * 0x85ebca6bu;
    z = (z ^ (z >> 13)) * 0xc2b2ae35u;
    s[i] = z ^ (z >> 16);
  }
}

static uint32_t below(uint32_t bound) {
  const uint64_t limit = 4294967296ull - (4294967296ull % bound);
  for (;;) {
    uint32_t r = next();
    if (r < limit) return r % bound;
  }
}

static void permutation(int n, uint32_t sd) {
  uint32_t a[64];
  for (int i = 0; i < n; i++) a[i] = i;
  seed(sd);
  for (int i = n - 1; i > 0; i--) {
    uint32_t j = below(i + 1), t = a[i];
    a[i] = a[j];
    a[j] = t;
  }
  for (int i = 0; i < n; i++) printf("%u, ", a[i]);
  printf("\n");
}

int main(void) {
  s[0] = 1; s[1] = 2; s[2] = 3; s[3] = 4;
  for (int i = 0; i < 8; i++) printf("%u, ", next());
  printf("\n");
  s[0] = 0x9e3779b9u; s[1] = 0x243f6a88u; s[2] = 0xb7e15162u; s[3] = 0xdeadbeefu;
  for (int i = 0; i < 6; i++) printf("%u, ", next());
  printf("\n");
  seed(42);
  for (int i = 0; i < 4; i++) printf("%u, ", next());
  printf("\n");
  permutation(10, 0);
  permutation(20, 12345);
  return 0;
}
