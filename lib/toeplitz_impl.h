/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Inside the Toeplitz module: the prepared key shared by toeplitz.c (the
 * reference, the byte table and dispatch) and toeplitz_gfni.c (the
 * GFNI/AVX-512 path, compiled with those ISA flags alone).
 *
 * The hash is linear over GF(2). Input byte j moves output byte m (0 = most
 * significant) through an 8x8 bit matrix made of key bytes j + m and
 * j + m + 1, so it depends on s = j + m only: gfni[s] holds that matrix in
 * the layout GF2P8AFFINEQB takes.
 */
#ifndef SNIC_TOEPLITZ_IMPL_H
#define SNIC_TOEPLITZ_IMPL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "snic/toeplitz.h"

#define SNIC_TZ_HIDDEN __attribute__((visibility("hidden")))

typedef uint32_t snic_tz_one_fn(const struct snic_toeplitz *t, const uint8_t *data, size_t len);
/* @n inputs of @len bytes each, or with @lens of lens[i] bytes (@len then
 * their longest); bytes past an input's length are not read. */
typedef void snic_tz_bulk_fn(const struct snic_toeplitz *t, const void *const *data, size_t len,
			     const uint8_t *lens, uint32_t *hashes, unsigned n);

struct snic_toeplitz {
	/* One matrix per s = j + m; zero past the key, so that SIMD code may
	 * read whole vectors of them. */
	uint64_t gfni[SNIC_TOEPLITZ_KEY_MAX] __attribute__((aligned(64)));
	uint8_t key[SNIC_TOEPLITZ_KEY_MAX];
	size_t key_len;
	size_t max_input;
	/* The implementation snic_toeplitz() and snic_toeplitz_bulk() use. */
	snic_tz_one_fn *one;
	snic_tz_bulk_fn *bulk;
	/* Which implementations snic_toeplitz_with() may run here. */
	bool usable[SNIC_TOEPLITZ_IMPL_COUNT];
	/* table[j][v]: the hash of input byte j holding v, the others 0. */
	uint32_t table[][256];
};

#ifdef SNIC_HAVE_GFNI
SNIC_TZ_HIDDEN uint32_t snic_tz_gfni_one(const struct snic_toeplitz *t, const uint8_t *data,
					 size_t len);
SNIC_TZ_HIDDEN void snic_tz_gfni_bulk(const struct snic_toeplitz *t, const void *const *data,
				      size_t len, const uint8_t *lens, uint32_t *hashes,
				      unsigned n);
#endif

#endif
