/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * TCP/UDP checksum completion (see csum.h), twice: a fast path that sums in
 * memory order eight bytes at a time, and a plain reference that sums a
 * copy of the pseudo-header and segment one big-endian word at a time.
 *
 * The fast path never verifies before fixing: verifying reads every byte of
 * the segment, which is all that fixing costs too. It sums the segment with
 * the old checksum in it and takes the old value out again (one's
 * complement subtraction is adding its complement), so it writes the frame
 * only when the checksum changes.
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <arpa/inet.h>

#include "csum.h"

#define ETH_P_IPV4    0x0800
#define ETH_P_IPV6    0x86dd
#define IPPROTO_TCP_  6
#define IPPROTO_UDP_  17
#define IP6_HOPOPTS   0
#define IP6_DSTOPTS   60
#define VLAN_TAGS_MAX 2
#define IP6_EXT_MAX   8

/* Where the L4 segment of a frame is. */
struct l4loc {
	uint32_t l3;	/* IP header */
	uint32_t l4;	/* TCP/UDP header */
	uint32_t l4len; /* header and payload, as the IP header says */
	uint32_t addr;	/* first byte of the source and destination addresses */
	uint32_t alen;	/* 8 (IPv4) or 32 (IPv6) */
	uint8_t proto;
	uint8_t v6;
};

static inline uint16_t rd16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static bool is_vlan_tpid(uint16_t t)
{
	return t == 0x8100 || t == 0x88a8 || t == 0x9100;
}

/* Skip the Ethernet header and VLAN tags: the L3 offset and its type. */
static bool loc_eth(const uint8_t *f, uint32_t len, struct l4loc *l, uint16_t *type)
{
	uint32_t off = 12;

	for (unsigned tags = 0;; tags++) {
		if (off + 2 > len)
			return false;
		*type = rd16(f + off);
		if (!is_vlan_tpid(*type))
			break;
		if (tags == VLAN_TAGS_MAX)
			return false;
		off += 4;
	}
	l->l3 = off + 2;
	return true;
}

static bool loc_ip4(const uint8_t *f, uint32_t len, struct l4loc *l)
{
	const uint8_t *ip = f + l->l3;
	uint32_t ihl, tot;

	if (l->l3 + 20 > len || ip[0] >> 4 != 4)
		return false;
	ihl = (ip[0] & 0xfu) * 4;
	tot = rd16(ip + 2);
	if (ihl < 20 || tot < ihl || l->l3 + tot > len)
		return false;
	if (rd16(ip + 6) & 0x3fff) /* more fragments, or an offset */
		return false;
	l->proto = ip[9];
	l->l4 = l->l3 + ihl;
	l->l4len = tot - ihl;
	l->addr = l->l3 + 12;
	l->alen = 8;
	return true;
}

static bool loc_ip6(const uint8_t *f, uint32_t len, struct l4loc *l)
{
	const uint8_t *ip = f + l->l3;
	uint32_t off, end;
	uint8_t nh;

	if (l->l3 + 40 > len || ip[0] >> 4 != 6)
		return false;
	off = l->l3 + 40;
	end = off + rd16(ip + 4);
	if (end == off || end > len) /* a jumbogram, or truncated */
		return false;
	nh = ip[6];
	for (unsigned i = 0; i < IP6_EXT_MAX && (nh == IP6_HOPOPTS || nh == IP6_DSTOPTS); i++) {
		if (off + 8 > end)
			return false;
		nh = f[off];
		off += (f[off + 1] + 1u) * 8;
	}
	if (off > end)
		return false;
	l->proto = nh;
	l->l4 = off;
	l->l4len = end - off;
	l->addr = l->l3 + 8;
	l->alen = 32;
	l->v6 = 1;
	return true;
}

/* The offset of the checksum field in the segment, or 0 when the frame is
 * not one to complete. */
static uint32_t loc_field(const uint8_t *f, const struct l4loc *l)
{
	if (l->proto == IPPROTO_TCP_)
		return l->l4len >= 20 ? 16 : 0;
	if (l->proto != IPPROTO_UDP_ || l->l4len < 8 || rd16(f + l->l4 + 4) != l->l4len)
		return 0;
	if (!l->v6 && !rd16(f + l->l4 + 6)) /* IPv4 UDP without a checksum */
		return 0;
	return 6;
}

static uint32_t locate(const uint8_t *f, uint32_t len, struct l4loc *l)
{
	uint16_t type;

	memset(l, 0, sizeof(*l));
	if (!loc_eth(f, len, l, &type))
		return 0;
	if (type == ETH_P_IPV4 && loc_ip4(f, len, l))
		return loc_field(f, l);
	if (type == ETH_P_IPV6 && loc_ip6(f, len, l))
		return loc_field(f, l);
	return 0;
}

/* One's complement sum of @n bytes as 16-bit words in memory order, not
 * yet folded. 32-bit halves can be added as they come: 2^16 is 1 modulo
 * 2^16 - 1. */
static uint64_t sum_mem(const uint8_t *p, uint32_t n)
{
	uint64_t acc = 0, v8;
	uint32_t v4;
	uint16_t v2;

	for (; n >= 8; p += 8, n -= 8) {
		memcpy(&v8, p, 8);
		acc += (v8 & 0xffffffffu) + (v8 >> 32);
	}
	if (n >= 4) {
		memcpy(&v4, p, 4);
		acc += v4;
		p += 4;
		n -= 4;
	}
	if (n >= 2) {
		memcpy(&v2, p, 2);
		acc += v2;
		p += 2;
		n -= 2;
	}
	if (n) {
		uint8_t last[2] = {p[0], 0};

		memcpy(&v2, last, 2);
		acc += v2;
	}
	return acc;
}

static uint16_t fold(uint64_t acc)
{
	while (acc >> 16)
		acc = (acc & 0xffff) + (acc >> 16);
	return (uint16_t)acc;
}

int snicd_csum_fix(uint8_t *frame, uint32_t len)
{
	struct l4loc l;
	uint32_t field = locate(frame, len, &l);
	uint16_t old, sum;
	uint64_t acc;

	if (!field)
		return 0;
	memcpy(&old, frame + l.l4 + field, 2);
	acc = sum_mem(frame + l.addr, l.alen) + htons(l.proto) + htons((uint16_t)l.l4len);
	acc += sum_mem(frame + l.l4, l.l4len) + (uint16_t)~old;
	sum = (uint16_t)~fold(acc);
	if (l.proto == IPPROTO_UDP_ && !sum)
		sum = 0xffff;
	if (sum == old)
		return 0;
	memcpy(frame + l.l4 + field, &sum, 2);
	return 1;
}

/* --- The reference ---------------------------------------------------------------- */

/* RFC 1071: big-endian 16-bit words, a lone last byte padded with zero. */
static uint16_t ref_sum(const uint8_t *buf, size_t n)
{
	uint32_t sum = 0;

	for (size_t i = 0; i < n; i += 2) {
		uint32_t word = (uint32_t)buf[i] << 8;

		if (i + 1 < n)
			word |= buf[i + 1];
		sum += word;
		sum = (sum & 0xffff) + (sum >> 16);
	}
	return (uint16_t)sum;
}

/* The pseudo-header and a copy of the segment with its checksum zeroed. */
static uint8_t *ref_image(const uint8_t *frame, const struct l4loc *l, uint32_t field, size_t *n)
{
	size_t ph = l->alen + 4;
	uint8_t *buf = calloc(1, ph + l->l4len);

	if (!buf)
		return NULL;
	memcpy(buf, frame + l->addr, l->alen);
	buf[l->alen + 1] = l->proto;
	buf[l->alen + 2] = (uint8_t)(l->l4len >> 8);
	buf[l->alen + 3] = (uint8_t)l->l4len;
	memcpy(buf + ph, frame + l->l4, l->l4len);
	buf[ph + field] = 0;
	buf[ph + field + 1] = 0;
	*n = ph + l->l4len;
	return buf;
}

int snicd_csum_fix_ref(uint8_t *frame, uint32_t len)
{
	struct l4loc l;
	uint32_t field = locate(frame, len, &l);
	uint8_t *img, *at;
	uint16_t sum;
	size_t n;

	if (!field)
		return 0;
	img = ref_image(frame, &l, field, &n);
	if (!img)
		return 0;
	sum = (uint16_t)~ref_sum(img, n);
	free(img);
	if (l.proto == IPPROTO_UDP_ && sum == 0)
		sum = 0xffff;
	at = frame + l.l4 + field;
	if (rd16(at) == sum)
		return 0;
	at[0] = (uint8_t)(sum >> 8);
	at[1] = (uint8_t)sum;
	return 1;
}
