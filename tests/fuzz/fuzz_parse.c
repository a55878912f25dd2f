/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer target for the frame parser. Beyond "no crash, no over-read"
 * (the sanitizers' part), it checks what the result promises for any
 * input: nothing reported past the end, no flag without its layer, and the
 * fields parse.h calls defined equal however the memory was filled before.
 * A broken promise aborts, so the fuzzer keeps the input.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "snic/parse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define NONE SNIC_OFF_NONE

static void fail(const char *what)
{
	fprintf(stderr, "fuzz_parse: %s\n", what);
	abort();
}

#define need(cond)                                                                                 \
	do {                                                                                       \
		if (!(cond))                                                                       \
			fail(#cond);                                                               \
	} while (0)

static int is_ip(uint8_t l3)
{
	return l3 == SNIC_L3_IPV4 || l3 == SNIC_L3_IPV6;
}

static void check_l3(const struct snic_hdr *h, uint32_t len)
{
	need(h->l3_off <= h->l3_end && h->l3_end <= len);
	if (h->l3 == SNIC_L3_IPV4)
		need(h->l3_off + 20u <= h->l3_end && h->n_ext == 0);
	if (h->l3 == SNIC_L3_IPV6)
		need(h->l3_off + 40u <= h->l3_end);
	if (h->l4_off != NONE)
		need(is_ip(h->l3) && h->l4_off <= h->l3_end);
	if (h->flags & SNIC_HF_L4)
		need(h->l4_off != NONE && h->l4_off + 4u <= h->l3_end);
	if (h->flags & SNIC_HF_L4_FULL)
		need(h->flags & SNIC_HF_L4);
	if (h->flags & SNIC_HF_FRAG_LATER)
		need((h->flags & SNIC_HF_FRAG) && h->l4_off == NONE);
}

static void check_level(const struct snic_hdr *h, uint32_t len)
{
	need(h->n_vlan <= SNIC_VLAN_MAX && h->n_ext <= SNIC_IPV6_EXT_MAX);
	if (h->l2_off != NONE)
		need(h->l2_off + 14u + 4u * h->n_vlan <= len);
	if (!(h->flags & SNIC_HF_L4))
		need(h->sport == 0 && h->dport == 0);
	if (h->l3 == SNIC_L3_NONE)
		need(h->l3_off == NONE && h->l4_off == NONE && h->flags == 0);
	else
		check_l3(h, len);
}

static void check(const struct snic_pkt *p, uint32_t len)
{
	need(p->len == len && p->status < SNIC_PARSE_STATUS_COUNT);
	check_level(&p->outer, len);
	if (p->tunnel == SNIC_TUN_NONE) {
		need(p->tun_off == NONE && !p->has_inner && !p->tun_id_valid && !p->tun_id);
		return;
	}
	need(p->outer.l4_off != NONE && p->tun_off >= p->outer.l4_off && p->tun_off <= len);
	need(!p->tun_id_valid ? p->tun_id == 0 : p->tun_off + 8u <= len);
	if (!p->has_inner)
		return;
	check_level(&p->inner, len);
	need(p->inner.l2_off == NONE || p->inner.l2_off >= p->tun_off + 4u);
	need(p->inner.l3_off == NONE || p->inner.l3_off >= p->tun_off + 4u);
}

static void same_level(const struct snic_hdr *a, const struct snic_hdr *b)
{
	need(a->l2_off == b->l2_off && a->l3_off == b->l3_off && a->l4_off == b->l4_off);
	need(a->l3_end == b->l3_end && a->ethertype == b->ethertype && a->n_vlan == b->n_vlan);
	need(a->l3 == b->l3 && a->l4_proto == b->l4_proto && a->n_ext == b->n_ext);
	need(a->flags == b->flags && a->sport == b->sport && a->dport == b->dport);
	if (a->l2_off != NONE)
		need(!memcmp(a->dmac, b->dmac, 6) && !memcmp(a->smac, b->smac, 6));
	for (unsigned i = 0; i < a->n_vlan && i < SNIC_VLAN_MAX; i++)
		need(a->vlan_tpid[i] == b->vlan_tpid[i] && a->vlan_tci[i] == b->vlan_tci[i]);
	if (is_ip(a->l3))
		need(!memcmp(a->ip_src, b->ip_src, 16) && !memcmp(a->ip_dst, b->ip_dst, 16));
}

static void same_defined(const struct snic_pkt *a, const struct snic_pkt *b)
{
	need(a->len == b->len && a->status == b->status && a->tunnel == b->tunnel);
	need(a->has_inner == b->has_inner && a->tun_id_valid == b->tun_id_valid);
	need(a->tun_off == b->tun_off && a->tun_id == b->tun_id && a->tun_proto == b->tun_proto);
	same_level(&a->outer, &b->outer);
	if (a->has_inner)
		same_level(&a->inner, &b->inner);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint32_t len = size > SNIC_PARSE_LEN_MAX ? SNIC_PARSE_LEN_MAX : (uint32_t)size;
	struct snic_pkt a, b;

	memset(&a, 0x00, sizeof(a));
	memset(&b, 0xff, sizeof(b));
	need(snic_parse(data, len, &a) == a.status);
	snic_parse(data, len, &b);
	same_defined(&a, &b);
	check(&a, len);
	return 0;
}
