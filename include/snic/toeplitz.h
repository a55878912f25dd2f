/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The Toeplitz hash of RSS, as the Intel 82599 datasheet (7.1.2.8) and
 * Microsoft's RSS documentation define it: for every set bit i of the input,
 * counted from the most significant bit of the first byte, XOR in the 32
 * key bits starting at bit i. The key must be at least 4 bytes longer than
 * the input.
 *
 * Three implementations give the same result: a plain bitwise reference, a
 * byte table (the portable fast path) and a GFNI/AVX-512 path, chosen at run
 * time from CPUID when the CPU has it.
 */
#ifndef SNIC_TOEPLITZ_H
#define SNIC_TOEPLITZ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "snic/err.h"

/* Longest key; the longest input is this minus 4. */
#define SNIC_TOEPLITZ_KEY_MAX 128

/*
 * The reference: bit by bit, no tables. Returns 0 when key_len < len + 4.
 * Slow on purpose; the fast paths are tested against it.
 */
uint32_t snic_toeplitz_ref(const uint8_t *key, size_t key_len, const void *data, size_t len);

/* A key prepared for hashing: immutable once made, shareable by threads. */
struct snic_toeplitz;

/*
 * Prepare @key (4..SNIC_TOEPLITZ_KEY_MAX bytes). Control plane: allocates.
 * Returns 0, or -EINVAL with @err naming the bad length.
 */
int snic_toeplitz_new(const uint8_t *key, size_t key_len, struct snic_toeplitz **out,
		      struct snic_err *err);
void snic_toeplitz_free(struct snic_toeplitz *t);

/* Longest input this key can hash: key_len - 4. */
size_t snic_toeplitz_max_input(const struct snic_toeplitz *t);

/*
 * Hash @len bytes (len <= snic_toeplitz_max_input()) with the fastest
 * implementation this CPU has. Data path: no allocation, no lock.
 */
uint32_t snic_toeplitz(const struct snic_toeplitz *t, const void *data, size_t len);

/*
 * Hash @n inputs of the same length @len: hashes[i] = hash of data[i].
 * Faster per input than snic_toeplitz() where the SIMD path is used.
 */
void snic_toeplitz_bulk(const struct snic_toeplitz *t, const void *const *data, size_t len,
			uint32_t *hashes, unsigned n);

/*
 * Hash @n inputs of their own lengths: hashes[i] = snic_toeplitz(t,
 * data[i], lens[i]). Only those bytes are read, so an input may lie in a
 * frame, among other bytes. With the SIMD path, as fast as
 * snic_toeplitz_bulk() at the longest length.
 */
void snic_toeplitz_bulk_lens(const struct snic_toeplitz *t, const void *const *data,
			     const uint8_t *lens, uint32_t *hashes, unsigned n);

/* The implementations, named so that tests and benchmarks can pick one. */
enum snic_toeplitz_impl {
	SNIC_TOEPLITZ_REF = 0,
	SNIC_TOEPLITZ_TABLE,
	SNIC_TOEPLITZ_GFNI,
	SNIC_TOEPLITZ_IMPL_COUNT,
};

const char *snic_toeplitz_impl_name(enum snic_toeplitz_impl impl);

/* Whether this build and this CPU can run @impl. REF and TABLE always can. */
bool snic_toeplitz_impl_available(enum snic_toeplitz_impl impl);

/* The implementation snic_toeplitz() uses on this CPU. */
enum snic_toeplitz_impl snic_toeplitz_impl_best(void);

/* Like snic_toeplitz() and snic_toeplitz_bulk(), with a chosen, available
 * implementation. */
uint32_t snic_toeplitz_with(const struct snic_toeplitz *t, enum snic_toeplitz_impl impl,
			    const void *data, size_t len);
void snic_toeplitz_bulk_with(const struct snic_toeplitz *t, enum snic_toeplitz_impl impl,
			     const void *const *data, size_t len, uint32_t *hashes, unsigned n);
void snic_toeplitz_bulk_lens_with(const struct snic_toeplitz *t, enum snic_toeplitz_impl impl,
				  const void *const *data, const uint8_t *lens, uint32_t *hashes,
				  unsigned n);

#endif
