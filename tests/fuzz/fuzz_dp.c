/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer target for the data path: a NIC configured from the first
 * bytes of the input (profile, VFs, VF knobs, mailbox requests, PF filters,
 * RSS, flow rules, links), then the rest cut into bursts of frames that go
 * through snic_rx and snic_tx.
 *
 * Aborts when a frame is not accounted exactly once (in == delivered +
 * dropped, on receive and on every vport's transmit), when a destination
 * names a vport or queue the NIC does not have, a frame outside the burst,
 * breaks frame order or goes back to its sender, when more destinations
 * are written than there was room for, or when the counters disagree with
 * the destinations written.
 *
 * So that short inputs reach deep, values come mostly from small tables
 * that configuration and frames share (MACs the configuration set, VLANs,
 * addresses, ports, tunnel ids), and a frame is either raw bytes or a
 * compact description given to snic_craft_frame.
 *
 * Input layout (every read past the end gives zeros):
 *	profile, VF count (high bit: give every VF a MAC), operation count,
 *	operations (an opcode and the bytes it needs), then bursts: direction
 *	and size, source vport, destination room, time step, and per frame a
 *	selector byte. Selector below 0x80: a raw frame follows, a length
 *	byte (below 16: that many bytes, else four times it) and the bytes,
 *	zero-padded when the input ends first, its dmac replaced by a
 *	configured MAC for most selectors. Selector 0x80 and above: eight
 *	bytes describe a crafted frame.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "snic/craft.h"
#include "snic/ctr.h"
#include "snic/dp.h"
#include "snic/flow.h"
#include "snic/nic.h"
#include "snic/profile.h"
#include "snic/rss.h"

#define FZ_OPS_MAX   24
#define FZ_BURST_MAX 32
#define FZ_MACS_MAX  80
#define FZ_FRAME_MAX 10240

#define CHECK(cond)                                                                                \
	do {                                                                                       \
		if (!(cond)) {                                                                     \
			fprintf(stderr, "fuzz_dp: %s:%d: check failed: %s\n", __FILE__, __LINE__,  \
				#cond);                                                            \
			abort();                                                                   \
		}                                                                                  \
	} while (0)

/* ---- reading the input ---- */

struct rd {
	const uint8_t *p;
	size_t n;
};

static uint8_t rd8(struct rd *r)
{
	if (!r->n)
		return 0;
	r->n--;
	return *r->p++;
}

static uint16_t rd16(struct rd *r)
{
	uint16_t v = rd8(r);

	return (uint16_t)(v << 8 | rd8(r));
}

/* ---- the tables configuration and frames share ---- */

static const uint16_t vids[8] = {0, 1, 100, 200, 4095, 7, 100, 3000};
static const uint8_t ip4s[4][4] = {{10, 0, 0, 1}, {10, 0, 0, 2}, {192, 168, 1, 1}, {0, 0, 0, 0}};
static const uint8_t ip6s[2][16] = {{0xfd, [15] = 1}, {0xfd, [15] = 2}};
static const uint16_t ports[8] = {80, 443, 53, 4789, 2152, 6081, 1234, 0};
static const uint32_t tun_ids[4] = {0x100, 0x200, 7, 0};
static const uint16_t ethertypes[4] = {0x0800, 0x86dd, 0x0806, 0x88cc};

/* MACs the configuration used, so frames can be aimed at pools. */
struct fz_macs {
	unsigned n;
	uint8_t mac[FZ_MACS_MAX][6];
};

static void macs_add(struct fz_macs *m, const uint8_t mac[6])
{
	if (m->n < FZ_MACS_MAX)
		memcpy(m->mac[m->n++], mac, 6);
}

/* A MAC from one byte: a fresh unicast one, a known one, a group, or
 * broadcast. */
static void op_mac(struct rd *r, const struct fz_macs *macs, uint8_t mac[6])
{
	uint8_t b = rd8(r);

	if (b < 128 && macs->n && b % 2) {
		memcpy(mac, macs->mac[(b >> 1) % macs->n], 6);
		return;
	}
	memcpy(mac, "\x02\x00\x00\x00\x01", 5);
	mac[5] = b;
	if (b >= 240)
		memset(mac, 0xff, 6);
	else if (b >= 200)
		mac[0] = 0x01;
}

/* ---- configuration ---- */

/* An RSS conf: the vport's current one (or the default), changed a little. */
static void op_rss(struct snic_nic *nic, const struct snic_profile *p, struct rd *r, bool ctx)
{
	struct snic_rss_conf c;
	unsigned vport = rd8(r) % (snic_nic_pf_vport(nic) + 1);
	unsigned nq = snic_nic_vport_queues(nic, vport);
	uint8_t hf = rd8(r), fmask = rd8(r), mul = rd8(r);

	if (snic_nic_rss_get(nic, vport, &c, NULL))
		snic_profile_rss_default(p, nq ? nq : 1, &c);
	if (hf & 0x80)
		c.hfunc = hf % SNIC_HFUNC_COUNT;
	if (fmask & 0x80)
		for (unsigned ft = 0; ft < SNIC_FT_COUNT; ft++)
			c.fields[ft] &= (uint8_t)(fmask << 1);
	c.flags = (hf >> 4) & 3;
	for (unsigned i = 0; i < c.reta_size; i++)
		c.reta[i] = (uint16_t)((i * (mul | 1u) + (mul >> 4)) % (c.nqueues ? c.nqueues : 1));
	c.key[0] ^= (uint8_t)(fmask & 0x7f);
	if (ctx)
		snic_nic_rss_ctx_new(nic, vport, &c, NULL);
	else
		snic_nic_rss_set(nic, vport, &c, NULL);
}

/* One criterion of a rule from one byte: what (low bits) and which value
 * of the tables (high bits). */
static void rule_criterion(struct snic_flow_rule *f, uint8_t b, const struct fz_macs *macs)
{
	unsigned v = b >> 4;

	switch (b & 15) {
	case 0:
		f->match |= SNIC_FM_DMAC;
		if (macs->n)
			memcpy(f->dmac, macs->mac[v % macs->n], 6);
		memset(f->dmac_mask, 0xff, v & 8 ? 3 : 6);
		break;
	case 1:
		f->match |= SNIC_FM_ETHERTYPE;
		f->ethertype = ethertypes[v % 4];
		break;
	case 2:
		f->match |= SNIC_FM_VLAN;
		f->vlan_tci = vids[v % 8];
		f->vlan_mask = v & 8 ? 0xe000 : 0x0fff;
		break;
	case 3:
		f->match |= SNIC_FM_IP_VER;
		f->ip_ver = v & 1 ? 6 : 4;
		break;
	case 4:
	case 5:
		f->match |= (b & 15) == 4 ? SNIC_FM_IP_SRC : SNIC_FM_IP_DST;
		f->ip_ver = v & 8 ? 6 : 4;
		memcpy((b & 15) == 4 ? f->ip_src : f->ip_dst, v & 8 ? ip6s[v & 1] : ip4s[v & 3],
		       v & 8 ? 16 : 4);
		*((b & 15) == 4 ? &f->src_plen : &f->dst_plen) =
			(uint8_t)((v & 8 ? 128 : 32) - (v & 4 ? 8 : 0));
		break;
	case 6:
		f->match |= SNIC_FM_L4_PROTO;
		f->l4_proto = (const uint8_t[]){6, 17, 132, 47}[v % 4];
		break;
	case 7:
	case 8:
		f->match |= ((b & 15) == 7 ? SNIC_FM_SPORT : SNIC_FM_DPORT) | SNIC_FM_L4_PROTO;
		if (f->l4_proto != 6 && f->l4_proto != 132)
			f->l4_proto = 17;
		f->sport = f->dport = ports[v % 8];
		f->sport_mask = f->dport_mask = v & 8 ? 0xff00 : 0xffff;
		break;
	case 9:
		f->match |= SNIC_FM_VNI;
		f->vni = tun_ids[v % 4];
		break;
	case 10:
		f->match |= SNIC_FM_TEID;
		f->teid = tun_ids[v % 4];
		break;
	default:
		f->match |= 1u << (b & 15); /* unknown bits: refused */
		break;
	}
}

static void op_flow(struct snic_nic *nic, struct rd *r, const struct fz_macs *macs)
{
	struct snic_flow_rule f;
	uint8_t act;

	memset(&f, 0, sizeof(f));
	f.vport = (uint16_t)(rd8(r) % (snic_nic_pf_vport(nic) + 1));
	act = rd8(r);
	f.action = act % 4;
	f.priority = (act >> 2) % 4;
	f.flags = (act >> 4) & SNIC_FLOW_F_MARK;
	f.queue = rd8(r) % 9;
	f.rss_ctx = (act >> 5) % 4;
	f.mark = 0x1000u + (act >> 5);
	rule_criterion(&f, rd8(r), macs);
	if (act & 0x80)
		rule_criterion(&f, rd8(r), macs);
	snic_flow_create(nic, &f, NULL);
}

/* A multicast list of up to 4 groups, from the table or made up. */
static unsigned op_mc(struct rd *r, const struct fz_macs *macs, uint8_t mcs[4][6])
{
	unsigned n = rd8(r) % 5;

	for (unsigned i = 0; i < n; i++) {
		uint8_t b = rd8(r);

		memcpy(mcs[i], "\x01\x00\x5e\x00\x00", 5);
		mcs[i][5] = b & 7;
		if (b & 0x80 && macs->n && (macs->mac[b % macs->n][0] & 1))
			memcpy(mcs[i], macs->mac[b % macs->n], 6);
	}
	return n;
}

static void op_vf(struct snic_nic *nic, unsigned code, unsigned vf, struct rd *r,
		  struct fz_macs *macs)
{
	uint8_t mac[6], mcs[4][6], b;
	unsigned n;

	switch (code) {
	case 0:
		op_mac(r, macs, mac);
		if (!snic_vf_set_mac(nic, vf, mac, NULL))
			macs_add(macs, mac);
		break;
	case 1:
		b = rd8(r);
		snic_vf_set_vlan(nic, vf, b & 0x80 ? 0 : vids[b % 8], (b >> 3) % 9,
				 b & 0x40 ? SNIC_VLAN_PROTO_8021AD : SNIC_VLAN_PROTO_8021Q, NULL);
		break;
	case 2:
		snic_vf_set_spoofchk(nic, vf, rd8(r) & 1, NULL);
		break;
	case 3:
		snic_vf_set_trust(nic, vf, rd8(r) & 1, NULL);
		break;
	case 4:
		snic_vf_set_link_state(nic, vf, (enum snic_link_state)(rd8(r) % 4), NULL);
		break;
	case 5:
		b = rd8(r);
		snic_vf_set_rate(nic, vf, b & 0x80 ? 5 : 0, (b & 0x7f) * 3u, NULL);
		break;
	case 6:
		snic_vf_set_query_rss(nic, vf, rd8(r) & 1, NULL);
		break;
	case 7:
		op_mac(r, macs, mac);
		if (!snic_vf_req_mac(nic, vf, mac, NULL))
			macs_add(macs, mac);
		break;
	case 8:
		n = op_mc(r, macs, mcs);
		if (!snic_vf_req_mc(nic, vf, (const uint8_t(*)[6])mcs, n, NULL))
			for (unsigned i = 0; i < n; i++)
				macs_add(macs, mcs[i]);
		break;
	case 9:
		b = rd8(r);
		snic_vf_req_vlan(nic, vf, vids[b % 8], b & 0x80, NULL);
		break;
	case 10:
		op_mac(r, macs, mac);
		if (!snic_vf_req_macvlan(nic, vf, mac, !(mac[5] & 0x40), NULL))
			macs_add(macs, mac);
		break;
	case 11:
		snic_vf_req_rxmode(nic, vf, (enum snic_rxmode)(rd8(r) % 5), NULL);
		break;
	case 12:
		snic_nic_vf_assign(nic, vf, rd8(r) & 1, NULL);
		break;
	}
}

/* One configuration operation; failures are part of the game. */
static void apply_op(struct snic_nic *nic, const struct snic_profile *p, struct rd *r,
		     struct fz_macs *macs)
{
	uint8_t code = rd8(r), mac[6], mcs[4][6], b;
	unsigned nvf = snic_nic_numvfs(nic), n;

	if (code % 24 < 13) {
		op_vf(nic, code % 24, (code >> 5) % (nvf ? nvf : 1), r, macs);
		return;
	}
	switch (code % 24) {
	case 13:
		op_mac(r, macs, mac);
		if (!snic_pf_set_mac(nic, mac, NULL))
			macs_add(macs, mac);
		break;
	case 14:
		snic_pf_set_rxmode(nic, (enum snic_rxmode)(rd8(r) % 5), NULL);
		break;
	case 15:
		n = op_mc(r, macs, mcs);
		if (!snic_pf_set_mc(nic, (const uint8_t(*)[6])mcs, n, NULL))
			for (unsigned i = 0; i < n; i++)
				macs_add(macs, mcs[i]);
		break;
	case 16:
		b = rd8(r);
		snic_pf_set_vlan(nic, vids[b % 8], b & 0x80, NULL);
		break;
	case 17:
		snic_nic_set_max_frame(nic, 60 + rd16(r) % 9800, NULL);
		break;
	case 18:
		snic_nic_set_link(nic, rd8(r) % 4 != 0, NULL);
		break;
	case 19:
		op_rss(nic, p, r, false);
		break;
	case 20:
		op_rss(nic, p, r, true);
		break;
	case 21:
	case 22:
		op_flow(nic, r, macs);
		break;
	case 23:
		b = rd8(r);
		if (b & 0x80)
			snic_nic_rss_ctx_del(nic, b % 4, NULL);
		else
			snic_flow_destroy(nic, b % 16, NULL);
		break;
	}
}

/* ---- frames ---- */

/* One level of a crafted frame from two bytes. */
static void craft_level(struct snic_craft_hdr *h, uint8_t a, uint8_t b, bool tunnel_outer)
{
	unsigned ver = a % 4;

	h->ip_ver = (uint8_t)(ver == 3 ? 0 : ver == 2 ? 6 : 4);
	if (tunnel_outer && !h->ip_ver)
		h->ip_ver = 4;
	if (!h->ip_ver)
		h->ethertype = ethertypes[2 + (a >> 2) % 2];
	if (h->ip_ver == 6) {
		memcpy(h->ip_src, ip6s[(a >> 2) & 1], 16);
		memcpy(h->ip_dst, ip6s[(a >> 3) & 1], 16);
	} else {
		memcpy(h->ip_src, ip4s[(a >> 2) & 3], 4);
		memcpy(h->ip_dst, ip4s[(a >> 4) & 3], 4);
	}
	h->l4_proto = (const uint8_t[]){6, 17, 132, 47}[(a >> 6) & 3];
	h->sport = ports[b & 7];
	h->dport = ports[(b >> 3) & 7];
	if (!tunnel_outer && (b & 0xc0) == 0xc0) {
		h->frag_off = (uint16_t)(b & 1);
		h->more_frags = 1;
	}
}

/* Eight bytes into a frame through snic_craft_frame; its length, or 0. */
static unsigned craft(struct rd *r, const struct fz_macs *macs, const uint8_t *smac, uint8_t *buf)
{
	uint8_t d[8];
	struct snic_craft c;
	int len;

	for (unsigned i = 0; i < 8; i++)
		d[i] = rd8(r);
	memset(&c, 0, sizeof(c));
	if (d[0] >= 0xf0 || !macs->n)
		memset(c.outer.dmac, 0xff, 6);
	else
		memcpy(c.outer.dmac, macs->mac[d[0] % macs->n], 6);
	memcpy(c.outer.smac, smac, 6);
	if (d[0] & 0x80)
		c.outer.smac[5] ^= d[0];
	c.outer.n_vlan = d[1] % 3;
	for (unsigned i = 0; i < c.outer.n_vlan; i++) {
		c.outer.vlan_tci[i] =
			(uint16_t)(vids[(d[1] >> 2) % 8] | (d[1] & 0x20 ? 0x2000 : 0));
		c.outer.vlan_tpid[i] = d[1] & 0x80 ? SNIC_VLAN_PROTO_8021AD : 0;
	}
	c.tunnel = (uint8_t)(d[4] % 8 < 4 ? d[4] % 8 + 1 : 0);
	craft_level(&c.outer, d[2], d[3], c.tunnel);
	c.outer.payload_len = (uint16_t)(d[6] * 8u + (d[6] >= 0xf0 ? 8000u : 0u));
	if (c.tunnel) {
		c.outer.l4_proto = c.tunnel == SNIC_TUN_GRE ? 47 : 17;
		c.outer.dport = 0;
		c.tun_id = tun_ids[(d[4] >> 3) % 4];
		c.gre_key = (d[4] >> 5) & 1;
		c.inner_l2 = (d[4] >> 6) & 1;
		memcpy(c.inner.dmac, smac, 6);
		memcpy(c.inner.smac, smac, 6);
		craft_level(&c.inner, d[5], d[7], false);
		if (c.tunnel == SNIC_TUN_GTPU && !c.inner.ip_ver)
			c.inner.ip_ver = 4;
	}
	len = snic_craft_frame(&c, buf, FZ_FRAME_MAX);
	return len > 0 ? (unsigned)len : 0;
}

/* A raw frame: a length byte and the bytes. */
static unsigned raw(struct rd *r, uint8_t sel, const struct fz_macs *macs, uint8_t *buf)
{
	uint8_t lb = rd8(r);
	unsigned len = lb < 16 ? lb : 4u * lb;
	unsigned have = len < r->n ? len : (unsigned)r->n;

	memcpy(buf, r->p, have);
	memset(buf + have, 0, len - have);
	r->p += have;
	r->n -= have;
	if (sel < 0x60 && macs->n && len >= 6)
		memcpy(buf, macs->mac[sel % macs->n], 6);
	else if (sel >= 0x78 && len >= 6)
		memset(buf, 0xff, 6);
	return len;
}

/* ---- checks ---- */

/* Destinations of one burst: where they point. */
static void check_dests(const struct snic_nic *nic, const struct snic_dest *d, unsigned n,
			unsigned nframes, bool tx, unsigned src)
{
	unsigned npools = snic_nic_pf_vport(nic) + 1;

	for (unsigned i = 0; i < n; i++) {
		CHECK(d[i].frame < nframes);
		CHECK(!i || d[i].frame >= d[i - 1].frame);
		CHECK(d[i].vlan_action <= SNIC_VLAN_PUSH);
		if (d[i].vport == SNIC_VPORT_WIRE) {
			CHECK(tx);
			CHECK(d[i].queue == 0);
			continue;
		}
		CHECK(d[i].vport < npools);
		CHECK(d[i].queue < snic_nic_vport_queues(nic, d[i].vport));
		/* never back to the sender */
		CHECK(!tx || d[i].vport != src);
	}
}

/* How many frames of a burst got at least one destination. */
static unsigned frames_with_dests(const struct snic_dest *d, unsigned n)
{
	unsigned k = 0;

	for (unsigned i = 0; i < n; i++)
		k += !i || d[i].frame != d[i - 1].frame;
	return k;
}

static uint64_t queue_frames(const struct snic_ctr *c)
{
	uint64_t s = 0;

	for (unsigned i = 0; i < (unsigned)c->nvports * c->nqueues; i++)
		s += c->queue[i].frames;
	return s;
}

static void check_conservation(const struct snic_ctr *c)
{
	CHECK(c->rx.in == c->rx.delivered + snic_dirctr_dropped(&c->rx));
	for (unsigned v = 0; v < c->nvports; v++) {
		const struct snic_dirctr *t = &c->vport[v].tx;

		CHECK(t->in == t->delivered + snic_dirctr_dropped(t));
	}
}

/* ---- the run ---- */

struct fz_run {
	const struct snic_nic *nic;
	const struct snic_cfg *cfg;
	struct snic_ctr *ctr;
	const struct fz_macs *macs;
	struct snic_dest *dests;
	uint64_t now;
};

static void run_burst(struct fz_run *z, struct rd *r)
{
	static uint8_t buf[FZ_BURST_MAX][FZ_FRAME_MAX];
	struct snic_frame fr[FZ_BURST_MAX];
	unsigned npools = snic_nic_pf_vport(z->nic) + 1;
	uint8_t dir = rd8(r), room;
	unsigned nf = (dir & 0x1f) % FZ_BURST_MAX + 1, src = rd8(r) % npools, nd, i, cap;
	struct snic_dirctr *side = dir & 0x80 ? &z->ctr->vport[src].tx : &z->ctr->rx;
	uint64_t before_q = queue_frames(z->ctr), before_in = side->in, before_dl = side->delivered;
	uint64_t local = 0;
	uint8_t smac[6];
	struct snic_vf_info vi;

	room = rd8(r);
	z->now += (uint64_t)rd8(r) * 4000;
	memcpy(smac, "\x02\x00\x00\x00\x00\x01", 6);
	if (src < npools - 1 && !snic_vf_get(z->nic, src, &vi, NULL))
		memcpy(smac, vi.mac, 6);
	for (i = 0; i < nf && r->n; i++) {
		uint8_t sel = rd8(r);

		fr[i].len =
			sel & 0x80 ? craft(r, z->macs, smac, buf[i]) : raw(r, sel, z->macs, buf[i]);
		fr[i].data = buf[i];
	}
	nf = i;
	/* mostly room for every copy; sometimes too little */
	cap = room < 224 ? nf * (npools + 1) : room % (2 * nf + 1);
	if (dir & 0x80)
		nd = snic_tx(z->cfg, z->ctr, src, fr, nf, z->now, z->dests, cap);
	else
		nd = snic_rx(z->cfg, z->ctr, fr, nf, z->dests, cap);
	CHECK(nd <= cap);
	CHECK(side->in == before_in + nf);
	check_dests(z->nic, z->dests, nd, nf, dir & 0x80, src);
	CHECK(side->delivered - before_dl == frames_with_dests(z->dests, nd));
	for (i = 0; i < nd; i++)
		local += z->dests[i].vport != SNIC_VPORT_WIRE;
	CHECK(queue_frames(z->ctr) - before_q == local);
	check_conservation(z->ctr);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint8_t pf_mac[6] = {0x02, 0x00, 0x00, 0x00, 0x00, 0x01};
	static struct fz_macs macs;
	struct rd r = {data, size};
	const struct snic_profile *const *profs;
	const struct snic_profile *p;
	struct snic_nic *nic = NULL;
	struct snic_cfg *cfg = NULL;
	struct snic_ctr *ctr = NULL;
	struct fz_run z;
	size_t nprof;
	uint8_t b;
	unsigned nops;

	profs = snic_profiles(&nprof);
	if (!nprof)
		return 0;
	p = profs[rd8(&r) % nprof];
	if (snic_nic_new(p, pf_mac, &nic, NULL))
		abort();
	macs.n = 0;
	macs_add(&macs, pf_mac);
	b = rd8(&r);
	if (p->max_vfs)
		snic_nic_set_numvfs(nic, (b & 0x7f) % (p->max_vfs + 1u), NULL);
	for (unsigned vf = 0; (b & 0x80) && vf < snic_nic_numvfs(nic); vf++) {
		uint8_t mac[6] = {0x02, 0, 0, 0, (uint8_t)(vf >> 8), (uint8_t)vf};

		if (!snic_vf_set_mac(nic, vf, mac, NULL))
			macs_add(&macs, mac);
	}
	nops = rd8(&r) % (FZ_OPS_MAX + 1);
	for (unsigned i = 0; i < nops; i++)
		apply_op(nic, p, &r, &macs);
	if (snic_nic_commit(nic, &cfg, NULL) || snic_ctr_new(p, &ctr, NULL))
		abort();
	z = (struct fz_run){nic, cfg, ctr, &macs, NULL, 0};
	z.dests = calloc((size_t)FZ_BURST_MAX * (p->max_pools + 1u), sizeof(*z.dests));
	if (!z.dests)
		abort();
	while (r.n)
		run_burst(&z, &r);
	free(z.dests);
	snic_ctr_free(ctr);
	snic_cfg_free(cfg);
	snic_nic_free(nic);
	return 0;
}
