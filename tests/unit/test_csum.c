/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * snicd's checksum completion (daemon/csum.c): the fast path against the
 * plain reference on random frames, and both against a verifier that knows
 * where the test put each header.
 */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include <criterion/criterion.h>

#include "../../daemon/csum.h"

#define FRAME_MAX 2048

/* A frame the test built, and where its parts are. */
struct tframe {
	uint8_t b[FRAME_MAX];
	uint32_t len;	/* bytes handed to the code under test */
	uint32_t addr;	/* source address */
	uint32_t alen;	/* 8 or 32 */
	uint32_t l4;	/* TCP/UDP header */
	uint32_t l4len; /* segment length */
	uint32_t field; /* checksum offset in the segment */
	uint8_t proto;
	bool fixable; /* the code must complete this one */
};

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

static uint32_t rnd(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return (uint32_t)(rng_state >> 16);
}

static uint32_t rnd_below(uint32_t n)
{
	return n ? rnd() % n : 0;
}

static void put16(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void fill(uint8_t *p, uint32_t n)
{
	for (uint32_t i = 0; i < n; i++)
		p[i] = (uint8_t)rnd();
}

/* One's complement sum of the pseudo-header and segment; 0xffff when the
 * checksum in the segment is right. */
static uint16_t verify(const struct tframe *t)
{
	uint32_t sum = t->proto + t->l4len;

	for (uint32_t i = 0; i < t->alen; i += 2)
		sum += (uint32_t)t->b[t->addr + i] << 8 | t->b[t->addr + i + 1];
	for (uint32_t i = 0; i < t->l4len; i++)
		sum += i & 1 ? t->b[t->l4 + i] : (uint32_t)t->b[t->l4 + i] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)sum;
}

static uint32_t build_eth(struct tframe *t, unsigned tags, uint16_t type)
{
	static const uint16_t tpids[] = {0x8100, 0x88a8, 0x9100};
	uint32_t off = 12;

	fill(t->b, 12);
	for (unsigned i = 0; i < tags; i++, off += 4) {
		put16(t->b + off, tpids[rnd_below(3)]);
		put16(t->b + off + 2, rnd() & 0xfff);
	}
	put16(t->b + off, type);
	return off + 2;
}

static void build_l4(struct tframe *t, uint8_t proto, uint32_t payload)
{
	t->proto = proto;
	t->l4len = (proto == 6 ? 20 : 8) + payload;
	fill(t->b + t->l4, t->l4len);
	if (proto == 6) {
		t->field = 16;
	} else {
		t->field = 6;
		put16(t->b + t->l4 + 4, t->l4len);
	}
}

static void build_ip4(struct tframe *t, uint32_t l3, uint8_t proto, uint32_t payload)
{
	uint32_t ihl = 20 + 4 * rnd_below(11);

	fill(t->b + l3, ihl);
	t->b[l3] = (uint8_t)(0x40 | ihl / 4);
	put16(t->b + l3 + 6, rnd_below(2) ? 0x4000 : 0); /* DF or nothing */
	t->b[l3 + 9] = proto;
	t->addr = l3 + 12;
	t->alen = 8;
	t->l4 = l3 + ihl;
	build_l4(t, proto, payload);
	put16(t->b + l3 + 2, ihl + t->l4len);
}

static void build_ip6(struct tframe *t, uint32_t l3, uint8_t proto, uint32_t payload)
{
	static const uint8_t exts[] = {0, 60};
	unsigned next = l3 + 6, n = rnd_below(3);
	uint32_t off = l3 + 40;

	fill(t->b + l3, 40);
	t->b[l3] = 0x60;
	for (unsigned i = 0; i < n; i++) {
		uint32_t hl = 8 * (1 + rnd_below(3));

		t->b[next] = exts[rnd_below(2)];
		fill(t->b + off, hl);
		t->b[off + 1] = (uint8_t)(hl / 8 - 1);
		next = off;
		off += hl;
	}
	t->b[next] = proto;
	t->addr = l3 + 8;
	t->alen = 32;
	t->l4 = off;
	build_l4(t, proto, payload);
	put16(t->b + l3 + 4, off + t->l4len - (l3 + 40));
}

/* A valid TCP or UDP frame over IPv4 or IPv6 with random checksum bytes. */
static void build(struct tframe *t, bool v6, uint8_t proto, uint32_t payload)
{
	uint32_t l3;

	memset(t, 0, sizeof(*t));
	l3 = build_eth(t, rnd_below(3), v6 ? 0x86dd : 0x0800);
	if (v6)
		build_ip6(t, l3, proto, payload);
	else
		build_ip4(t, l3, proto, payload);
	t->len = t->l4 + t->l4len;
	t->fixable = true;
	if (!v6 && proto == 17 && t->b[t->l4 + 6] == 0 && t->b[t->l4 + 7] == 0)
		t->fixable = false;
}

/* Something the code must leave as it is, now and then. */
static void spoil(struct tframe *t)
{
	uint32_t pad = rnd_below(64);

	switch (rnd_below(8)) {
	case 0: /* truncated */
		t->len = t->l4 + rnd_below(t->l4len);
		t->fixable = false;
		return;
	case 1: /* a fragment: first of several (IPv4 only) */
		if (t->alen == 8) {
			t->b[t->addr - 6] |= 0x20;
			t->fixable = false;
		}
		return;
	case 2: /* IPv4 UDP without a checksum */
		if (t->alen == 8 && t->proto == 17) {
			put16(t->b + t->l4 + 6, 0);
			t->fixable = false;
		}
		return;
	default: /* Ethernet padding after the IP datagram */
		fill(t->b + t->len, pad);
		t->len += pad;
		return;
	}
}

Test(csum, fast_matches_reference_on_random_frames)
{
	static struct tframe t, a, b;

	for (unsigned i = 0; i < 20000; i++) {
		int ra, rb;

		build(&t, rnd_below(2), rnd_below(2) ? 6 : 17, rnd_below(1500));
		if (rnd_below(3) == 0)
			spoil(&t);
		a = t;
		b = t;
		ra = snicd_csum_fix(a.b, a.len);
		rb = snicd_csum_fix_ref(b.b, b.len);
		cr_assert_eq(ra, rb, "frame %u: fast says %d, reference %d", i, ra, rb);
		cr_assert_eq(memcmp(a.b, b.b, FRAME_MAX), 0, "frame %u: bytes differ", i);
		if (t.fixable)
			cr_assert_eq(verify(&a), 0xffff, "frame %u: checksum still wrong", i);
		else
			cr_assert_eq(memcmp(a.b, t.b, FRAME_MAX), 0, "frame %u: changed", i);
		cr_assert_eq(snicd_csum_fix(a.b, a.len), 0, "frame %u: fixed twice", i);
	}
}

Test(csum, random_bytes_agree)
{
	static uint8_t a[FRAME_MAX], b[FRAME_MAX];

	for (unsigned i = 0; i < 20000; i++) {
		uint32_t len = rnd_below(200);

		fill(a, len);
		if (rnd_below(2)) { /* make it look like IP more often */
			a[12] = rnd_below(2) ? 0x08 : 0x86;
			a[13] = a[12] == 0x08 ? 0x00 : 0xdd;
			a[14] = a[12] == 0x08 ? 0x45 : 0x60;
		}
		memcpy(b, a, len);
		cr_assert_eq(snicd_csum_fix(a, len), snicd_csum_fix_ref(b, len), "input %u", i);
		cr_assert_eq(memcmp(a, b, len), 0, "input %u: bytes differ", i);
	}
}

/* What a veth hands over with TX checksum offload: the field holds the
 * pseudo-header sum, not inverted. */
Test(csum, partial_checksum_is_completed)
{
	static struct tframe t;

	for (unsigned v6 = 0; v6 < 2; v6++) {
		for (unsigned p = 0; p < 2; p++) {
			uint32_t sum;

			build(&t, v6, p ? 17 : 6, 1000 + p);
			sum = t.proto + t.l4len;
			for (uint32_t i = 0; i < t.alen; i += 2)
				sum += (uint32_t)t.b[t.addr + i] << 8 | t.b[t.addr + i + 1];
			while (sum >> 16)
				sum = (sum & 0xffff) + (sum >> 16);
			put16(t.b + t.l4 + t.field, sum);
			cr_assert_neq(verify(&t), 0xffff);
			cr_assert_eq(snicd_csum_fix(t.b, t.len), 1);
			cr_assert_eq(verify(&t), 0xffff);
		}
	}
}

/* A UDP sum of zero goes out as 0xffff (zero means "none" on IPv4). */
Test(csum, udp_zero_sum_is_sent_as_ffff)
{
	static struct tframe t;
	uint16_t c;

	build(&t, true, 17, 2);
	put16(t.b + t.l4 + 8, 0);
	snicd_csum_fix(t.b, t.len);
	c = (uint16_t)(t.b[t.l4 + 6] << 8 | t.b[t.l4 + 7]);
	/* With the checksum's own value as payload, the segment sums to zero. */
	put16(t.b + t.l4 + 8, c);
	snicd_csum_fix(t.b, t.len);
	cr_assert_eq(t.b[t.l4 + 6], 0xff);
	cr_assert_eq(t.b[t.l4 + 7], 0xff);
	cr_assert_eq(verify(&t), 0xffff);
}

Test(csum, left_alone)
{
	static struct tframe t, o;

	build(&t, true, 6, 100);
	t.b[t.addr - 2] = 43; /* a routing header instead of TCP: not handled */
	o = t;
	cr_assert_eq(snicd_csum_fix(t.b, t.len), 0);
	cr_assert_eq(memcmp(t.b, o.b, FRAME_MAX), 0);

	build(&t, false, 1, 0); /* ICMP */
	o = t;
	cr_assert_eq(snicd_csum_fix(t.b, t.len), 0);
	cr_assert_eq(memcmp(t.b, o.b, FRAME_MAX), 0);

	build(&t, false, 6, 10);
	put16(t.b + t.addr - 6, 0x0001); /* a later fragment */
	cr_assert_eq(snicd_csum_fix(t.b, t.len), 0);
	cr_assert_eq(snicd_csum_fix(t.b, 13), 0);
	cr_assert_eq(snicd_csum_fix(t.b, 0), 0);
}
