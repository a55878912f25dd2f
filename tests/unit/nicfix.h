/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A NIC fixture for the data-path tests (test_rx.c, test_tx.c): a NIC of a
 * named profile with its committed snapshot and one counter set, frame
 * crafting into owned buffers, and the checks every burst must pass
 * (conservation, destinations agreeing with the per-queue counters).
 *
 * Header-only: every helper is static inline and asserts with Criterion, so
 * a failure names the test that called it.
 */
#ifndef SNIC_TESTS_NICFIX_H
#define SNIC_TESTS_NICFIX_H

#include <criterion/criterion.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "snic/craft.h"
#include "snic/ctr.h"
#include "snic/dp.h"
#include "snic/flow.h"
#include "snic/nic.h"
#include "snic/parse.h"
#include "snic/profile.h"
#include "snic/rss.h"

#define FIX_FRAMES    256   /* frames one burst may hold */
#define FIX_FRAME_MAX 10240 /* bytes of one crafted frame */
#define FIX_DESTS     4096

/* Addresses every test uses. The VF MACs are 02:00:00:00:01:<vf>. */
static const uint8_t FIX_PF_MAC[6] = {0x02, 0x00, 0x00, 0x00, 0x00, 0xfe};
static const uint8_t FIX_REMOTE_MAC[6] = {0x02, 0x00, 0x00, 0x00, 0x99, 0x01};
static const uint8_t FIX_OTHER_MAC[6] = {0x02, 0x00, 0x00, 0x00, 0x99, 0x02};
static const uint8_t FIX_BCAST[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
static const uint8_t FIX_ZERO_MAC[6];
static const uint8_t FIX_MCAST_A[6] = {0x01, 0x00, 0x5e, 0x00, 0x00, 0x0a};
static const uint8_t FIX_MCAST_B[6] = {0x01, 0x00, 0x5e, 0x00, 0x00, 0x0b};

#define FIX_WIRE_BIT (UINT64_C(1) << 63)

struct fix {
	const struct snic_profile *p;
	struct snic_nic *nic;
	struct snic_cfg *cfg;
	struct snic_ctr *ctr;
	struct snic_err err;
	/* the burst under test */
	uint8_t (*buf)[FIX_FRAME_MAX];
	struct snic_frame frames[FIX_FRAMES];
	unsigned nframes;
	struct snic_dest dests[FIX_DESTS];
	unsigned ndests;
};

#define fix_ok(f, expr)                                                                            \
	do {                                                                                       \
		int fix_rc_ = (expr);                                                              \
		cr_assert_eq(fix_rc_, 0, "%s: %d (%s)", #expr, fix_rc_, (f)->err.msg);             \
	} while (0)

static inline void fix_vf_mac(unsigned vf, uint8_t mac[6])
{
	const uint8_t m[6] = {0x02, 0x00, 0x00, 0x00, 0x01, (uint8_t)vf};

	memcpy(mac, m, 6);
}

/* A NIC of @profile with @numvfs VFs (knobs at their defaults), no commit. */
static inline struct fix *fix_new(const char *profile, unsigned numvfs)
{
	struct fix *f = calloc(1, sizeof(*f));

	cr_assert_not_null(f);
	f->buf = calloc(FIX_FRAMES, FIX_FRAME_MAX);
	cr_assert_not_null(f->buf);
	f->p = snic_profile_find(profile);
	cr_assert_not_null(f->p, "no profile %s", profile);
	fix_ok(f, snic_nic_new(f->p, FIX_PF_MAC, &f->nic, &f->err));
	if (numvfs)
		fix_ok(f, snic_nic_set_numvfs(f->nic, numvfs, &f->err));
	fix_ok(f, snic_ctr_new(f->p, &f->ctr, &f->err));
	return f;
}

/* As fix_new, and every VF given its admin MAC 02:00:00:00:01:<vf>. */
static inline struct fix *fix_new_macs(const char *profile, unsigned numvfs)
{
	struct fix *f = fix_new(profile, numvfs);
	uint8_t mac[6];

	for (unsigned vf = 0; vf < numvfs; vf++) {
		fix_vf_mac(vf, mac);
		fix_ok(f, snic_vf_set_mac(f->nic, vf, mac, &f->err));
	}
	return f;
}

/* Let VF @vf choose its MAC 02:00:00:00:01:<vf> itself (no admin MAC), as
 * a VF must before it may add MACVLAN filters untrusted. */
static inline void fix_vf_own_mac(struct fix *f, unsigned vf)
{
	uint8_t mac[6];

	fix_vf_mac(vf, mac);
	fix_ok(f, snic_vf_set_mac(f->nic, vf, FIX_ZERO_MAC, &f->err));
	fix_ok(f, snic_vf_req_mac(f->nic, vf, mac, &f->err));
}

/* Publish the NIC's state as the snapshot the bursts read. */
static inline void fix_commit(struct fix *f)
{
	struct snic_cfg *cfg = NULL;

	fix_ok(f, snic_nic_commit(f->nic, &cfg, &f->err));
	cr_assert_not_null(cfg);
	if (f->cfg)
		snic_cfg_free(f->cfg);
	f->cfg = cfg;
}

static inline void fix_free(struct fix *f)
{
	if (f->cfg)
		snic_cfg_free(f->cfg);
	if (f->nic)
		snic_nic_free(f->nic);
	snic_ctr_free(f->ctr);
	free(f->buf);
	free(f);
}

static inline unsigned fix_pf(const struct fix *f)
{
	return snic_nic_pf_vport(f->nic);
}

static inline unsigned fix_pools(const struct fix *f)
{
	return snic_nic_numvfs(f->nic) + 1;
}

/* --- frames ------------------------------------------------------------------- */

static inline void fix_clear(struct fix *f)
{
	f->nframes = 0;
	f->ndests = 0;
}

/* Craft @c as the next frame of the burst; returns its index. */
static inline unsigned fix_add(struct fix *f, const struct snic_craft *c)
{
	unsigned i = f->nframes;
	int len;

	cr_assert_lt(i, FIX_FRAMES);
	len = snic_craft_frame(c, f->buf[i], FIX_FRAME_MAX);
	cr_assert_gt(len, 0, "snic_craft_frame: %d", len);
	f->frames[i].data = f->buf[i];
	f->frames[i].len = (uint32_t)len;
	f->nframes++;
	return i;
}

/* The next frame of the burst as @len raw bytes (for runts). */
static inline unsigned fix_add_raw(struct fix *f, const uint8_t *bytes, uint32_t len)
{
	unsigned i = f->nframes;

	cr_assert_lt(i, FIX_FRAMES);
	cr_assert_leq(len, FIX_FRAME_MAX);
	memcpy(f->buf[i], bytes, len);
	f->frames[i].data = f->buf[i];
	f->frames[i].len = len;
	f->nframes++;
	return i;
}

/* An IPv4 frame @dmac <- @smac, protocol @proto (6, 17, 132) with ports. */
static inline struct snic_craft fix_l4(const uint8_t dmac[6], const uint8_t smac[6], uint8_t proto,
				       uint16_t sport, uint16_t dport)
{
	struct snic_craft c;

	memset(&c, 0, sizeof(c));
	memcpy(c.outer.dmac, dmac, 6);
	memcpy(c.outer.smac, smac, 6);
	c.outer.ip_ver = 4;
	c.outer.ip_src[0] = 10;
	c.outer.ip_src[3] = 1;
	c.outer.ip_dst[0] = 10;
	c.outer.ip_dst[3] = 2;
	c.outer.l4_proto = proto;
	c.outer.sport = sport;
	c.outer.dport = dport;
	c.outer.payload_len = 18;
	return c;
}

static inline struct snic_craft fix_udp(const uint8_t dmac[6], const uint8_t smac[6],
					uint16_t sport, uint16_t dport)
{
	return fix_l4(dmac, smac, 17, sport, dport);
}

static inline struct snic_craft fix_tcp(const uint8_t dmac[6], const uint8_t smac[6],
					uint16_t sport, uint16_t dport)
{
	return fix_l4(dmac, smac, 6, sport, dport);
}

/* Flow @i of a varied set to @dmac: TCP4, UDP4, TCP6, UDP6 in turn, with
 * addresses and ports that differ from flow to flow. */
static inline struct snic_craft fix_flow(unsigned i, const uint8_t dmac[6])
{
	struct snic_craft c = fix_l4(dmac, FIX_REMOTE_MAC, (i & 1) ? 17 : 6,
				     (uint16_t)(1024 + 7 * i), (uint16_t)(80 + (i % 13)));

	if (i & 2) {
		memset(c.outer.ip_src, 0, 16);
		memset(c.outer.ip_dst, 0, 16);
		c.outer.ip_ver = 6;
		c.outer.ip_src[0] = 0x20;
		c.outer.ip_src[1] = 0x01;
		c.outer.ip_src[15] = (uint8_t)i;
		c.outer.ip_dst[0] = 0x20;
		c.outer.ip_dst[1] = 0x01;
		c.outer.ip_dst[14] = (uint8_t)(i >> 3);
		c.outer.ip_dst[15] = 2;
	} else {
		c.outer.ip_src[2] = (uint8_t)(i >> 2);
		c.outer.ip_src[3] = (uint8_t)(i * 5);
	}
	return c;
}

/* Tag the outer header once with @tci under @tpid (0 = 802.1Q). */
static inline struct snic_craft fix_tagged(struct snic_craft c, uint16_t tpid, uint16_t tci)
{
	c.outer.n_vlan = 1;
	c.outer.vlan_tpid[0] = tpid ? tpid : SNIC_VLAN_PROTO_8021Q;
	c.outer.vlan_tci[0] = tci;
	return c;
}

/* --- bursts ------------------------------------------------------------------- */

/* Conservation of the wire's receive direction and of every vport's
 * transmit: in == delivered + dropped. */
static inline void fix_conserved(const struct fix *f)
{
	const struct snic_ctr *c = f->ctr;

	cr_assert_eq(c->rx.in, c->rx.delivered + snic_dirctr_dropped(&c->rx),
		     "rx: in %lu != delivered %lu + dropped %lu", (unsigned long)c->rx.in,
		     (unsigned long)c->rx.delivered, (unsigned long)snic_dirctr_dropped(&c->rx));
	for (unsigned v = 0; v < c->nvports; v++) {
		const struct snic_dirctr *t = &c->vport[v].tx;

		cr_assert_eq(t->in, t->delivered + snic_dirctr_dropped(t),
			     "vport %u tx: in %lu != delivered %lu + dropped %lu", v,
			     (unsigned long)t->in, (unsigned long)t->delivered,
			     (unsigned long)snic_dirctr_dropped(t));
	}
}

static inline uint64_t fix_queue_frames(const struct fix *f)
{
	uint64_t sum = 0;

	for (unsigned i = 0; i < (unsigned)f->ctr->nvports * f->ctr->nqueues; i++)
		sum += f->ctr->queue[i].frames;
	return sum;
}

/* Structural checks of the destinations just written: frame order, vports
 * and queues that exist, one copy per vport and frame. */
static inline void fix_check_dests(const struct fix *f)
{
	for (unsigned i = 0; i < f->ndests; i++) {
		const struct snic_dest *d = &f->dests[i];

		cr_assert_lt(d->frame, f->nframes, "dest %u: frame %u", i, d->frame);
		if (i)
			cr_assert_geq(d->frame, f->dests[i - 1].frame, "dests out of frame order");
		if (d->vport == SNIC_VPORT_WIRE) {
			cr_assert_eq(d->queue, 0, "dest %u: wire queue %u", i, d->queue);
		} else {
			cr_assert_lt(d->vport, fix_pools(f), "dest %u: vport %u", i, d->vport);
			cr_assert_lt(d->queue, snic_nic_vport_queues(f->nic, d->vport),
				     "dest %u: vport %u queue %u", i, d->vport, d->queue);
		}
		for (unsigned j = 0; j < i; j++)
			cr_assert(f->dests[j].frame != d->frame || f->dests[j].vport != d->vport,
				  "frame %u delivered twice to vport %u", d->frame, d->vport);
	}
}

/* Receive the burst from the wire with a fresh counter set. */
static inline unsigned fix_rx_cap(struct fix *f, unsigned cap)
{
	cr_assert_leq(cap, FIX_DESTS);
	snic_ctr_reset(f->ctr);
	f->ndests = snic_rx(f->cfg, f->ctr, f->frames, f->nframes, f->dests, cap);
	cr_assert_leq(f->ndests, cap);
	cr_assert_eq(f->ctr->rx.in, f->nframes);
	fix_check_dests(f);
	fix_conserved(f);
	cr_assert_eq(fix_queue_frames(f), f->ndests, "queue counters %lu != %u destinations",
		     (unsigned long)fix_queue_frames(f), f->ndests);
	return f->ndests;
}

static inline unsigned fix_rx(struct fix *f)
{
	return fix_rx_cap(f, FIX_DESTS);
}

/* Transmit the burst from @vport at @now_ns. The counters are not reset, so
 * that the rate limiter's state carries over; call snic_ctr_reset first
 * where a test wants fresh counters. */
static inline unsigned fix_tx_at(struct fix *f, unsigned vport, uint64_t now_ns, unsigned cap)
{
	uint64_t in = f->ctr->vport[vport].tx.in;

	cr_assert_leq(cap, FIX_DESTS);
	f->ndests = snic_tx(f->cfg, f->ctr, vport, f->frames, f->nframes, now_ns, f->dests, cap);
	cr_assert_leq(f->ndests, cap);
	cr_assert_eq(f->ctr->vport[vport].tx.in, in + f->nframes);
	fix_check_dests(f);
	fix_conserved(f);
	return f->ndests;
}

/* One burst from @vport with fresh counters; checks that every destination
 * is counted: pools on their queues as loopback, the wire in tx_wire. */
static inline unsigned fix_tx(struct fix *f, unsigned vport)
{
	uint64_t wire = 0, local = 0, loop = 0;

	snic_ctr_reset(f->ctr);
	fix_tx_at(f, vport, 1000000000ull, FIX_DESTS);
	for (unsigned i = 0; i < f->ndests; i++) {
		if (f->dests[i].vport == SNIC_VPORT_WIRE)
			wire++;
		else
			local++;
	}
	for (unsigned i = 0; i < (unsigned)f->ctr->nvports * f->ctr->nqueues; i++)
		loop += f->ctr->queue[i].loopback;
	cr_assert_eq(f->ctr->vport[vport].tx_wire, wire, "tx_wire %lu != %lu wire destinations",
		     (unsigned long)f->ctr->vport[vport].tx_wire, (unsigned long)wire);
	cr_assert_eq(fix_queue_frames(f), local, "queue counters %lu != %lu local destinations",
		     (unsigned long)fix_queue_frames(f), (unsigned long)local);
	cr_assert_eq(loop, local, "loopback %lu != %lu local destinations", (unsigned long)loop,
		     (unsigned long)local);
	cr_assert_eq(f->ctr->rx.in, 0, "hairpin counted as received from the wire");
	return f->ndests;
}

/* --- reading the destinations -------------------------------------------------------- */

/* Vports that frame @frame went to: bit v for pool v, FIX_WIRE_BIT for the wire. */
static inline uint64_t fix_set(const struct fix *f, unsigned frame)
{
	uint64_t set = 0;

	for (unsigned i = 0; i < f->ndests; i++) {
		const struct snic_dest *d = &f->dests[i];

		if (d->frame != frame)
			continue;
		if (d->vport == SNIC_VPORT_WIRE) {
			set |= FIX_WIRE_BIT;
		} else {
			cr_assert_lt(d->vport, 63);
			set |= UINT64_C(1) << d->vport;
		}
	}
	return set;
}

#define fix_bit(v) (UINT64_C(1) << (v))

static inline uint64_t fix_all_pools(const struct fix *f)
{
	return fix_pools(f) >= 64 ? ~FIX_WIRE_BIT : (UINT64_C(1) << fix_pools(f)) - 1;
}

/* The destination of @frame on @vport; fails when there is none. */
static inline const struct snic_dest *fix_dest(const struct fix *f, unsigned frame, unsigned vport)
{
	for (unsigned i = 0; i < f->ndests; i++)
		if (f->dests[i].frame == frame && f->dests[i].vport == vport)
			return &f->dests[i];
	cr_assert_fail("frame %u has no destination on vport %u", frame, vport);
	return NULL;
}

static inline uint64_t fix_rx_drop(const struct fix *f, enum snic_drop d)
{
	return f->ctr->rx.drop[d];
}

/* Exactly one frame was received and it was dropped for @d. */
static inline void fix_rx_dropped_for(const struct fix *f, enum snic_drop d)
{
	cr_assert_eq(f->ndests, 0, "dropped frame has %u destinations", f->ndests);
	cr_assert_eq(f->ctr->rx.delivered, 0);
	cr_assert_eq(f->ctr->rx.drop[d], f->ctr->rx.in, "expected drop %s: %lu of %lu",
		     snic_drop_name(d), (unsigned long)f->ctr->rx.drop[d],
		     (unsigned long)f->ctr->rx.in);
}

/* --- RSS, computed apart from the data path ------------------------------------------ */

/* The RSS conf that spreads @vport's frames (the shared one on 82599). */
static inline void fix_rss_conf(struct fix *f, unsigned vport, struct snic_rss_conf *c)
{
	unsigned from = f->p->rss_per_pool ? vport : fix_pf(f);

	fix_ok(f, snic_nic_rss_get(f->nic, from, c, &f->err));
}

/*
 * The pool queue a RETA entry names. With a RETA per pool the entry is the
 * queue; the one RETA that 82599 shares names queues of a pool of the
 * largest size, which a pool of fewer queues takes by their low bits.
 */
static inline unsigned fix_entry_queue(const struct fix *f, unsigned vport, unsigned entry)
{
	if (f->p->rss_per_pool)
		return entry;
	return entry % snic_nic_vport_queues(f->nic, vport);
}

/* Hash and queue that RSS gives @frame on @vport under conf @c; *idx gets
 * the RETA index. */
static inline unsigned fix_rss_expect(struct fix *f, unsigned vport, const struct snic_rss_conf *c,
				      unsigned frame, uint32_t *hash, unsigned *idx)
{
	struct snic_pkt pkt;

	snic_parse(f->frames[frame].data, f->frames[frame].len, &pkt);
	*hash = snic_rss_hash_ref(c, &pkt);
	*idx = snic_reta_index(c, *hash);
	return fix_entry_queue(f, vport, c->reta[*idx]);
}

/* A key that is not the default: byte i is @seed + 37 i. */
static inline void fix_key(struct snic_rss_conf *c, uint8_t seed)
{
	for (unsigned i = 0; i < c->key_len; i++)
		c->key[i] = (uint8_t)(seed + 37 * i);
}

/* The slot (rule_hits index) of rule @id. */
static inline unsigned fix_rule_slot(struct fix *f, int id)
{
	struct snic_flow_info info[64];
	int n = snic_flow_list(f->nic, info, 64);

	cr_assert_geq(n, 0);
	for (int i = 0; i < n && i < 64; i++)
		if (info[i].id == (uint32_t)id)
			return info[i].slot;
	cr_assert_fail("rule %d is not listed", id);
	return 0;
}

#endif
