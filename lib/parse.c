/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The frame parser. One forward pass: Ethernet and VLAN tags, IPv4 or IPv6
 * (with extension headers), the L4 header, and for the outer level a tunnel
 * whose payload is parsed once more as the inner level.
 *
 * Every helper takes the offset it starts at and the end it must not pass,
 * with off <= end on entry; it checks `end - off` before each read, so no
 * sum can overflow and no byte at or past `end` is touched. L4 and tunnel
 * headers end at the IP packet's own end (l3_end), not at the frame's, so
 * Ethernet padding is never taken for payload.
 */
#include <stdbool.h>
#include <stddef.h>
#include <string.h>

#include "snic/parse.h"

#include "parse_impl.h"

#define ETH_HLEN  14
#define VLAN_HLEN 4
#define IPV4_HLEN 20
#define IPV6_HLEN 40
#define TCP_HLEN  20
#define UDP_HLEN  8
#define SCTP_HLEN 12
#define TUN_HLEN  8 /* VXLAN, GENEVE and GTP-U fixed headers */
#define GRE_HLEN  4

#define ETH_P_IPV4   0x0800
#define ETH_P_IPV6   0x86dd
#define ETH_P_TEB    0x6558 /* transparent Ethernet bridging */
#define ETH_P_8021Q  0x8100
#define ETH_P_8021AD 0x88a8
#define ETH_P_QINQ   0x9100 /* pre-802.1ad outer tag */

#define PROTO_HOPOPT  0
#define PROTO_TCP     6
#define PROTO_UDP     17
#define PROTO_ROUTING 43
#define PROTO_FRAG    44
#define PROTO_GRE     47
#define PROTO_AH      51
#define PROTO_DSTOPTS 60
#define PROTO_SCTP    132

#define IPV4_MF	     0x2000
#define IPV4_OFFMASK 0x1fff
#define IPV6_OFFMASK 0xfff8
#define IPV6_MF	     0x0001

#define GRE_CSUM    0x8000
#define GRE_ROUTING 0x4000
#define GRE_KEY	    0x2000
#define GRE_SEQ	    0x1000
#define GRE_VERSION 0x0007

#define VXLAN_I	       0x08
#define GTPU_VER_PT    0x30 /* version 1, protocol type GTP */
#define GTPU_E	       0x04
#define GTPU_OPT       0x07 /* E, S or PN: the 4 optional bytes are there */
#define GTPU_GPDU      0xff
#define GENEVE_VERSION 0xc0
#define GENEVE_OPTLEN  0x3f

static inline uint16_t rd16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static inline uint32_t rd24(const uint8_t *p)
{
	return (uint32_t)p[0] << 16 | (uint32_t)p[1] << 8 | p[2];
}

static inline uint32_t rd32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | rd24(p + 1);
}

/* Define the fields that are valid whatever the frame holds. */
static void hdr_init(struct snic_hdr *h)
{
	h->l2_off = SNIC_OFF_NONE;
	h->l3_off = SNIC_OFF_NONE;
	h->l4_off = SNIC_OFF_NONE;
	h->l3_end = SNIC_OFF_NONE;
	h->ethertype = 0;
	h->n_vlan = 0;
	h->l3 = SNIC_L3_NONE;
	h->l4_proto = 0;
	h->n_ext = 0;
	h->flags = 0;
	h->sport = 0;
	h->dport = 0;
}

static inline int is_vlan_tpid(uint16_t t)
{
	return t == ETH_P_8021Q || t == ETH_P_8021AD || t == ETH_P_QINQ;
}

/* The tags from *@off while *@type names one; *@type is then the
 * ethertype after them (or the TPID of a tag that could not be read). */
static int parse_vlans(const uint8_t *f, uint32_t *off, uint32_t end, uint16_t *type,
		       struct snic_hdr *h)
{
	uint32_t o = *off, n = 0;
	uint16_t t = *type;
	int st = SNIC_PARSE_OK;

	for (; is_vlan_tpid(t); n++, o += VLAN_HLEN) {
		if (n == SNIC_VLAN_MAX || end - o < VLAN_HLEN) {
			st = n == SNIC_VLAN_MAX ? SNIC_PARSE_VLAN_DEPTH : SNIC_PARSE_TRUNC_L2;
			break;
		}
		h->vlan_tpid[n] = t;
		h->vlan_tci[n] = rd16(f + o);
		t = rd16(f + o + 2);
	}
	h->n_vlan = (uint8_t)n;
	*off = o;
	*type = t;
	return st;
}

static void l4_done(struct snic_hdr *h)
{
	h->flags |= SNIC_HF_L4_FULL;
}

static int check_tcp(const uint8_t *p, uint32_t avail, struct snic_hdr *h)
{
	uint32_t doff;

	if (avail < TCP_HLEN)
		return SNIC_PARSE_TRUNC_L4;
	doff = (uint32_t)(p[12] >> 4) * 4;
	if (doff < TCP_HLEN)
		return SNIC_PARSE_BAD_L4;
	if (doff > avail)
		return SNIC_PARSE_TRUNC_L4;
	l4_done(h);
	return SNIC_PARSE_OK;
}

static int check_udp(const uint8_t *p, uint32_t avail, struct snic_hdr *h)
{
	uint32_t ulen;

	if (avail < UDP_HLEN)
		return SNIC_PARSE_TRUNC_L4;
	ulen = rd16(p + 4);
	if (ulen < UDP_HLEN || ulen > avail)
		return SNIC_PARSE_BAD_L4;
	l4_done(h);
	return SNIC_PARSE_OK;
}

/* L4 of protocol @proto from @off to @end (the IP packet's end): bytes 0-3
 * for any protocol, then the header checks of those snic knows. */
static int parse_l4(const uint8_t *f, uint32_t off, uint32_t end, uint8_t proto, struct snic_hdr *h)
{
	uint32_t avail = end - off;

	h->l4_off = (uint16_t)off;
	if (avail >= 4) {
		h->sport = rd16(f + off);
		h->dport = rd16(f + off + 2);
		h->flags |= SNIC_HF_L4;
	}
	switch (proto) {
	case PROTO_TCP:
		return check_tcp(f + off, avail, h);
	case PROTO_UDP:
		return check_udp(f + off, avail, h);
	case PROTO_SCTP:
		if (avail < SCTP_HLEN)
			return SNIC_PARSE_TRUNC_L4;
		l4_done(h);
		return SNIC_PARSE_OK;
	}
	return SNIC_PARSE_OK;
}

static void ipv4_record(const uint8_t *ip, uint32_t off, uint32_t ihl, struct snic_hdr *h)
{
	uint16_t frag = rd16(ip + 6);
	uint8_t flags = 0;

	h->l3 = SNIC_L3_IPV4;
	h->l3_off = (uint16_t)off;
	h->l4_proto = ip[9];
	memcpy(h->ip_src, ip + 12, 4);
	memset(h->ip_src + 4, 0, 12);
	memcpy(h->ip_dst, ip + 16, 4);
	memset(h->ip_dst + 4, 0, 12);
	if (ihl > IPV4_HLEN)
		flags |= SNIC_HF_IPV4_OPT;
	if (frag & (IPV4_MF | IPV4_OFFMASK))
		flags |= SNIC_HF_FRAG;
	if (frag & IPV4_OFFMASK)
		flags |= SNIC_HF_FRAG_LATER;
	h->flags = flags;
}

static int parse_ipv4(const uint8_t *f, uint32_t off, uint32_t end, struct snic_hdr *h)
{
	const uint8_t *ip = f + off;
	uint32_t ihl, tot;

	if (end - off < IPV4_HLEN)
		return SNIC_PARSE_TRUNC_L3;
	if (ip[0] >> 4 != 4)
		return SNIC_PARSE_BAD_IP_VER;
	ihl = (uint32_t)(ip[0] & 0xf) * 4;
	if (ihl < IPV4_HLEN)
		return SNIC_PARSE_BAD_IHL;
	if (end - off < ihl)
		return SNIC_PARSE_TRUNC_L3;
	ipv4_record(ip, off, ihl, h);
	tot = rd16(ip + 2);
	if (tot < ihl || tot > end - off) {
		h->l3_end = (uint16_t)(off + ihl);
		return SNIC_PARSE_BAD_IP_LEN;
	}
	h->l3_end = (uint16_t)(off + tot);
	if (h->flags & SNIC_HF_FRAG_LATER)
		return SNIC_PARSE_OK;
	return parse_l4(f, off + ihl, off + tot, ip[9], h);
}

static inline int is_ipv6_ext(uint8_t nh)
{
	return nh == PROTO_HOPOPT || nh == PROTO_ROUTING || nh == PROTO_FRAG ||
	       nh == PROTO_DSTOPTS || nh == PROTO_AH;
}

/* Length of the extension header @p of type @nh; always >= 8. */
static inline uint32_t ipv6_ext_len(const uint8_t *p, uint8_t nh)
{
	if (nh == PROTO_FRAG)
		return 8;
	if (nh == PROTO_AH)
		return ((uint32_t)p[1] + 2) * 4;
	return ((uint32_t)p[1] + 1) * 8;
}

static uint8_t ipv6_frag_flags(const uint8_t *p)
{
	uint16_t frag = rd16(p + 2);

	if (frag & IPV6_OFFMASK)
		return SNIC_HF_FRAG | SNIC_HF_FRAG_LATER;
	return frag & IPV6_MF ? SNIC_HF_FRAG : 0;
}

/* Walk the extension headers from *@off to @end, starting with next header
 * *@nh; on return *@nh is the header walked to and *@off where it starts,
 * or SNIC_OFF_NONE past a non-first fragment. */
static int ipv6_skip_ext(const uint8_t *f, uint32_t *off, uint32_t end, uint8_t *nh,
			 struct snic_hdr *h)
{
	uint32_t o = *off, hlen, n = 0;
	uint8_t next = *nh, flags = 0;
	int st = SNIC_PARSE_OK;

	for (; is_ipv6_ext(next); n++, o += hlen) {
		hlen = end - o < 8 ? 0 : ipv6_ext_len(f + o, next);
		if (n == SNIC_IPV6_EXT_MAX || hlen == 0 || end - o < hlen) {
			st = n == SNIC_IPV6_EXT_MAX ? SNIC_PARSE_EXT_DEPTH : SNIC_PARSE_TRUNC_EXT;
			break;
		}
		if (next == PROTO_FRAG)
			flags |= ipv6_frag_flags(f + o);
		next = f[o];
		if (flags & SNIC_HF_FRAG_LATER) {
			n++;
			o = SNIC_OFF_NONE;
			break;
		}
	}
	h->n_ext = (uint8_t)n;
	h->flags = flags;
	*nh = next;
	*off = o;
	return st;
}

static int parse_ipv6(const uint8_t *f, uint32_t off, uint32_t end, struct snic_hdr *h)
{
	const uint8_t *ip = f + off;
	uint32_t plen;
	uint8_t nh;
	int st;

	if (end - off < IPV6_HLEN)
		return SNIC_PARSE_TRUNC_L3;
	if (ip[0] >> 4 != 6)
		return SNIC_PARSE_BAD_IP_VER;
	h->l3 = SNIC_L3_IPV6;
	h->l3_off = (uint16_t)off;
	h->l4_proto = nh = ip[6];
	memcpy(h->ip_src, ip + 8, 16);
	memcpy(h->ip_dst, ip + 24, 16);
	plen = rd16(ip + 4);
	if (plen > end - off - IPV6_HLEN) {
		h->l3_end = (uint16_t)(off + IPV6_HLEN);
		return SNIC_PARSE_BAD_IP_LEN;
	}
	end = off + IPV6_HLEN + plen;
	h->l3_end = (uint16_t)end;
	off += IPV6_HLEN;
	if (is_ipv6_ext(nh)) {
		st = ipv6_skip_ext(f, &off, end, &nh, h);
		h->l4_proto = nh;
		if (st != SNIC_PARSE_OK || off == SNIC_OFF_NONE)
			return st;
	}
	return parse_l4(f, off, end, nh, h);
}

/* L3 and up, by @type. */
static int parse_l3(const uint8_t *f, uint32_t off, uint32_t end, uint16_t type, struct snic_hdr *h)
{
	h->ethertype = type;
	switch (type) {
	case ETH_P_IPV4:
		return parse_ipv4(f, off, end, h);
	case ETH_P_IPV6:
		return parse_ipv6(f, off, end, h);
	}
	h->l3 = SNIC_L3_OTHER;
	h->l3_off = (uint16_t)off;
	h->l3_end = (uint16_t)end;
	return SNIC_PARSE_OK;
}

static int parse_from_l2(const uint8_t *f, uint32_t off, uint32_t end, struct snic_hdr *h)
{
	const uint8_t *eth = f + off;
	uint16_t type;
	int st;

	if (end - off < ETH_HLEN)
		return SNIC_PARSE_TRUNC_L2;
	h->l2_off = (uint16_t)off;
	memcpy(h->dmac, eth, 6);
	memcpy(h->smac, eth + 6, 6);
	type = rd16(eth + 12);
	off += ETH_HLEN;
	if (is_vlan_tpid(type)) {
		st = parse_vlans(f, &off, end, &type, h);
		if (st != SNIC_PARSE_OK) {
			h->ethertype = type;
			return st;
		}
	}
	return parse_l3(f, off, end, type, h);
}

/* The inner level: an Ethernet frame (@proto TEB) or an IP packet. */
static int parse_inner(const uint8_t *f, uint32_t off, uint32_t end, uint16_t proto,
		       struct snic_pkt *pkt)
{
	struct snic_hdr *h = &pkt->inner;
	int st;

	hdr_init(h);
	if (proto == ETH_P_TEB)
		st = parse_from_l2(f, off, end, h);
	else
		st = parse_l3(f, off, end, proto, h);
	pkt->has_inner = h->l2_off != SNIC_OFF_NONE || h->l3 != SNIC_L3_NONE;
	return st;
}

/* GRE and GENEVE name what they carry; snic decodes Ethernet and IP. */
static int parse_inner_proto(const uint8_t *f, uint32_t off, uint32_t end, struct snic_pkt *pkt)
{
	uint16_t proto = pkt->tun_proto;

	if (proto != ETH_P_TEB && proto != ETH_P_IPV4 && proto != ETH_P_IPV6)
		return SNIC_PARSE_OK;
	return parse_inner(f, off, end, proto, pkt);
}

static void tun_start(struct snic_pkt *pkt, uint8_t type, uint32_t off)
{
	pkt->tunnel = type;
	pkt->tun_off = (uint16_t)off;
}

static void tun_id(struct snic_pkt *pkt, uint32_t id)
{
	pkt->tun_id = id;
	pkt->tun_id_valid = 1;
}

static int parse_vxlan(const uint8_t *f, uint32_t off, uint32_t end, struct snic_pkt *pkt)
{
	tun_start(pkt, SNIC_TUN_VXLAN, off);
	if (end - off < TUN_HLEN)
		return SNIC_PARSE_TRUNC_TUNNEL;
	if (!(f[off] & VXLAN_I))
		return SNIC_PARSE_BAD_TUNNEL;
	tun_id(pkt, rd24(f + off + 4));
	return parse_inner(f, off + TUN_HLEN, end, ETH_P_TEB, pkt);
}

static int parse_geneve(const uint8_t *f, uint32_t off, uint32_t end, struct snic_pkt *pkt)
{
	const uint8_t *g = f + off;
	uint32_t hlen;

	tun_start(pkt, SNIC_TUN_GENEVE, off);
	if (end - off < TUN_HLEN)
		return SNIC_PARSE_TRUNC_TUNNEL;
	if (g[0] & GENEVE_VERSION)
		return SNIC_PARSE_BAD_TUNNEL;
	pkt->tun_proto = rd16(g + 2);
	tun_id(pkt, rd24(g + 4));
	hlen = TUN_HLEN + (uint32_t)(g[0] & GENEVE_OPTLEN) * 4;
	if (end - off < hlen)
		return SNIC_PARSE_TRUNC_TUNNEL;
	return parse_inner_proto(f, off + hlen, end, pkt);
}

/* GRE (RFC 2784/2890) at @off, the outer IP payload; version 0 only. */
static int parse_gre(const uint8_t *f, uint32_t off, uint32_t end, struct snic_pkt *pkt)
{
	uint32_t hlen = GRE_HLEN, key_off;
	uint16_t fl;

	tun_start(pkt, SNIC_TUN_GRE, off);
	if (end - off < GRE_HLEN)
		return SNIC_PARSE_TRUNC_TUNNEL;
	fl = rd16(f + off);
	if (fl & (GRE_VERSION | GRE_ROUTING))
		return SNIC_PARSE_BAD_TUNNEL;
	pkt->tun_proto = rd16(f + off + 2);
	hlen += fl & GRE_CSUM ? 4 : 0;
	key_off = off + hlen;
	hlen += fl & GRE_KEY ? 4 : 0;
	hlen += fl & GRE_SEQ ? 4 : 0;
	if (end - off < hlen)
		return SNIC_PARSE_TRUNC_TUNNEL;
	if (fl & GRE_KEY)
		tun_id(pkt, rd32(f + key_off));
	return parse_inner_proto(f, off + hlen, end, pkt);
}

/* GTP-U's sequence/N-PDU/next-type word and, when E is set, the chain of
 * extension headers; each is 4 * its first byte long and names the next
 * one in its last byte. */
static int gtpu_skip_opts(const uint8_t *f, uint32_t *off, uint32_t end, int ext)
{
	uint32_t o = *off, elen, n;
	uint8_t next;

	if (end - o < 4)
		return SNIC_PARSE_TRUNC_TUNNEL;
	next = ext ? f[o + 3] : 0;
	o += 4;
	for (n = 0; next; n++) {
		if (n == SNIC_GTPU_EXT_MAX)
			return SNIC_PARSE_BAD_TUNNEL;
		if (o == end)
			return SNIC_PARSE_TRUNC_TUNNEL;
		elen = (uint32_t)f[o] * 4;
		if (elen == 0)
			return SNIC_PARSE_BAD_TUNNEL;
		if (end - o < elen)
			return SNIC_PARSE_TRUNC_TUNNEL;
		next = f[o + elen - 1];
		o += elen;
	}
	*off = o;
	return SNIC_PARSE_OK;
}

/* A G-PDU carries an IP packet; its version nibble says which. */
static int parse_gtpu_inner(const uint8_t *f, uint32_t off, uint32_t end, struct snic_pkt *pkt)
{
	if (off == end)
		return SNIC_PARSE_TRUNC_L3;
	switch (f[off] >> 4) {
	case 4:
		return parse_inner(f, off, end, ETH_P_IPV4, pkt);
	case 6:
		return parse_inner(f, off, end, ETH_P_IPV6, pkt);
	}
	return SNIC_PARSE_BAD_IP_VER;
}

static int parse_gtpu(const uint8_t *f, uint32_t off, uint32_t end, struct snic_pkt *pkt)
{
	const uint8_t *g = f + off;
	uint32_t gend;
	int st;

	tun_start(pkt, SNIC_TUN_GTPU, off);
	if (end - off < TUN_HLEN)
		return SNIC_PARSE_TRUNC_TUNNEL;
	if ((g[0] & 0xf0) != GTPU_VER_PT)
		return SNIC_PARSE_BAD_TUNNEL;
	tun_id(pkt, rd32(g + 4));
	gend = rd16(g + 2);
	if (gend > end - off - TUN_HLEN)
		return SNIC_PARSE_BAD_TUNNEL;
	gend += off + TUN_HLEN;
	off += TUN_HLEN;
	if (g[0] & GTPU_OPT) {
		st = gtpu_skip_opts(f, &off, gend, g[0] & GTPU_E);
		if (st != SNIC_PARSE_OK)
			return st;
	}
	if (g[1] != GTPU_GPDU)
		return SNIC_PARSE_OK;
	return parse_gtpu_inner(f, off, gend, pkt);
}

/* A tunnel behind the outer L4 header, which parsed without error. */
static int parse_tunnel(const uint8_t *f, struct snic_pkt *pkt)
{
	const struct snic_hdr *h = &pkt->outer;
	uint32_t off = h->l4_off, end;

	if (off == SNIC_OFF_NONE || (h->flags & SNIC_HF_FRAG))
		return SNIC_PARSE_OK;
	if (h->l4_proto == PROTO_GRE)
		return parse_gre(f, off, h->l3_end, pkt);
	if (h->l4_proto != PROTO_UDP)
		return SNIC_PARSE_OK;
	end = off + rd16(f + off + 4);
	off += UDP_HLEN;
	switch (h->dport) {
	case SNIC_PORT_VXLAN:
		return parse_vxlan(f, off, end, pkt);
	case SNIC_PORT_GENEVE:
		return parse_geneve(f, off, end, pkt);
	case SNIC_PORT_GTPU:
		return parse_gtpu(f, off, end, pkt);
	}
	return SNIC_PARSE_OK;
}

/*
 * The fast path: a frame of the fast shape (parse_impl.h), the frames a
 * NIC sees most. Every condition the full parser would stop or branch on
 * is checked before anything is written; then the level gets exactly the
 * fields the full parser gives such a frame, and no other. Any other frame
 * returns false with @h untouched and takes the full path.
 * tests/unit/test_parse.c compares the two on random frames.
 */
static bool parse_fast(const uint8_t *f, uint32_t len, struct snic_hdr *h)
{
	uint32_t l3_end = 0;
	unsigned shape = snic_fast_shape(f, len, &l3_end);
	uint32_t l4_off = shape & SNIC_SHAPE_V6 ? SNIC_SHAPE_L4_V6 : SNIC_SHAPE_L4_V4;

	if (!shape)
		return false;
	h->l2_off = 0;
	h->l3_off = ETH_HLEN;
	h->l4_off = (uint16_t)l4_off;
	h->l3_end = (uint16_t)l3_end;
	h->ethertype = rd16(f + 12);
	h->n_vlan = 0;
	h->l4_proto = shape & SNIC_SHAPE_UDP ? PROTO_UDP : PROTO_TCP;
	h->n_ext = 0;
	h->flags = SNIC_HF_L4 | SNIC_HF_L4_FULL;
	memcpy(h->dmac, f, 6);
	memcpy(h->smac, f + 6, 6);
	h->sport = rd16(f + l4_off);
	h->dport = rd16(f + l4_off + 2);
	if (shape & SNIC_SHAPE_V6) {
		h->l3 = SNIC_L3_IPV6;
		memcpy(h->ip_src, f + SNIC_SHAPE_SRC_V6, 16);
		memcpy(h->ip_dst, f + SNIC_SHAPE_SRC_V6 + 16, 16);
		return true;
	}
	h->l3 = SNIC_L3_IPV4;
	memcpy(h->ip_src, f + SNIC_SHAPE_SRC_V4, 4);
	memset(h->ip_src + 4, 0, 12);
	memcpy(h->ip_dst, f + SNIC_SHAPE_SRC_V4 + 4, 4);
	memset(h->ip_dst + 4, 0, 12);
	return true;
}

static int parse_pkt(const uint8_t *frame, uint32_t len, struct snic_pkt *pkt, bool fast)
{
	int st = SNIC_PARSE_OK;

	if (len > SNIC_PARSE_LEN_MAX)
		len = SNIC_PARSE_LEN_MAX;
	pkt->len = (uint16_t)len;
	pkt->tunnel = SNIC_TUN_NONE;
	pkt->has_inner = 0;
	pkt->tun_id_valid = 0;
	pkt->tun_off = SNIC_OFF_NONE;
	pkt->tun_id = 0;
	pkt->tun_proto = 0;
	if (!fast || !parse_fast(frame, len, &pkt->outer)) {
		hdr_init(&pkt->outer);
		st = parse_from_l2(frame, 0, len, &pkt->outer);
	}
	if (st == SNIC_PARSE_OK)
		st = parse_tunnel(frame, pkt);
	pkt->status = (uint8_t)st;
	return st;
}

int snic_parse(const uint8_t *frame, uint32_t len, struct snic_pkt *pkt)
{
	return parse_pkt(frame, len, pkt, true);
}

int snic_parse_full(const uint8_t *frame, uint32_t len, struct snic_pkt *pkt)
{
	return parse_pkt(frame, len, pkt, false);
}

static const char *const status_names[SNIC_PARSE_STATUS_COUNT] = {
	[SNIC_PARSE_OK] = "ok",
	[SNIC_PARSE_TRUNC_L2] = "trunc_l2",
	[SNIC_PARSE_VLAN_DEPTH] = "vlan_depth",
	[SNIC_PARSE_TRUNC_L3] = "trunc_l3",
	[SNIC_PARSE_BAD_IP_VER] = "bad_ip_ver",
	[SNIC_PARSE_BAD_IHL] = "bad_ihl",
	[SNIC_PARSE_BAD_IP_LEN] = "bad_ip_len",
	[SNIC_PARSE_TRUNC_EXT] = "trunc_ext",
	[SNIC_PARSE_EXT_DEPTH] = "ext_depth",
	[SNIC_PARSE_TRUNC_L4] = "trunc_l4",
	[SNIC_PARSE_BAD_L4] = "bad_l4",
	[SNIC_PARSE_TRUNC_TUNNEL] = "trunc_tunnel",
	[SNIC_PARSE_BAD_TUNNEL] = "bad_tunnel",
};

const char *snic_parse_status_name(int status)
{
	if (status < 0 || status >= SNIC_PARSE_STATUS_COUNT)
		return "unknown";
	return status_names[status];
}
