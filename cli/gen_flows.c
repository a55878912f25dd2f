/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * snic gen's flows: what each flow is (destination, protocol, IP version,
 * tunnel, addresses, ports) and the frames it sends.
 *
 * A share the user gives ("--proto tcp:60,udp:40", "--ipv6 20") is a
 * share of the frames, and frames come from flows of unequal weight. So an
 * attribute is given out by systematic sampling: the flows, in a random
 * order, lay their weights end to end on [0, W); the categories split the
 * same line by their shares; each flow takes the category under the middle
 * of its segment. A category's frames then miss its share by at most about
 * one flow's weight, whatever the distribution. Each attribute has its own
 * order, so attributes are independent of each other.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "snic/craft.h"
#include "gen.h"

/* A flow's category that is not given yet. */
#define UNSET	      0xffffu
/* Tunnel endpoints: 192.0.2.1..16 towards 192.0.2.129..144 (or IPv6
 * 2001:db8:ffff::1..16 towards ::81..90). */
#define VTEPS	      16
/* A later fragment's offset: after 1480 bytes, as on a 1500-byte MTU. */
#define FRAG_OFF_LAST 185

static const struct gen_dst default_dst = {
	.cls = GEN_CLASS_MAC,
	.mac = {0x02, 0x00, 0x00, 0x00, 0x00, 0x01},
	.share = GEN_ONE,
};

static const uint8_t proto_num[GEN_PROTO_COUNT] = {
	[GEN_TCP] = 6,
	[GEN_UDP] = 17,
	[GEN_SCTP] = 132,
};

/* Destination ports of servers; none announces a tunnel. */
static const uint16_t dports[GEN_PROTO_COUNT][4] = {
	[GEN_TCP] = {443, 80, 8080, 22},
	[GEN_UDP] = {53, 443, 123, 5201},
	[GEN_SCTP] = {36412, 38412, 3868, 2905},
};

/* ---- giving out attributes ---- */

struct sampler {
	uint16_t *cat; /* per flow, UNSET or given */
	const double *w;
	uint32_t n;
	uint32_t *order; /* scratch, n entries */
	struct gen_rng *r;
};

/* The unset flows in a random order; returns their total weight. */
static double shuffle_unset(struct sampler *s, uint32_t *count)
{
	uint32_t k = 0, j, t;
	double free_w = 0;

	for (uint32_t f = 0; f < s->n; f++) {
		if (s->cat[f] != UNSET)
			continue;
		s->order[k++] = f;
		free_w += s->w[f];
	}
	for (uint32_t i = k; i > 1; i--) {
		j = gen_rng_below(s->r, i);
		t = s->order[i - 1];
		s->order[i - 1] = s->order[j];
		s->order[j] = t;
	}
	*count = k;
	return free_w;
}

/* Ends of the categories on [0, free_w): what each still lacks of its
 * @target share once the flows already given are counted. */
static void category_ends(const struct sampler *s, const double *target, unsigned ncat,
			  double free_w, double *end)
{
	double lack[GEN_DEST_MAX], sum = 0, at = 0;

	memset(lack, 0, sizeof(lack));
	for (unsigned c = 0; c < ncat; c++)
		lack[c] = target[c];
	for (uint32_t f = 0; f < s->n; f++)
		if (s->cat[f] != UNSET)
			lack[s->cat[f]] -= s->w[f];
	for (unsigned c = 0; c < ncat; c++) {
		lack[c] = lack[c] > 0 ? lack[c] : 0;
		sum += lack[c];
	}
	for (unsigned c = 0; c < ncat; c++) {
		at += sum > 0 ? lack[c] / sum : target[c];
		end[c] = at * free_w;
	}
}

/* The first category whose end is past @x: one of some width. Rounding
 * may leave @x at the very end: then the last category with any width. */
static uint16_t category_at(const double *end, unsigned ncat, double x)
{
	unsigned lo = 0, hi = ncat, mid;

	while (lo < hi) {
		mid = (lo + hi) / 2;
		if (end[mid] > x)
			hi = mid;
		else
			lo = mid + 1;
	}
	if (lo < ncat)
		return (uint16_t)lo;
	for (lo = ncat - 1; lo > 0 && end[lo] <= end[lo - 1];)
		lo--;
	return (uint16_t)lo;
}

/* Give every unset flow one of @ncat categories, by the shares @target
 * (summing to 1). */
static void sample(struct sampler *s, const double *target, unsigned ncat)
{
	double end[GEN_DEST_MAX], free_w, x, at;
	uint32_t k, f;

	free_w = shuffle_unset(s, &k);
	if (k == 0)
		return;
	category_ends(s, target, ncat, free_w, end);
	at = gen_rng_unit(s->r) * free_w;
	for (uint32_t i = 0; i < k; i++) {
		f = s->order[i];
		x = fmod(at + s->w[f] / 2, free_w);
		s->cat[f] = category_at(end, ncat, x);
		at += s->w[f];
	}
}

/* ---- the attributes ---- */

static void dest_list(struct gen_flows *fl, const struct gen_spec *s)
{
	fl->ndst = 0;
	for (unsigned i = 0; i < s->ndst; i++)
		fl->dst[fl->ndst++] = &s->dst[i];
	if (s->ndst == 0)
		fl->dst[fl->ndst++] = &default_dst;
	for (unsigned c = GEN_CLASS_BCAST; c < GEN_CLASS_COUNT; c++)
		fl->dst[fl->ndst++] = &s->cls[c];
}

/* Classes take their percentages; the --dst entries share the rest by
 * their weights. */
static void dest_targets(const struct gen_flows *fl, double *t)
{
	double rest = 1, wsum = 0;

	for (unsigned d = 0; d < fl->ndst; d++) {
		if (fl->dst[d]->cls != GEN_CLASS_MAC) {
			t[d] = (double)fl->dst[d]->share / GEN_PCT_ALL;
			rest -= t[d];
		} else {
			wsum += fl->dst[d]->share;
		}
	}
	rest = rest > 0 ? rest : 0;
	for (unsigned d = 0; d < fl->ndst; d++)
		if (fl->dst[d]->cls == GEN_CLASS_MAC)
			t[d] = wsum > 0 ? rest * fl->dst[d]->share / wsum : 0;
}

/* Broadcast and multicast are datagrams: UDP, never tunnelled. */
static bool is_group(const struct gen_flows *fl, const struct gen_flow *f)
{
	uint8_t c = fl->dst[f->dst]->cls;

	return c == GEN_CLASS_BCAST || c == GEN_CLASS_MCAST;
}

static void preset_none(struct sampler *s)
{
	for (uint32_t f = 0; f < s->n; f++)
		s->cat[f] = UNSET;
}

static void preset_groups(struct sampler *s, const struct gen_flows *fl, uint16_t value)
{
	for (uint32_t f = 0; f < s->n; f++)
		s->cat[f] = is_group(fl, &fl->flow[f]) ? value : UNSET;
}

static void give_dests(struct sampler *s, struct gen_flows *fl)
{
	double t[GEN_DEST_MAX];

	dest_targets(fl, t);
	preset_none(s);
	sample(s, t, fl->ndst);
	for (uint32_t f = 0; f < s->n; f++)
		fl->flow[f].dst = s->cat[f];
}

static void give_tunnels(struct sampler *s, struct gen_flows *fl, const struct gen_spec *sp)
{
	double t[GEN_TUN_COUNT];

	t[SNIC_TUN_NONE] = 1;
	for (unsigned k = 1; k < GEN_TUN_COUNT; k++) {
		t[k] = (double)sp->tunnel[k] / GEN_PCT_ALL;
		t[SNIC_TUN_NONE] -= t[k];
	}
	preset_groups(s, fl, SNIC_TUN_NONE);
	sample(s, t, GEN_TUN_COUNT);
	for (uint32_t f = 0; f < s->n; f++)
		fl->flow[f].tunnel = (uint8_t)s->cat[f];
}

static void give_protos(struct sampler *s, struct gen_flows *fl, const struct gen_spec *sp)
{
	double t[GEN_PROTO_COUNT], sum = 0;

	for (unsigned p = 0; p < GEN_PROTO_COUNT; p++)
		sum += sp->proto_w[p];
	for (unsigned p = 0; p < GEN_PROTO_COUNT; p++)
		t[p] = sp->proto_w[p] / sum;
	preset_groups(s, fl, GEN_UDP);
	sample(s, t, GEN_PROTO_COUNT);
	for (uint32_t f = 0; f < s->n; f++)
		fl->flow[f].proto = (uint8_t)s->cat[f];
}

static void give_versions(struct sampler *s, struct gen_flows *fl, const struct gen_spec *sp)
{
	double t[2];

	t[1] = (double)sp->ipv6 / GEN_PCT_ALL;
	t[0] = 1 - t[1];
	preset_none(s);
	sample(s, t, 2);
	for (uint32_t f = 0; f < s->n; f++)
		fl->flow[f].ver = s->cat[f] ? 6 : 4;
}

/* ---- addresses ---- */

static void rand_bytes(struct gen_rng *r, uint8_t *b, size_t n)
{
	for (size_t i = 0; i < n; i++)
		b[i] = (uint8_t)gen_rng_next(r);
}

/* Sources from the benchmarking ranges (198.18.0.0/15, 2001:2::/48),
 * servers from the documentation ones (198.51.100.0/24, 203.0.113.0/24,
 * 2001:db8::/32). */
static void unicast_addrs(struct gen_flow *f, struct gen_rng *r)
{
	static const uint8_t net4[2][3] = {{198, 51, 100}, {203, 0, 113}};
	uint32_t src = gen_rng_below(r, 1u << 17);

	if (f->ver == 4) {
		f->ip_src[0] = 198;
		f->ip_src[1] = (uint8_t)(18 + (src >> 16));
		f->ip_src[2] = (uint8_t)(src >> 8);
		f->ip_src[3] = (uint8_t)src;
		memcpy(f->ip_dst, net4[gen_rng_below(r, 2)], 3);
		f->ip_dst[3] = (uint8_t)(1 + gen_rng_below(r, 254));
		return;
	}
	f->ip_src[0] = 0x20;
	f->ip_src[1] = 0x01;
	f->ip_src[3] = 0x02;
	rand_bytes(r, f->ip_src + 6, 10);
	f->ip_dst[0] = 0x20;
	f->ip_dst[1] = 0x01;
	f->ip_dst[2] = 0x0d;
	f->ip_dst[3] = 0xb8;
	rand_bytes(r, f->ip_dst + 4, 12);
}

/* A group in 239.0.0.0/8 or ff05::/16 and its MAC (01:00:5e or 33:33). */
static void multicast_addrs(struct gen_flow *f, struct gen_rng *r)
{
	if (f->ver == 4) {
		f->ip_dst[0] = 239;
		rand_bytes(r, f->ip_dst + 1, 3);
		memcpy(f->dmac, (uint8_t[3]){0x01, 0x00, 0x5e}, 3);
		f->dmac[3] = f->ip_dst[1] & 0x7f;
		memcpy(f->dmac + 4, f->ip_dst + 2, 2);
		return;
	}
	memset(f->ip_dst, 0, 16);
	f->ip_dst[0] = 0xff;
	f->ip_dst[1] = 0x05;
	rand_bytes(r, f->ip_dst + 12, 4);
	f->dmac[0] = 0x33;
	f->dmac[1] = 0x33;
	memcpy(f->dmac + 2, f->ip_dst + 12, 4);
}

/* 255.255.255.255, or all nodes (ff02::1) for IPv6, which has no broadcast. */
static void broadcast_addrs(struct gen_flow *f)
{
	memset(f->dmac, 0xff, 6);
	memset(f->ip_dst, 0, 16);
	if (f->ver == 4) {
		memset(f->ip_dst, 0xff, 4);
		return;
	}
	f->ip_dst[0] = 0xff;
	f->ip_dst[1] = 0x02;
	f->ip_dst[15] = 1;
}

static bool mac_listed(const struct gen_flows *fl, const uint8_t *mac)
{
	for (unsigned d = 0; d < fl->ndst; d++)
		if (fl->dst[d]->cls == GEN_CLASS_MAC && !memcmp(fl->dst[d]->mac, mac, 6))
			return true;
	return false;
}

/* A locally administered unicast MAC that no --dst names. */
static void unknown_mac(const struct gen_flows *fl, struct gen_flow *f, struct gen_rng *r)
{
	do {
		f->dmac[0] = 0x06;
		rand_bytes(r, f->dmac + 1, 5);
	} while (mac_listed(fl, f->dmac));
}

static void flow_addrs(const struct gen_flows *fl, struct gen_flow *f, struct gen_rng *r)
{
	const struct gen_dst *d = fl->dst[f->dst];

	unicast_addrs(f, r);
	f->smac[0] = 0x0a;
	rand_bytes(r, f->smac + 1, 5);
	if (d->cls == GEN_CLASS_MAC)
		memcpy(f->dmac, d->mac, 6);
	else if (d->cls == GEN_CLASS_BCAST)
		broadcast_addrs(f);
	else if (d->cls == GEN_CLASS_MCAST)
		multicast_addrs(f, r);
	else
		unknown_mac(fl, f, r);
}

static void flow_ports(struct gen_flow *f, struct gen_rng *r)
{
	f->sport = (uint16_t)(1024 + gen_rng_below(r, 65536 - 1024));
	f->dport = dports[f->proto][gen_rng_below(r, 4)];
	f->tun_sport = (uint16_t)(49152 + gen_rng_below(r, 16384));
	f->vtep_src = (uint8_t)gen_rng_below(r, VTEPS);
	f->vtep_dst = (uint8_t)gen_rng_below(r, VTEPS);
	if (f->tunnel == SNIC_TUN_VXLAN || f->tunnel == SNIC_TUN_GENEVE)
		f->tun_id = 1 + gen_rng_below(r, (1u << 24) - 1);
	else
		f->tun_id = 1 + gen_rng_below(r, UINT32_MAX);
	f->frag_next = GEN_FRAG_FIRST;
}

/* ---- frames ---- */

static void vtep_addr(uint8_t ver, unsigned host, uint8_t *a)
{
	memset(a, 0, 16);
	if (ver == 4) {
		memcpy(a, (uint8_t[3]){192, 0, 2}, 3);
		a[3] = (uint8_t)host;
		return;
	}
	memcpy(a, (uint8_t[6]){0x20, 0x01, 0x0d, 0xb8, 0xff, 0xff}, 6);
	a[15] = (uint8_t)host;
}

/* The outer level of a tunnel: VTEP to VTEP, UDP (or GRE). */
static void tunnel_desc(const struct gen_flow *f, struct snic_craft *c)
{
	c->tunnel = f->tunnel;
	c->tun_id = f->tun_id;
	c->outer.ip_ver = f->ver;
	vtep_addr(f->ver, 1 + f->vtep_src, c->outer.ip_src);
	vtep_addr(f->ver, 129 + f->vtep_dst, c->outer.ip_dst);
	c->outer.sport = f->tun_sport;
	if (f->tunnel == SNIC_TUN_GRE) {
		c->outer.l4_proto = 47;
		c->gre_key = 1;
	}
	if (f->tunnel != SNIC_TUN_VXLAN && f->tunnel != SNIC_TUN_GENEVE)
		return;
	memcpy(c->inner.smac, f->smac, 6);
	memcpy(c->inner.dmac, (uint8_t[3]){0x02, 0x00, 0x00}, 3);
	c->inner.dmac[3] = (uint8_t)(f->tun_id >> 16);
	c->inner.dmac[4] = (uint8_t)(f->tun_id >> 8);
	c->inner.dmac[5] = (uint8_t)f->tun_id;
}

static void frame_desc(const struct gen_flows *fl, const struct gen_flow *f, enum gen_frag frag,
		       struct snic_craft *c)
{
	const struct gen_dst *d = fl->dst[f->dst];
	struct snic_craft_hdr *h = f->tunnel ? &c->inner : &c->outer;

	memset(c, 0, sizeof(*c));
	memcpy(c->outer.dmac, f->dmac, 6);
	memcpy(c->outer.smac, f->smac, 6);
	c->outer.n_vlan = d->n_vlan;
	for (unsigned i = 0; i < d->n_vlan; i++)
		c->outer.vlan_tci[i] = d->vid[i];
	if (f->tunnel)
		tunnel_desc(f, c);
	h->ip_ver = f->ver;
	memcpy(h->ip_src, f->ip_src, 16);
	memcpy(h->ip_dst, f->ip_dst, 16);
	h->l4_proto = proto_num[f->proto];
	h->sport = f->sport;
	h->dport = f->dport;
	h->more_frags = frag == GEN_FRAG_FIRST;
	h->frag_off = frag == GEN_FRAG_LAST ? FRAG_OFF_LAST : 0;
}

int gen_flow_frame(const struct gen_flows *fl, const struct gen_flow *f, enum gen_frag frag,
		   unsigned size, uint8_t *buf, size_t cap)
{
	struct snic_craft c;
	unsigned want = size - GEN_FCS, hlen = f->hlen[frag];

	frame_desc(fl, f, frag, &c);
	(f->tunnel ? &c.inner : &c.outer)->payload_len = (uint16_t)(want > hlen ? want - hlen : 0);
	return snic_craft_frame(&c, buf, cap);
}

/* Each kind of frame's header bytes: a frame with no payload. */
static int flow_hlen(const struct gen_flows *fl, struct gen_flow *f)
{
	uint8_t buf[512];
	int len;

	for (int k = 0; k < GEN_FRAG_COUNT; k++) {
		f->hlen[k] = 0;
		len = gen_flow_frame(fl, f, (enum gen_frag)k, GEN_FCS, buf, sizeof(buf));
		if (len < 0)
			return len;
		f->hlen[k] = (uint16_t)len;
	}
	return 0;
}

/* ---- the flows ---- */

static int flows_fill(struct gen_flows *fl, struct gen_rng *r)
{
	struct gen_flow *f;
	int rc;

	for (uint32_t i = 0; i < fl->n; i++) {
		f = &fl->flow[i];
		flow_addrs(fl, f, r);
		flow_ports(f, r);
		rc = flow_hlen(fl, f);
		if (rc)
			return rc;
	}
	return 0;
}

int gen_flows_make(struct gen_flows *fl, const struct gen_spec *s, const double *weight,
		   struct gen_rng *r)
{
	struct sampler sm = {.w = weight, .n = s->flows, .r = r};
	int rc = -ENOMEM;

	fl->n = s->flows;
	fl->flow = calloc(fl->n, sizeof(*fl->flow));
	sm.cat = calloc(fl->n, sizeof(*sm.cat));
	sm.order = calloc(fl->n, sizeof(*sm.order));
	if (!fl->flow || !sm.cat || !sm.order)
		goto out;
	dest_list(fl, s);
	give_dests(&sm, fl);
	give_tunnels(&sm, fl, s);
	give_protos(&sm, fl, s);
	give_versions(&sm, fl, s);
	rc = flows_fill(fl, r);
out:
	free(sm.order);
	free(sm.cat);
	if (rc)
		gen_flows_free(fl);
	return rc;
}

void gen_flows_free(struct gen_flows *fl)
{
	free(fl->flow);
	fl->flow = NULL;
}
