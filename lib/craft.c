/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Frame crafting. Headers are written front to back; lengths and checksums
 * that depend on what follows are filled in last, innermost first: the
 * inner level, then the tunnel header (GTP-U length, GRE checksum), then
 * the outer level.
 */
#include <errno.h>
#include <string.h>

#include "snic/craft.h"

#define ETH_HLEN     14
#define VLAN_HLEN    4
#define IPV4_HLEN    20
#define IPV6_HLEN    40
#define TUN_HLEN     8
#define IPV4_OPT_MAX 10

#define ETH_P_IPV4   0x0800
#define ETH_P_IPV6   0x86dd
#define ETH_P_TEB    0x6558
#define ETH_P_8021Q  0x8100
#define ETH_P_8021AD 0x88a8

#define PROTO_HOPOPT  0
#define PROTO_TCP     6
#define PROTO_UDP     17
#define PROTO_ROUTING 43
#define PROTO_FRAG    44
#define PROTO_GRE     47
#define PROTO_AH      51
#define PROTO_DSTOPTS 60
#define PROTO_SCTP    132

#define GTPU_GPDU	0xff
#define GTPU_EXT_PDU	0x85
#define GENEVE_OPT_MAX	63
#define GENEVE_OPT_DATA 31 /* words of data one option can hold */

struct out {
	uint8_t *buf;
	size_t cap;
	size_t len;
};

/* Where one level's headers went, for what is filled in at the end. */
struct lvl {
	const struct snic_craft_hdr *h;
	uint8_t ver;	/* 4, 6, or 0 for no IP */
	uint8_t proto;	/* upper-layer protocol */
	uint8_t l4_hdr; /* a TCP/UDP/SCTP header is at l4 */
	size_t l3;
	size_t l4;
};

static uint8_t *take(struct out *o, size_t n)
{
	uint8_t *p;

	if (o->cap - o->len < n)
		return NULL;
	p = o->buf + o->len;
	o->len += n;
	return p;
}

static void wr16(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void wr32(uint8_t *p, uint32_t v)
{
	wr16(p, v >> 16);
	wr16(p + 2, v);
}

static uint32_t sum16(const uint8_t *p, size_t n, uint32_t s)
{
	for (; n > 1; n -= 2, p += 2)
		s += (uint32_t)(p[0] << 8 | p[1]);
	if (n)
		s += (uint32_t)p[0] << 8;
	return s;
}

static uint16_t fold(uint32_t s)
{
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)~s;
}

/* CRC32c (Castagnoli), bit by bit: crafting is not a fast path. */
static uint32_t crc32c(const uint8_t *p, size_t n)
{
	uint32_t crc = 0xffffffffu;
	int k;

	while (n--) {
		crc ^= *p++;
		for (k = 0; k < 8; k++)
			crc = (crc >> 1) ^ (0x82f63b78u & (0u - (crc & 1)));
	}
	return ~crc;
}

static uint8_t hdr_ver(const struct snic_craft_hdr *h)
{
	return h->ip_ver == 0 && h->ethertype == 0 ? 4 : h->ip_ver;
}

static uint16_t hdr_ethertype(const struct snic_craft_hdr *h)
{
	switch (hdr_ver(h)) {
	case 4:
		return ETH_P_IPV4;
	case 6:
		return ETH_P_IPV6;
	}
	return h->ethertype;
}

static uint8_t hdr_proto(const struct snic_craft_hdr *h)
{
	return h->l4_proto ? h->l4_proto : PROTO_UDP;
}

static int is_frag(const struct snic_craft_hdr *h)
{
	return h->frag_off || h->more_frags;
}

static size_t ext_len(uint8_t type)
{
	switch (type) {
	case PROTO_HOPOPT:
	case PROTO_FRAG:
		return 8;
	case PROTO_DSTOPTS:
		return 16;
	case PROTO_ROUTING:
	case PROTO_AH:
		return 24;
	}
	return 0;
}

/* The extension headers to write: ext[], plus a fragment header if the
 * fragment fields are set and ext[] has none. */
static unsigned ext_list(const struct snic_craft_hdr *h, uint8_t ext[SNIC_IPV6_EXT_MAX + 1])
{
	unsigned n = h->n_ext, i;
	int frag = 0;

	for (i = 0; i < n && i < SNIC_IPV6_EXT_MAX; i++) {
		ext[i] = h->ext[i];
		frag |= ext[i] == PROTO_FRAG;
	}
	if (is_frag(h) && !frag)
		ext[n++] = PROTO_FRAG;
	return n;
}

static int check_ipv6(const struct snic_craft_hdr *h)
{
	uint8_t ext[SNIC_IPV6_EXT_MAX + 1];
	unsigned n, i;

	if (h->n_ext > SNIC_IPV6_EXT_MAX || h->ipv4_opt_words)
		return -EINVAL;
	n = ext_list(h, ext);
	if (n > SNIC_IPV6_EXT_MAX)
		return -EINVAL;
	for (i = 0; i < n; i++)
		if (!ext_len(ext[i]))
			return -EINVAL;
	return 0;
}

static int check_hdr(const struct snic_craft_hdr *h)
{
	if (h->n_vlan > SNIC_VLAN_MAX || h->frag_off > 0x1fff)
		return -EINVAL;
	switch (hdr_ver(h)) {
	case 0:
		return 0;
	case 4:
		return h->n_ext || h->ipv4_opt_words > IPV4_OPT_MAX ? -EINVAL : 0;
	case 6:
		return check_ipv6(h);
	}
	return -EINVAL;
}

static int check_tunnel(const struct snic_craft *c)
{
	const struct snic_craft_hdr *o = &c->outer;
	uint8_t want = c->tunnel == SNIC_TUN_GRE ? PROTO_GRE : PROTO_UDP;

	if (c->tunnel > SNIC_TUN_GTPU || hdr_ver(o) == 0 || is_frag(o))
		return -EINVAL;
	if (o->l4_proto != 0 && o->l4_proto != want)
		return -EINVAL;
	if (c->geneve_opt_words > GENEVE_OPT_MAX || c->gtpu_n_ext > SNIC_GTPU_EXT_MAX)
		return -EINVAL;
	return check_hdr(&c->inner);
}

static int check(const struct snic_craft *c)
{
	int rc = check_hdr(&c->outer);

	if (rc || c->tunnel == SNIC_TUN_NONE)
		return rc;
	return check_tunnel(c);
}

static uint16_t vlan_tpid(const struct snic_craft_hdr *h, unsigned i)
{
	if (h->vlan_tpid[i])
		return h->vlan_tpid[i];
	return h->n_vlan == 2 && i == 0 ? ETH_P_8021AD : ETH_P_8021Q;
}

static int put_eth(struct out *o, const struct snic_craft_hdr *h)
{
	uint8_t *p = take(o, ETH_HLEN + (size_t)VLAN_HLEN * h->n_vlan);
	unsigned i;

	if (!p)
		return -ENOSPC;
	memcpy(p, h->dmac, 6);
	memcpy(p + 6, h->smac, 6);
	p += 12;
	for (i = 0; i < h->n_vlan; i++, p += VLAN_HLEN) {
		wr16(p, vlan_tpid(h, i));
		wr16(p + 2, h->vlan_tci[i]);
	}
	wr16(p, hdr_ethertype(h));
	return 0;
}

static int put_ipv4(struct out *o, struct lvl *l)
{
	const struct snic_craft_hdr *h = l->h;
	size_t ihl = IPV4_HLEN + (size_t)h->ipv4_opt_words * 4;
	uint8_t *ip = take(o, ihl);

	if (!ip)
		return -ENOSPC;
	l->l3 = (size_t)(ip - o->buf);
	memset(ip, 0, IPV4_HLEN);
	ip[0] = (uint8_t)(0x40 | ihl / 4);
	wr16(ip + 4, 1);
	wr16(ip + 6, (h->more_frags ? 0x2000u : 0) | h->frag_off);
	ip[8] = 64;
	ip[9] = l->proto;
	memcpy(ip + 12, h->ip_src, 4);
	memcpy(ip + 16, h->ip_dst, 4);
	memset(ip + IPV4_HLEN, 1, ihl - IPV4_HLEN); /* NOPs */
	return 0;
}

/* The body of extension header @p, zeroed by the caller, who also writes
 * its first byte (the next header). */
static void put_ext_body(uint8_t *p, uint8_t type, const struct snic_craft_hdr *h)
{
	size_t n = ext_len(type);

	switch (type) {
	case PROTO_HOPOPT:
	case PROTO_DSTOPTS:
		p[1] = (uint8_t)(n / 8 - 1);
		p[2] = 1; /* PadN over the rest */
		p[3] = (uint8_t)(n - 4);
		break;
	case PROTO_ROUTING:
		p[1] = (uint8_t)(n / 8 - 1);
		p[2] = 4; /* segment routing; segments left 0 */
		memcpy(p + 8, h->ip_dst, 16);
		break;
	case PROTO_FRAG:
		wr16(p + 2, (uint32_t)h->frag_off << 3 | (h->more_frags ? 1 : 0));
		wr32(p + 4, 1);
		break;
	case PROTO_AH:
		p[1] = (uint8_t)(n / 4 - 2);
		wr32(p + 4, 0x100); /* SPI */
		wr32(p + 8, 1);	    /* sequence */
		break;
	}
}

static int put_ipv6(struct out *o, struct lvl *l)
{
	const struct snic_craft_hdr *h = l->h;
	uint8_t ext[SNIC_IPV6_EXT_MAX + 1], *p;
	unsigned n = ext_list(h, ext), i;
	uint8_t *ip = take(o, IPV6_HLEN);

	if (!ip)
		return -ENOSPC;
	l->l3 = (size_t)(ip - o->buf);
	memset(ip, 0, 8);
	ip[0] = 0x60;
	ip[6] = n ? ext[0] : l->proto;
	ip[7] = 64;
	memcpy(ip + 8, h->ip_src, 16);
	memcpy(ip + 24, h->ip_dst, 16);
	for (i = 0; i < n; i++) {
		p = take(o, ext_len(ext[i]));
		if (!p)
			return -ENOSPC;
		memset(p, 0, ext_len(ext[i]));
		p[0] = i + 1 < n ? ext[i + 1] : l->proto;
		put_ext_body(p, ext[i], h);
	}
	return 0;
}

static size_t l4_hlen(uint8_t proto)
{
	switch (proto) {
	case PROTO_TCP:
		return 20;
	case PROTO_UDP:
		return 8;
	case PROTO_SCTP:
		return 12;
	}
	return 0;
}

static int put_l4(struct out *o, struct lvl *l)
{
	size_t n = l4_hlen(l->proto);
	uint8_t *p;

	l->l4 = o->len;
	if (l->h->frag_off || n == 0)
		return 0;
	p = take(o, n);
	if (!p)
		return -ENOSPC;
	memset(p, 0, n);
	wr16(p, l->h->sport);
	wr16(p + 2, l->h->dport);
	if (l->proto == PROTO_TCP) {
		wr32(p + 4, 1);
		wr32(p + 8, 1);
		p[12] = 0x50;
		p[13] = 0x18; /* PSH, ACK */
		wr16(p + 14, 0xffff);
	} else if (l->proto == PROTO_SCTP) {
		wr32(p + 4, 1);
	}
	l->l4_hdr = 1;
	return 0;
}

/* Ethernet, IP and L4 headers of one level. */
static int put_head(struct out *o, const struct snic_craft_hdr *h, int l2, uint8_t proto,
		    struct lvl *l)
{
	int rc = 0;

	l->h = h;
	l->ver = hdr_ver(h);
	l->proto = proto;
	l->l4_hdr = 0;
	l->l3 = l->l4 = o->len;
	if (l2)
		rc = put_eth(o, h);
	if (!rc && l->ver == 4)
		rc = put_ipv4(o, l);
	if (!rc && l->ver == 6)
		rc = put_ipv6(o, l);
	if (!rc && l->ver)
		rc = put_l4(o, l);
	return rc;
}

static int put_payload(struct out *o, const struct lvl *l)
{
	size_t n = l->h->payload_len, i;
	uint8_t *p = take(o, n), ports[4];

	if (!p)
		return -ENOSPC;
	for (i = 0; i < n; i++)
		p[i] = (uint8_t)(i * 7 + 0x31);
	if (l->ver && !l->l4_hdr && !l->h->frag_off) {
		wr16(ports, l->h->sport);
		wr16(ports + 2, l->h->dport);
		memcpy(p, ports, n < 4 ? n : 4);
	}
	return 0;
}

static uint16_t l4_csum(const uint8_t *buf, const struct lvl *l, size_t n)
{
	const uint8_t *ip = buf + l->l3;
	uint32_t s;

	if (l->ver == 4)
		s = sum16(ip + 12, 8, 0);
	else
		s = sum16(ip + 8, 32, 0);
	s += l->proto + (uint32_t)n;
	return fold(sum16(buf + l->l4, n, s));
}

static void fin_l4(uint8_t *buf, size_t end, const struct lvl *l)
{
	uint8_t *p = buf + l->l4;
	size_t n = end - l->l4;
	uint32_t crc;
	uint16_t c;

	switch (l->proto) {
	case PROTO_UDP:
		wr16(p + 4, (uint32_t)n);
		c = l4_csum(buf, l, n);
		wr16(p + 6, c ? c : 0xffff);
		break;
	case PROTO_TCP:
		wr16(p + 16, l4_csum(buf, l, n));
		break;
	case PROTO_SCTP:
		crc = crc32c(p, n); /* sent least significant byte first */
		p[8] = (uint8_t)crc;
		p[9] = (uint8_t)(crc >> 8);
		p[10] = (uint8_t)(crc >> 16);
		p[11] = (uint8_t)(crc >> 24);
		break;
	}
}

/* Lengths and checksums of a level whose packet ends at @end. */
static int fin_level(uint8_t *buf, size_t end, const struct lvl *l)
{
	uint8_t *ip = buf + l->l3;
	size_t n = end - l->l3;

	if (l->ver == 0)
		return 0;
	if (l->ver == 6)
		n -= IPV6_HLEN;
	if (n > 0xffff)
		return -EINVAL;
	wr16(ip + (l->ver == 4 ? 2 : 4), (uint32_t)n);
	if (l->l4_hdr)
		fin_l4(buf, end, l);
	if (l->ver == 4)
		wr16(ip + 10, fold(sum16(ip, (size_t)(ip[0] & 0xf) * 4, 0)));
	return 0;
}

static int put_vxlan(struct out *o, const struct snic_craft *c)
{
	uint8_t *p = take(o, TUN_HLEN);

	if (!p)
		return -ENOSPC;
	memset(p, 0, TUN_HLEN);
	p[0] = 0x08; /* VNI present */
	wr32(p + 4, c->tun_id << 8);
	return 0;
}

/* GENEVE options of @words words in all, in experimental class 0xffff. */
static void put_geneve_opts(uint8_t *p, unsigned words)
{
	unsigned k, i;

	for (; words; words -= k, p += k * 4) {
		k = words < GENEVE_OPT_DATA + 1 ? words : GENEVE_OPT_DATA + 1;
		wr16(p, 0xffff);
		p[2] = 0x01;
		p[3] = (uint8_t)(k - 1);
		for (i = 4; i < k * 4; i++)
			p[i] = (uint8_t)i;
	}
}

static int put_geneve(struct out *o, const struct snic_craft *c)
{
	size_t n = TUN_HLEN + (size_t)c->geneve_opt_words * 4;
	uint8_t *p = take(o, n);

	if (!p)
		return -ENOSPC;
	memset(p, 0, TUN_HLEN);
	p[0] = c->geneve_opt_words;
	wr16(p + 2, ETH_P_TEB);
	wr32(p + 4, c->tun_id << 8);
	put_geneve_opts(p + TUN_HLEN, c->geneve_opt_words);
	return 0;
}

static int put_gre(struct out *o, const struct snic_craft *c)
{
	size_t n = 4 + 4 * (size_t)(!!c->gre_csum + !!c->gre_key + !!c->gre_seq);
	uint8_t *p = take(o, n), *q;
	uint32_t fl = 0;

	if (!p)
		return -ENOSPC;
	memset(p, 0, n);
	fl |= c->gre_csum ? 0x8000 : 0;
	fl |= c->gre_key ? 0x2000 : 0;
	fl |= c->gre_seq ? 0x1000 : 0;
	wr16(p, fl);
	wr16(p + 2, c->inner_l2 ? ETH_P_TEB : hdr_ethertype(&c->inner));
	q = p + (c->gre_csum ? 8 : 4);
	if (c->gre_key) {
		wr32(q, c->tun_id);
		q += 4;
	}
	if (c->gre_seq)
		wr32(q, 1);
	return 0;
}

static int put_gtpu_ext(struct out *o, const struct snic_craft *c)
{
	unsigned i, words;
	uint8_t *p;

	for (i = 0; i < c->gtpu_n_ext; i++) {
		words = 1 + i % 2;
		p = take(o, words * 4);
		if (!p)
			return -ENOSPC;
		memset(p, 0, words * 4);
		p[0] = (uint8_t)words;
		p[2] = 9; /* QFI */
		p[words * 4 - 1] = i + 1 < c->gtpu_n_ext ? GTPU_EXT_PDU : 0;
	}
	return 0;
}

static int put_gtpu(struct out *o, const struct snic_craft *c)
{
	int opt = c->gtpu_seq || c->gtpu_n_ext;
	uint8_t *p = take(o, TUN_HLEN + (opt ? 4 : 0));

	if (!p)
		return -ENOSPC;
	p[0] = 0x30 | (c->gtpu_n_ext ? 0x04 : 0) | (c->gtpu_seq ? 0x02 : 0);
	p[1] = c->gtpu_type ? c->gtpu_type : GTPU_GPDU;
	wr32(p + 4, c->tun_id);
	if (opt) {
		wr16(p + 8, c->gtpu_seq ? 1 : 0);
		p[10] = 0;
		p[11] = c->gtpu_n_ext ? GTPU_EXT_PDU : 0;
	}
	return put_gtpu_ext(o, c);
}

static int put_tun_hdr(struct out *o, const struct snic_craft *c)
{
	switch (c->tunnel) {
	case SNIC_TUN_VXLAN:
		return put_vxlan(o, c);
	case SNIC_TUN_GENEVE:
		return put_geneve(o, c);
	case SNIC_TUN_GRE:
		return put_gre(o, c);
	}
	return put_gtpu(o, c);
}

/* What depends on the tunnel's payload: the GTP-U length, GRE checksum. */
static void fin_tunnel(uint8_t *p, size_t n, const struct snic_craft *c)
{
	if (c->tunnel == SNIC_TUN_GTPU)
		wr16(p + 2, (uint32_t)(n - TUN_HLEN));
	if (c->tunnel == SNIC_TUN_GRE && c->gre_csum)
		wr16(p + 4, fold(sum16(p, n, 0)));
}

static int put_tunnel(struct out *o, const struct snic_craft *c)
{
	int l2 = c->tunnel == SNIC_TUN_VXLAN || c->tunnel == SNIC_TUN_GENEVE ||
		 (c->tunnel == SNIC_TUN_GRE && c->inner_l2);
	size_t t = o->len;
	struct lvl in;
	int rc;

	rc = put_tun_hdr(o, c);
	if (!rc)
		rc = put_head(o, &c->inner, l2, hdr_proto(&c->inner), &in);
	if (!rc)
		rc = put_payload(o, &in);
	if (!rc)
		rc = fin_level(o->buf, o->len, &in);
	if (!rc)
		fin_tunnel(o->buf + t, o->len - t, c);
	return rc;
}

int snic_craft_frame(const struct snic_craft *c, uint8_t *buf, size_t cap)
{
	struct out o = {buf, cap, 0};
	uint8_t proto = c->tunnel == SNIC_TUN_GRE ? PROTO_GRE : hdr_proto(&c->outer);
	struct snic_craft_hdr outer = c->outer;
	struct lvl l;
	int rc = check(c);

	if (rc)
		return rc;
	if (c->tunnel != SNIC_TUN_NONE && c->tunnel != SNIC_TUN_GRE && !outer.dport)
		outer.dport = c->tunnel == SNIC_TUN_VXLAN    ? SNIC_PORT_VXLAN
			      : c->tunnel == SNIC_TUN_GENEVE ? SNIC_PORT_GENEVE
							     : SNIC_PORT_GTPU;
	rc = put_head(&o, &outer, 1, proto, &l);
	if (!rc)
		rc = c->tunnel ? put_tunnel(&o, c) : put_payload(&o, &l);
	if (!rc)
		rc = fin_level(buf, o.len, &l);
	return rc ? rc : (int)o.len;
}
