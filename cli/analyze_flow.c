/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Flows for snic analyze: what makes two frames one flow, the table that
 * counts frames per (flow, vport, queue), the busiest flows of a queue,
 * and a sketch that counts the flows the table has no room for.
 *
 * The table is exact up to its cap (--max-flows, 1 M by default): open
 * addressing with linear probing, grown by doubling while at most half
 * full, so its memory follows the flows seen up to 64 bytes a flow at the
 * cap. A flow first seen once the table is full is not stored: a
 * HyperLogLog sketch of its queue counts it (about 3 % error) and it is
 * never named among the busiest. Keys are 64-bit hashes of the headers;
 * two flows that collide are counted as one (for a million flows, about
 * once in 10^7 runs).
 */
#include <arpa/inet.h>
#include <endian.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "snic/nic.h"
#include "analyze.h"

#define FT_SLOTS_MIN 4096u
#define VID_NONE     0xffffu

/* ---- the key ---- */

__extension__ typedef unsigned __int128 an_u128;

/* Odd constants with bits spread over the word (the first digits of pi
 * and e in hex). */
#define K0 0x243f6a8885a308d3ull
#define K1 0x13198a2e03707344ull
#define K2 0xa4093822299f31d1ull
#define K3 0xb7e151628aed2a6bull

/* Multiply to 128 bits and fold: every input bit reaches many output
 * bits, at one multiplication for 16 bytes of input. */
static inline uint64_t mum(uint64_t a, uint64_t b)
{
	an_u128 p = (an_u128)a * b;

	return (uint64_t)p ^ (uint64_t)(p >> 64);
}

/* The 64-bit finaliser of MurmurHash3: the table's low bits and the
 * sketch's high bits both depend on every input bit. */
static inline uint64_t fmix(uint64_t h)
{
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdull;
	h ^= h >> 33;
	h *= 0xc4ceb9fe1a85ec53ull;
	return h ^ (h >> 33);
}

/* Loads in little-endian order: the same keys on every machine. */
static inline uint64_t ld64(const uint8_t *p)
{
	uint64_t v;

	memcpy(&v, p, sizeof(v));
	return le64toh(v);
}

static inline uint64_t ld32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, sizeof(v));
	return le32toh(v);
}

static uint64_t mac48(const uint8_t *m)
{
	return (uint64_t)m[0] << 40 | (uint64_t)m[1] << 32 | (uint64_t)m[2] << 24 |
	       (uint64_t)m[3] << 16 | (uint64_t)m[4] << 8 | m[5];
}

static bool hdr_ip(const struct snic_hdr *h)
{
	return h->l3 == SNIC_L3_IPV4 || h->l3 == SNIC_L3_IPV6;
}

static inline uint64_t meta_of(unsigned l3, unsigned proto, uint64_t l4, uint16_t sport,
			       uint16_t dport)
{
	return (uint64_t)l3 | (uint64_t)proto << 8 | l4 << 16 |
	       (l4 ? (uint64_t)sport << 24 | (uint64_t)dport << 40 : 0);
}

static inline uint64_t key_ip4(uint64_t k, const uint8_t *src, const uint8_t *dst, uint64_t meta)
{
	return mum(k ^ K0 ^ (ld32(src) | ld32(dst) << 32), meta ^ K1);
}

static inline uint64_t key_ip6(uint64_t k, const uint8_t *src, const uint8_t *dst, uint64_t meta)
{
	k = mum(k ^ K0 ^ ld64(src), K1 ^ ld64(src + 8));
	k = mum(k ^ K2 ^ ld64(dst), K3 ^ ld64(dst + 8));
	return mum(k ^ K0, meta ^ K1);
}

static uint64_t hdr_key(uint64_t k, const struct snic_hdr *h)
{
	uint64_t meta = meta_of(h->l3, h->l4_proto, h->flags & SNIC_HF_L4, h->sport, h->dport);

	if (h->l3 == SNIC_L3_IPV4)
		return key_ip4(k, h->ip_src, h->ip_dst, meta);
	if (h->l3 == SNIC_L3_IPV6)
		return key_ip6(k, h->ip_src, h->ip_dst, meta);
	if (h->l2_off == SNIC_OFF_NONE)
		return mum(k ^ K2, meta ^ K3);
	return mum(k ^ K2 ^ (mac48(h->dmac) | (uint64_t)h->ethertype << 48),
		   K3 ^ (mac48(h->smac) | meta << 48));
}

static uint16_t outer_vid(const struct snic_pkt *pkt)
{
	return pkt->outer.n_vlan ? pkt->outer.vlan_tci[0] & 0xfff : VID_NONE;
}

static inline uint64_t key_final(uint64_t k)
{
	k = fmix(k);
	return k ? k : 1;
}

uint64_t an_flow_key(const struct snic_pkt *pkt)
{
	uint64_t tun = pkt->tunnel == SNIC_TUN_NONE
			       ? 0
			       : (uint64_t)pkt->tunnel << 16 |
					 (uint64_t)(pkt->tun_id_valid ? pkt->tun_id : 0) << 32;
	uint64_t k = hdr_key(outer_vid(pkt) | tun, &pkt->outer);

	if (tun && pkt->has_inner)
		k = hdr_key(k, &pkt->inner);
	return key_final(k);
}

/* ---- the key, read directly ---- */

/*
 * The common frames, read without the parser; every test here sends a
 * frame that the parser might read otherwise (a tunnel port, a fragment,
 * options, a length that does not add up) to snic_parse(). The unit test
 * checks that both ways give the same key on crafted and mangled frames.
 */

static inline uint16_t be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static inline bool tunnel_port(uint32_t port)
{
	return (port == SNIC_PORT_VXLAN) | (port == SNIC_PORT_GENEVE) | (port == SNIC_PORT_GTPU);
}

/*
 * Whether the TCP, UDP or SCTP header at @p, in @avail bytes of IP
 * payload, is whole and names no tunnel port; its ports into *@sport and
 * *@dport. The protocol is not branched on: on a mix of TCP and UDP such
 * a branch is mispredicted every other frame.
 */
static inline bool fast_l4(const uint8_t *p, uint32_t avail, uint8_t proto, uint32_t *sport,
			   uint32_t *dport)
{
	uint32_t tcp_len, udp_len;
	bool ok;

	if (avail < 8)
		return false;
	tcp_len = avail >= 20 ? (uint32_t)(p[12] >> 4) * 4 : 0;
	udp_len = be16(p + 4);
	ok = ((proto == 6) & (tcp_len >= 20) & (tcp_len <= avail)) |
	     ((proto == 17) & (udp_len >= 8) & (udp_len <= avail)) |
	     ((proto == 132) & (avail >= 12));
	*sport = be16(p);
	*dport = be16(p + 2);
	return ok & !(tunnel_port(*sport) | tunnel_port(*dport));
}

static inline bool fast_ip4(const uint8_t *ip, uint32_t room, uint64_t *k)
{
	uint32_t tot, sport, dport;

	if (room < 20 || ip[0] != 0x45)
		return false;
	tot = be16(ip + 2);
	if ((tot < 20) | (tot > room) | ((be16(ip + 6) & 0x3fff) != 0))
		return false;
	if (!fast_l4(ip + 20, tot - 20u, ip[9], &sport, &dport))
		return false;
	*k = key_ip4(*k, ip + 12, ip + 16,
		     meta_of(SNIC_L3_IPV4, ip[9], 1, (uint16_t)sport, (uint16_t)dport));
	return true;
}

static inline bool fast_ip6(const uint8_t *ip, uint32_t room, uint64_t *k)
{
	uint32_t plen, sport, dport;

	if (room < 40 || ip[0] >> 4 != 6)
		return false;
	plen = be16(ip + 4);
	if (40u + plen > room || !fast_l4(ip + 40, plen, ip[6], &sport, &dport))
		return false;
	*k = key_ip6(*k, ip + 8, ip + 24,
		     meta_of(SNIC_L3_IPV6, ip[6], 1, (uint16_t)sport, (uint16_t)dport));
	return true;
}

static inline bool fast_key(const uint8_t *d, uint32_t len, uint64_t *key)
{
	uint32_t l3 = 14;
	uint16_t et;
	uint64_t k = VID_NONE;

	if (len < 14 || len > SNIC_PARSE_LEN_MAX)
		return false;
	et = be16(d + 12);
	if (et == SNIC_VLAN_PROTO_8021Q) {
		if (len < 18)
			return false;
		k = be16(d + 14) & 0xfff;
		et = be16(d + 16);
		l3 = 18;
	}
	if (et == 0x0800 && fast_ip4(d + l3, len - l3, &k)) {
		*key = key_final(k);
		return true;
	}
	if (et == 0x86dd && fast_ip6(d + l3, len - l3, &k)) {
		*key = key_final(k);
		return true;
	}
	return false;
}

/* Out of line: the parsed frame is large, and most frames never get here. */
static __attribute__((noinline)) uint64_t parsed_key(const uint8_t *data, uint32_t len)
{
	struct snic_pkt pkt;

	snic_parse(data, len, &pkt);
	return an_flow_key(&pkt);
}

uint64_t an_flow_key_frame(const uint8_t *data, uint32_t len)
{
	uint64_t k;

	return fast_key(data, len, &k) ? k : parsed_key(data, len);
}

/* ---- naming a flow ---- */

static void fhdr_fill(struct an_fhdr *o, const struct snic_hdr *h)
{
	memset(o, 0, sizeof(*o));
	o->l3 = h->l3;
	o->proto = h->l4_proto;
	o->ports = !!(h->flags & SNIC_HF_L4);
	o->frag = !!(h->flags & SNIC_HF_FRAG);
	o->sport = h->sport;
	o->dport = h->dport;
	o->ethertype = h->ethertype;
	if (hdr_ip(h)) {
		memcpy(o->src, h->ip_src, sizeof(o->src));
		memcpy(o->dst, h->ip_dst, sizeof(o->dst));
	}
}

void an_flow_describe(const struct snic_pkt *pkt, struct an_fdesc *d)
{
	memset(d, 0, sizeof(*d));
	if (pkt->outer.l2_off != SNIC_OFF_NONE) {
		memcpy(d->dmac, pkt->outer.dmac, 6);
		memcpy(d->smac, pkt->outer.smac, 6);
	}
	d->vid = outer_vid(pkt);
	d->tunnel = pkt->tunnel;
	d->tun_id = pkt->tun_id_valid ? pkt->tun_id : 0;
	fhdr_fill(&d->in[0], &pkt->outer);
	d->inner = pkt->tunnel != SNIC_TUN_NONE && pkt->has_inner && hdr_ip(&pkt->inner);
	if (d->inner)
		fhdr_fill(&d->in[1], &pkt->inner);
}

static const char *proto_name(uint8_t proto)
{
	switch (proto) {
	case 6:
		return "tcp";
	case 17:
		return "udp";
	case 132:
		return "sctp";
	default:
		return NULL;
	}
}

/* A string being built; what does not fit is cut. */
struct sbuf {
	char *b;
	size_t size;
	size_t off;
};

static void sb_printf(struct sbuf *sb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void sb_printf(struct sbuf *sb, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (sb->off >= sb->size)
		return;
	va_start(ap, fmt);
	n = vsnprintf(sb->b + sb->off, sb->size - sb->off, fmt, ap);
	va_end(ap);
	if (n > 0)
		sb->off += (size_t)n;
}

static void sb_mac(struct sbuf *sb, const uint8_t *m)
{
	sb_printf(sb, "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2], m[3], m[4], m[5]);
}

/* "udp4 10.0.0.1:1000 > 10.0.0.2:80", "ip6 proto 50 fe80::1 > fe80::2". */
static void sb_ip(struct sbuf *sb, const struct an_fhdr *h)
{
	bool v6 = h->l3 == SNIC_L3_IPV6;
	const char *name = proto_name(h->proto);
	char s[INET6_ADDRSTRLEN], d[INET6_ADDRSTRLEN];

	inet_ntop(v6 ? AF_INET6 : AF_INET, h->src, s, sizeof(s));
	inet_ntop(v6 ? AF_INET6 : AF_INET, h->dst, d, sizeof(d));
	if (name)
		sb_printf(sb, "%s%c ", name, v6 ? '6' : '4');
	else
		sb_printf(sb, "ip%c proto %u ", v6 ? '6' : '4', h->proto);
	if (!h->ports)
		sb_printf(sb, "%s > %s", s, d);
	else if (v6)
		sb_printf(sb, "[%s]:%u > [%s]:%u", s, h->sport, d, h->dport);
	else
		sb_printf(sb, "%s:%u > %s:%u", s, h->sport, d, h->dport);
	if (h->frag)
		sb_printf(sb, " frag");
}

static const char *tunnel_name(uint8_t t)
{
	static const char *const names[] = {
		[SNIC_TUN_VXLAN] = "vxlan",
		[SNIC_TUN_GENEVE] = "geneve",
		[SNIC_TUN_GRE] = "gre",
		[SNIC_TUN_GTPU] = "gtpu",
	};

	return t < sizeof(names) / sizeof(names[0]) && names[t] ? names[t] : "tunnel";
}

char *an_flow_format(const struct an_fdesc *d, char *buf, size_t size)
{
	struct sbuf sb = {buf, size, 0};
	const struct an_fhdr *o = &d->in[0];

	buf[0] = '\0';
	if (o->l3 == SNIC_L3_IPV4 || o->l3 == SNIC_L3_IPV6) {
		sb_ip(&sb, o);
	} else {
		sb_printf(&sb, "ether ");
		sb_mac(&sb, d->smac);
		sb_printf(&sb, " > ");
		sb_mac(&sb, d->dmac);
		sb_printf(&sb, " type 0x%04x", o->ethertype);
	}
	if (d->vid != VID_NONE)
		sb_printf(&sb, " vlan %u", d->vid);
	if (d->tunnel != SNIC_TUN_NONE)
		sb_printf(&sb, " %s %u", tunnel_name(d->tunnel), d->tun_id);
	if (d->inner) {
		sb_printf(&sb, " [");
		sb_ip(&sb, &d->in[1]);
		sb_printf(&sb, "]");
	}
	return buf;
}

/* ---- the table ---- */

static uint64_t pow2_at_least(uint64_t v)
{
	uint64_t p = 1;

	while (p < v)
		p <<= 1;
	return p;
}

/* Slots on cache-line boundaries: an entry never straddles two lines, so
 * the one line an_ftab_prefetch() fetches holds all of it. */
static struct an_fent *ftab_alloc(uint64_t nslots)
{
	size_t size = (nslots * sizeof(struct an_fent) + 63) & ~(size_t)63;
	struct an_fent *s = aligned_alloc(64, size);

	if (s)
		memset(s, 0, size);
	return s;
}

int an_ftab_init(struct an_ftab *t, uint64_t cap)
{
	memset(t, 0, sizeof(*t));
	t->cap = cap;
	t->max_slots = pow2_at_least(2 * cap);
	t->mask = (t->max_slots < FT_SLOTS_MIN ? t->max_slots : FT_SLOTS_MIN) - 1;
	t->slot = ftab_alloc(t->mask + 1);
	return t->slot ? 0 : -ENOMEM;
}

void an_ftab_free(struct an_ftab *t)
{
	free(t->slot);
	t->slot = NULL;
}

static struct an_fent *ftab_probe(struct an_fent *slot, uint64_t mask, uint64_t key)
{
	uint64_t i = key & mask;

	while (slot[i].key && slot[i].key != key)
		i = (i + 1) & mask;
	return &slot[i];
}

/* Double the table; when memory runs out the table stops growing and
 * takes no more flows than it holds. */
static void ftab_grow(struct an_ftab *t)
{
	uint64_t nmask = (t->mask << 1) | 1;
	struct an_fent *ns = ftab_alloc(nmask + 1);

	if (!ns) {
		t->cap = t->n;
		return;
	}
	for (uint64_t i = 0; i <= t->mask; i++)
		if (t->slot[i].key)
			*ftab_probe(ns, nmask, t->slot[i].key) = t->slot[i];
	free(t->slot);
	t->slot = ns;
	t->mask = nmask;
}

struct an_fent *an_ftab_insert(struct an_ftab *t, struct an_fent *e, uint64_t key, bool *fresh)
{
	*fresh = false;
	if (t->n >= t->cap)
		return NULL;
	if ((t->n + 1) * 2 > t->mask + 1 && t->mask + 1 < t->max_slots) {
		ftab_grow(t);
		if (t->n >= t->cap)
			return NULL;
		e = ftab_probe(t->slot, t->mask, key);
	}
	e->key = key;
	t->n++;
	*fresh = true;
	return e;
}

/* ---- busiest flows ---- */

static void top_refloor(struct an_top *t)
{
	uint64_t m = UINT64_MAX;

	if (t->n < t->k) {
		t->floor = 0;
		return;
	}
	for (unsigned i = 0; i < t->n; i++)
		if (t->e[i].frames < m)
			m = t->e[i].frames;
	t->floor = m;
}

static unsigned top_victim(const struct an_top *t)
{
	unsigned v = 0;

	if (t->n < t->k)
		return t->n;
	for (unsigned i = 1; i < t->n; i++)
		if (t->e[i].frames < t->e[v].frames)
			v = i;
	return v;
}

/* A new flow takes a free slot or the smallest one's. Out of line: the
 * parsed frame is large, and most calls update a flow already kept. */
static __attribute__((noinline)) void top_insert(struct an_top *t, uint64_t key,
						 const struct snic_frame *fr, unsigned i)
{
	struct snic_pkt pkt;

	if (i == t->n)
		t->n++;
	snic_parse(fr->data, fr->len, &pkt);
	an_flow_describe(&pkt, &t->e[i].desc);
	t->e[i].key = key;
}

void an_top_enter(struct an_top *t, uint64_t key, uint64_t frames, uint64_t bytes,
		  const struct snic_frame *fr)
{
	bool refloor;
	unsigned i = t->n;

	/* Where the flow is kept, if it is: no early exit, whose place would
	 * vary from call to call and be mispredicted. */
	for (unsigned j = 0; j < t->n; j++)
		i = t->e[j].key == key ? j : i;
	if (i < t->n) {
		/* A kept flow that grows moves the floor only from it. */
		refloor = t->e[i].frames == t->floor;
	} else {
		top_insert(t, key, fr, i = top_victim(t));
		refloor = t->n == t->k;
	}
	t->e[i].frames = frames;
	t->e[i].bytes = bytes;
	if (refloor)
		top_refloor(t);
}

void an_top_init(struct an_top *t, struct an_top_ent *e, unsigned k)
{
	t->e = e;
	t->k = (uint8_t)k;
	an_top_reset(t);
}

void an_top_reset(struct an_top *t)
{
	t->n = 0;
	t->floor = t->k ? 0 : UINT64_MAX;
}

unsigned an_top_sorted(const struct an_top *t, const struct an_top_ent **order)
{
	for (unsigned i = 0; i < t->n; i++) {
		unsigned j = i;

		for (; j > 0 && order[j - 1]->frames < t->e[i].frames; j--)
			order[j] = order[j - 1];
		order[j] = &t->e[i];
	}
	return t->n;
}

/* ---- the sketch ---- */

void an_hll_add(struct an_hll *h, uint64_t key)
{
	unsigned idx = (unsigned)(key >> (64 - AN_HLL_BITS));
	uint64_t rest = key << AN_HLL_BITS | 1ull << (AN_HLL_BITS - 1);
	uint8_t rank = (uint8_t)(__builtin_clzll(rest) + 1);

	if (rank > h->reg[idx])
		h->reg[idx] = rank;
}

uint64_t an_hll_estimate(const struct an_hll *h)
{
	const double m = AN_HLL_REGS;
	double sum = 0, e;
	unsigned zeros = 0;

	for (unsigned i = 0; i < AN_HLL_REGS; i++) {
		sum += ldexp(1.0, -h->reg[i]);
		zeros += !h->reg[i];
	}
	if (zeros == AN_HLL_REGS)
		return 0;
	e = 0.7213 / (1 + 1.079 / m) * m * m / sum;
	if (e <= 2.5 * m && zeros)
		e = m * log(m / zeros);
	return (uint64_t)llround(e);
}
