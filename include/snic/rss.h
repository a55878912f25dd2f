/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The RSS engine: which header fields feed the hash (per flow type, as
 * `ethtool -N DEV rx-flow-hash`), the hash function (Toeplitz and its
 * symmetric variants, XOR, CRC32), and the indirection table (RETA, as
 * `ethtool -X`) that turns a hash into a queue.
 *
 * A struct snic_rss_conf is plain data a control thread fills and checks
 * (snic_rss_check). snic_rss_new() compiles it into an immutable struct
 * snic_rss with the key's tables precomputed; the data path only reads that.
 */
#ifndef SNIC_RSS_H
#define SNIC_RSS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "snic/err.h"
#include "snic/parse.h"

enum snic_hfunc {
	SNIC_HFUNC_TOEPLITZ = 0,
	SNIC_HFUNC_SYM_XOR,    /* Linux RXH_XFRM_SYM_XOR: fields XORed, then Toeplitz */
	SNIC_HFUNC_SYM_OR_XOR, /* Linux RXH_XFRM_SYM_OR_XOR */
	SNIC_HFUNC_SYM_SORT,   /* DPDK SYMMETRIC_TOEPLITZ_SORT: pairs sorted, then Toeplitz */
	SNIC_HFUNC_XOR,	       /* the simple XOR some NICs offer */
	SNIC_HFUNC_CRC32,
	SNIC_HFUNC_COUNT,
};

/* Flow types, as ethtool names them. */
enum snic_flow_type {
	SNIC_FT_IP4 = 0, /* IPv4 other than TCP/UDP/SCTP, and fragments */
	SNIC_FT_TCP4,
	SNIC_FT_UDP4,
	SNIC_FT_SCTP4,
	SNIC_FT_IP6,
	SNIC_FT_TCP6,
	SNIC_FT_UDP6,
	SNIC_FT_SCTP6,
	SNIC_FT_COUNT,
	SNIC_FT_NONE = SNIC_FT_COUNT, /* not IP: hashes to 0 */
};

/* Fields, with ethtool's RXH_* bit values and letters. */
#define SNIC_RXH_L2DA	  (1u << 1) /* m */
#define SNIC_RXH_VLAN	  (1u << 2) /* v */
#define SNIC_RXH_L3_PROTO (1u << 3) /* t */
#define SNIC_RXH_IP_SRC	  (1u << 4) /* s */
#define SNIC_RXH_IP_DST	  (1u << 5) /* d */
#define SNIC_RXH_L4_B_0_1 (1u << 6) /* f */
#define SNIC_RXH_L4_B_2_3 (1u << 7) /* n */

/* Flags of struct snic_rss_conf. */
#define SNIC_RSS_INNER (1u << 0) /* hash a tunnel's inner headers */
#define SNIC_RSS_TEID  (1u << 1) /* add the GTP-U TEID to the input */

/* How a hash picks a RETA entry. */
enum snic_reta_rule {
	SNIC_RETA_LOW_BITS = 0, /* hash & (size - 1); size a power of two */
	SNIC_RETA_MODULO,	/* hash % size */
};

#define SNIC_RSS_KEY_MAX   128
#define SNIC_RETA_MAX	   2048
/* Largest hash input: m(6) v(2) t(1) s(16) d(16) f(2) n(2) teid(4). */
#define SNIC_RSS_INPUT_MAX 49

struct snic_rss_conf {
	uint8_t hfunc;		       /* enum snic_hfunc */
	uint8_t key_len;	       /* bytes of key used */
	uint8_t reta_rule;	       /* enum snic_reta_rule */
	uint8_t fields[SNIC_FT_COUNT]; /* SNIC_RXH_* per flow type */
	uint32_t flags;		       /* SNIC_RSS_* */
	uint16_t reta_size;	       /* 1..SNIC_RETA_MAX */
	uint16_t nqueues;	       /* queues the RETA may name: entries < nqueues */
	uint8_t key[SNIC_RSS_KEY_MAX];
	uint16_t reta[SNIC_RETA_MAX];
};

/* Names, as ethtool spells them: "toeplitz", "sym-xor", "sym-or-xor",
 * "sym-sort", "xor", "crc32"; "tcp4"...; fields "sdfn". */
const char *snic_hfunc_name(enum snic_hfunc f);
int snic_hfunc_parse(const char *s, enum snic_hfunc *out, struct snic_err *err);
const char *snic_flow_type_name(enum snic_flow_type ft);
int snic_flow_type_parse(const char *s, enum snic_flow_type *out, struct snic_err *err);
/* Parse "sdfn" (or "" for none) into SNIC_RXH_* bits. */
int snic_rxh_parse(const char *s, uint8_t *out, struct snic_err *err);
/* Write the letters of @fields into @buf ("sdfn"); returns @buf. */
char *snic_rxh_format(uint8_t fields, char *buf, size_t size);

/*
 * Fill reta[0..size) like `ethtool -X DEV equal N start S`: entry i is
 * S + i % N. Returns 0 or -EINVAL (size 0 or > SNIC_RETA_MAX, N 0).
 */
int snic_reta_equal(uint16_t *reta, unsigned size, unsigned n, unsigned start,
		    struct snic_err *err);
/*
 * Fill reta[0..size) like `ethtool -X DEV weight W0 W1 ...`: queue q gets a
 * share of the entries proportional to W[q], in order of queues, as ethtool
 * spreads them. Returns 0 or -EINVAL (all weights 0, their sum above @size,
 * size out of range).
 */
int snic_reta_weight(uint16_t *reta, unsigned size, const uint32_t *w, unsigned nw,
		     struct snic_err *err);
/*
 * Like snic_reta_weight(), with queue numbers counted from @start, as
 * `ethtool -X DEV weight W0 W1 ... start S`.
 */
int snic_reta_weight_start(uint16_t *reta, unsigned size, const uint32_t *w, unsigned nw,
			   unsigned start, struct snic_err *err);

/*
 * Check a conf as a driver would: key length for the input its fields can
 * produce, RETA size (power of two for LOW_BITS), every entry < nqueues,
 * known hash function. Returns 0 or -EINVAL with @err naming the value.
 * The symmetric functions need s with d and f with n in every flow type;
 * sym-xor and sym-or-xor allow nothing else (as Linux), sym-sort also t
 * and v; none of them takes SNIC_RSS_TEID. xor needs no key, crc32 four
 * bytes (its seed), the Toeplitz family the longest input + 4.
 */
int snic_rss_check(const struct snic_rss_conf *c, struct snic_err *err);

/*
 * The flow type of @pkt's (outer or, with SNIC_RSS_INNER, inner) headers,
 * SNIC_FT_NONE when not IP. IP fragments are SNIC_FT_IP4/IP6.
 */
enum snic_flow_type snic_rss_flow_type(const struct snic_rss_conf *c, const struct snic_pkt *pkt);

/*
 * Write the hash input that @c selects from @pkt into @out and return its
 * length (0: hashes to 0). Fields go in this order, each present only when
 * selected and available: s, d, f, n (the standard Toeplitz order, so the
 * datasheet vectors hold), then t, v, m, then the TEID. A non-first
 * fragment gives s and d only. For the symmetric functions the pairs are
 * transformed (XOR / OR+XOR / sorted) here, so that the hash of the result
 * is the final one.
 */
size_t snic_rss_input(const struct snic_rss_conf *c, const struct snic_pkt *pkt,
		      uint8_t out[SNIC_RSS_INPUT_MAX]);

/* A compiled conf: immutable, shareable by threads. */
struct snic_rss;

int snic_rss_new(const struct snic_rss_conf *c, struct snic_rss **out, struct snic_err *err);
void snic_rss_free(struct snic_rss *r);
const struct snic_rss_conf *snic_rss_conf(const struct snic_rss *r);

/* The hash of a parsed frame. Data path. */
uint32_t snic_rss_hash(const struct snic_rss *r, const struct snic_pkt *pkt);

/* Room a prepared hash input takes: at least SNIC_RSS_INPUT_MAX. */
#define SNIC_RSS_INPUT_ROOM 52

/*
 * The two halves of snic_rss_hash_burst(), for a caller with other work to
 * do between them. snic_rss_prepare() writes @pkt's hash input under @r
 * into @in and returns its length (the bytes of snic_rss_input()).
 * snic_rss_hash_prepared() sets hashes[i] to the hash of the len[i] bytes
 * at in[i], reading no others and writing none: an input may also be bytes
 * of the frame itself, where they are the input snic_rss_input() would
 * build. The same as snic_rss_hash() of the packets. SIMD hash paths load
 * an input with one wide read, which waits while the narrow writes that
 * made it are still on their way to the cache: inputs prepared well before
 * they are hashed cost less. Data path: no allocation, no lock.
 */
size_t snic_rss_prepare(const struct snic_rss *r, const struct snic_pkt *pkt,
			uint8_t in[SNIC_RSS_INPUT_ROOM]);
void snic_rss_hash_prepared(const struct snic_rss *r, const uint8_t *const *in, const uint8_t *len,
			    unsigned n, uint32_t *hashes);

/*
 * The hashes of @n parsed frames: hashes[i] = snic_rss_hash(r, pkts[i]).
 * All inputs are built first, then hashed together (snic_toeplitz_bulk_lens),
 * which costs less per frame than snic_rss_hash() from a few frames on.
 * Data path: no allocation, no lock; @n may be any number.
 */
void snic_rss_hash_burst(const struct snic_rss *r, const struct snic_pkt *const *pkts, unsigned n,
			 uint32_t *hashes);

/* The RETA index a hash selects under @c's rule. */
static inline unsigned snic_reta_index(const struct snic_rss_conf *c, uint32_t hash)
{
	return c->reta_rule == SNIC_RETA_MODULO ? hash % c->reta_size
						: hash & (uint32_t)(c->reta_size - 1u);
}

/* The reference twin of snic_rss_hash: builds the input and hashes it
 * bitwise, with no precomputed tables. */
uint32_t snic_rss_hash_ref(const struct snic_rss_conf *c, const struct snic_pkt *pkt);

/* The hash function alone over raw input bytes (what snic_rss_hash applies
 * after snic_rss_input). */
uint32_t snic_rss_hfunc_raw(const struct snic_rss_conf *c, const uint8_t *in, size_t len);

#endif
