/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The real NIC against the naive reference model (refmodel.c), on random
 * configurations and random frames.
 *
 * Each round picks a profile with VFs, a PF MAC and a VF count, then runs
 * epochs: a batch of random configuration operations (VF knobs, mailbox
 * requests, PF filters, RSS confs and contexts, flow rules, links, the
 * steering plugin), each applied to the snic_nic first and, when it
 * succeeds, to the model; a commit; then bursts of random frames from the
 * wire and from random vports, through snic_rx/snic_tx and rm_rx/rm_tx.
 * After every operation the VF's `ip link show` view (snic_vf_get) must
 * agree with the model's, and where the spec fixes an outcome (mailbox
 * refusals, numvfs changes, rule and context ids) so must the return value.
 * After every burst the destinations must agree field by field, every
 * counter must agree (rate limiter state included), and both must conserve
 * frames.
 *
 * Frames are crafted with addresses, VLANs, ports and tunnel ids drawn
 * mostly from what the configuration uses, so that they hit pools and
 * rules; some are broadcast, multicast, unknown unicast, oversize,
 * truncated or garbage.
 *
 * SNIC_MODEL_SEED sets the seed and SNIC_MODEL_ROUND the first round (both
 * printed on failure, with the last operations and the first difference);
 * SNIC_MODEL_FRAMES the number of frames (default 100000).
 */
#include <criterion/criterion.h>
#include <dlfcn.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "snic/craft.h"
#include "snic/ctr.h"
#include "snic/dp.h"
#include "snic/nic.h"
#include "snic/parse.h"
#include "snic/plugin.h"
#include "snic/profile.h"
#include "snic/rss.h"

#include "refmodel.h"

#define DEFAULT_SEED   0x5eed5a1cull
#define DEFAULT_FRAMES 100000u
#define BURST_MAX      32
#define FRAME_BUF      10240
#define OPLOG	       24
#define RULES_MAX      48
#define MACS_MAX       512

/* ---- random numbers ---- */

static uint64_t rng_state;

static uint64_t rnd64(void)
{
	uint64_t z = (rng_state += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static unsigned rnd(unsigned n)
{
	return n ? (unsigned)(rnd64() % n) : 0;
}

/* True with probability @pct percent. */
static bool chance(unsigned pct)
{
	return rnd(100) < pct;
}

/* ---- the world of one round ---- */

/* Values frames and configuration draw from, so that they meet. */
static const uint8_t ip4s[4][4] = {{10, 0, 0, 1}, {10, 0, 0, 2}, {192, 168, 1, 7}, {172, 16, 5, 9}};
static const uint8_t ip6s[3][16] = {
	{0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1},
	{0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2},
	{0x20, 0x01, 0x0d, 0xb8, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0x42, 0x17}};
static const uint16_t ports[] = {80, 443, 53, 4000, 12345, 2152, 4789};
static const uint32_t teids[] = {0x100, 0x200, 0x7, 0xdeadbeef};
static const uint32_t vnis[] = {100, 200, 0xabcde};

#define NUNI_MAC 12
#define NUNI_MC	 6
#define NUNI_VID 6

struct world {
	const struct snic_profile *p;
	struct snic_nic *nic;
	struct snic_cfg *cfg;
	struct snic_ctr *ctr;
	struct rm *m;
	struct rm_ctr *mctr;
	uint8_t pf_mac[6];
	uint8_t uni[NUNI_MAC][6]; /* unicast MACs the round uses */
	uint8_t mc[NUNI_MC][6];	  /* multicast groups */
	uint16_t vids[NUNI_VID];
	uint64_t now;
	uint64_t seed; /* the run's */
	/* the model's own copy of the plugin, loaded beside the NIC's */
	void *dl[2];
	const struct snic_plugin *plug[2];
	const struct snic_plugin *mplug; /* the one the model runs, NULL: none */
	void *mstate;
	/* for the report */
	unsigned round, epoch, burst;
	unsigned nlog;
	char log[OPLOG][160];
};

static const char *const plugin_names[2] = {"gtpu_teid.so", "heavy_flows.so"};

static void random_mac(uint8_t mac[6], bool group)
{
	for (unsigned i = 0; i < 6; i++)
		mac[i] = (uint8_t)rnd64();
	mac[0] = group ? (uint8_t)(mac[0] | 1) : (uint8_t)((mac[0] & 0xfc) | 0x02);
}

static void oplog(struct world *w, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void oplog(struct world *w, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(w->log[w->nlog % OPLOG], sizeof(w->log[0]), fmt, ap);
	va_end(ap);
	w->nlog++;
}

/* What the run exercised, summed over rounds, to show that random input
 * reaches every outcome. */
struct stats {
	uint64_t frames[2], dests[2]; /* rx, tx */
	uint64_t drop[2][SNIC_DROP_COUNT];
	uint64_t refusals[SNIC_DROP_COUNT];
	uint64_t flags[8]; /* SNIC_DEST_* bit */
	uint64_t vlan[3];  /* enum snic_vlan_action */
	uint64_t wire, rule_hits, steer_hits, steer_bad;
	uint64_t ops, ops_ok;
	uint64_t op_ok[RM_OP_COUNT];
};

static struct stats st;
static const char *const op_names[RM_OP_COUNT] = {
	"numvfs",      "vf_assign",    "link",	     "vf_mac",	     "vf_vlan",	    "vf_spoofchk",
	"vf_trust",    "vf_link",      "vf_rate",    "vf_query_rss", "req_mac",	    "req_mc",
	"req_vlan",    "req_macvlan",  "req_rxmode", "pf_mac",	     "pf_rxmode",   "pf_mc",
	"pf_macvlan",  "pf_vlan",      "max_frame",  "rss_set",	     "rss_ctx_new", "rss_ctx_del",
	"flow_create", "flow_destroy", "plugin",
};

static void stats_dests(const struct snic_dest *d, unsigned n, bool tx)
{
	st.dests[tx] += n;
	for (unsigned i = 0; i < n; i++) {
		for (unsigned b = 0; b < 8; b++)
			st.flags[b] += (d[i].flags >> b) & 1;
		st.vlan[d[i].vlan_action % 3]++;
		st.wire += d[i].vport == SNIC_VPORT_WIRE;
	}
}

static void stats_round(const struct rm_ctr *m)
{
	for (unsigned d = 0; d < SNIC_DROP_COUNT; d++) {
		st.drop[0][d] += m->rx_drop[d];
		for (unsigned v = 0; v < m->nvports; v++) {
			st.drop[1][d] += m->v[v].tx_drop[d];
			st.refusals[d] += m->v[v].rx_drop[d];
		}
	}
	for (unsigned v = 0; v < m->nvports; v++) {
		st.steer_hits += m->v[v].steer_hits;
		st.steer_bad += m->v[v].steer_bad_queue;
	}
	for (unsigned s = 0; s < SNIC_CTR_MAX_RULES; s++)
		st.rule_hits += m->rule_hits[s];
}

static void stats_print(void)
{
	static const char *const fl[] = {"mark", "rule", "steered", "loopback", "bcast", "mcast"};

	cr_log_info("frames rx %" PRIu64 " tx %" PRIu64 ", destinations rx %" PRIu64 " tx %" PRIu64
		    " (wire %" PRIu64 "), operations %" PRIu64 " (%" PRIu64 " accepted)",
		    st.frames[0], st.frames[1], st.dests[0], st.dests[1], st.wire, st.ops,
		    st.ops_ok);
	for (unsigned d = 0; d < SNIC_DROP_COUNT; d++)
		cr_log_info("drop %-14s rx %8" PRIu64 "  tx %8" PRIu64 "  pool refusals %8" PRIu64,
			    snic_drop_name((enum snic_drop)d), st.drop[0][d], st.drop[1][d],
			    st.refusals[d]);
	for (unsigned b = 0; b < 6; b++)
		cr_log_info("destinations flagged %-8s %8" PRIu64, fl[b], st.flags[b]);
	for (unsigned k = 0; k < RM_OP_COUNT; k++)
		cr_log_info("operation %-12s accepted %6" PRIu64, op_names[k], st.op_ok[k]);
	cr_log_info("vlan keep %" PRIu64 " strip %" PRIu64 " push %" PRIu64 "; rule hits %" PRIu64
		    ", plugin hits %" PRIu64 ", plugin bad queues %" PRIu64,
		    st.vlan[0], st.vlan[1], st.vlan[2], st.rule_hits, st.steer_hits, st.steer_bad);
}

/* ---- the plugin, loaded once more for the model ---- */

static void load_plugins(struct world *w)
{
	const char *dir = getenv("SNIC_PLUGIN_DIR");
	char path[4096];

	for (unsigned i = 0; i < 2; i++) {
		snic_plugin_entry_fn entry;

		w->dl[i] = NULL;
		w->plug[i] = NULL;
		if (!dir)
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, plugin_names[i]);
		w->dl[i] = dlopen(path, RTLD_NOW | RTLD_LOCAL);
		if (!w->dl[i])
			continue;
		*(void **)&entry = dlsym(w->dl[i], SNIC_PLUGIN_ENTRY);
		w->plug[i] = entry ? entry() : NULL;
	}
}

static void unload_plugins(struct world *w)
{
	for (unsigned i = 0; i < 2; i++)
		if (w->dl[i])
			dlclose(w->dl[i]);
}

static void model_plugin_set(struct world *w, const struct snic_plugin *pl, void *state)
{
	if (w->mplug && w->mplug->fini)
		w->mplug->fini(w->mstate);
	w->mplug = pl;
	w->mstate = state;
}

/* ---- random operations ---- */

static unsigned pick_vf(const struct world *w)
{
	unsigned n = rm_numvfs(w->m);

	if (!n || chance(3))
		return n + rnd(3);
	return rnd(n);
}

static unsigned pick_vport(const struct world *w)
{
	unsigned n = rm_numvfs(w->m) + 1;

	return chance(3) ? n + rnd(2) : rnd(n);
}

static unsigned pick_vid(const struct world *w)
{
	if (chance(80))
		return w->vids[rnd(NUNI_VID)];
	return chance(50) ? 0 : 1 + rnd(4095);
}

static void pick_ucast(const struct world *w, uint8_t mac[6])
{
	if (chance(90))
		memcpy(mac, w->uni[rnd(NUNI_MAC)], 6);
	else if (chance(50))
		random_mac(mac, true);
	else
		memset(mac, 0, 6);
}

static void pick_mc_list(const struct world *w, struct rm_op *op, unsigned max)
{
	op->n = chance(5) ? max + 1 + rnd(2) : rnd(max < 6 ? max + 1 : 7);
	if (op->n > RM_LIST_MAX)
		op->n = RM_LIST_MAX;
	for (unsigned i = 0; i < op->n; i++) {
		if (i < NUNI_MC && chance(85))
			memcpy(op->macs[i], w->mc[rnd(NUNI_MC)], 6);
		else
			random_mac(op->macs[i], !chance(3));
	}
}

static void gen_rss_conf(const struct world *w, unsigned vport, struct snic_rss_conf *c)
{
	const struct snic_profile *p = w->p;
	unsigned size = rm_reta_size(w->m, vport), nq;
	unsigned hf[SNIC_HFUNC_COUNT], nhf = 0;

	snic_profile_rss_default(p, rm_pool_queues(w->m), c);
	nq = c->nqueues ? c->nqueues : 1;
	if (size)
		c->reta_size = (uint16_t)size;
	size = c->reta_size;
	for (unsigned f = 0; f < SNIC_HFUNC_COUNT; f++)
		if (p->hfuncs & (1u << f))
			hf[nhf++] = f;
	if (nhf && chance(30))
		c->hfunc = (uint8_t)hf[rnd(nhf)];
	for (unsigned ft = 0; ft < SNIC_FT_COUNT && chance(40); ft++) {
		static const uint8_t choice[] = {
			SNIC_RXH_IP_SRC | SNIC_RXH_IP_DST,
			SNIC_RXH_IP_SRC | SNIC_RXH_IP_DST | SNIC_RXH_L4_B_0_1 | SNIC_RXH_L4_B_2_3,
			SNIC_RXH_IP_SRC | SNIC_RXH_IP_DST | SNIC_RXH_L3_PROTO | SNIC_RXH_VLAN,
		};

		unsigned t = rnd(SNIC_FT_COUNT);

		c->fields[t] = chance(80) ? choice[rnd(3)] & p->field_caps[t] : (uint8_t)rnd(256);
	}
	if (chance(25) && (p->rss_flags & SNIC_RSS_INNER || chance(10)))
		c->flags |= SNIC_RSS_INNER;
	if (chance(10) && (p->rss_flags & SNIC_RSS_TEID || chance(10)))
		c->flags |= SNIC_RSS_TEID;
	if (chance(60))
		for (unsigned i = 0; i < c->key_len; i++)
			c->key[i] = (uint8_t)rnd64();
	if (chance(10))
		nq = rm_pool_queues(w->m) + 1;
	for (unsigned i = 0; i < size; i++)
		c->reta[i] = (uint16_t)(chance(50) ? i % nq : rnd(nq));
}

static void gen_match(const struct world *w, struct snic_flow_rule *r)
{
	unsigned k = 1 + rnd(3);
	bool v6 = chance(35);

	r->ip_ver = v6 ? 6 : 4;
	for (unsigned i = 0; i < k; i++) {
		switch (rnd(11)) {
		case 0:
			r->match |= SNIC_FM_DMAC;
			pick_ucast(w, r->dmac);
			if (chance(20))
				memcpy(r->dmac, w->mc[rnd(NUNI_MC)], 6);
			memset(r->dmac_mask, 0xff, 6);
			if (chance(25))
				memset(r->dmac_mask + 3, 0, 3);
			break;
		case 1:
			r->match |= SNIC_FM_ETHERTYPE;
			r->ethertype = (uint16_t[]){0x0800, 0x86dd, 0x0806}[rnd(3)];
			break;
		case 2:
			r->match |= SNIC_FM_VLAN;
			r->vlan_tci = (uint16_t)pick_vid(w);
			r->vlan_mask = chance(70) ? 0x0fff : (uint16_t)rnd(0x10000);
			break;
		case 3:
			r->match |= SNIC_FM_IP_VER;
			break;
		case 4:
			r->match |= SNIC_FM_IP_SRC;
			memcpy(r->ip_src, v6 ? ip6s[rnd(3)] : ip4s[rnd(4)], v6 ? 16 : 4);
			r->src_plen = v6 ? (uint8_t[]){128, 64, 120, 7}[rnd(4)]
					 : (uint8_t[]){32, 24, 16, 0, 30}[rnd(5)];
			break;
		case 5:
			r->match |= SNIC_FM_IP_DST;
			memcpy(r->ip_dst, v6 ? ip6s[rnd(3)] : ip4s[rnd(4)], v6 ? 16 : 4);
			r->dst_plen = v6 ? (uint8_t[]){128, 64, 120, 7}[rnd(4)]
					 : (uint8_t[]){32, 24, 16, 0, 30}[rnd(5)];
			break;
		case 6:
			r->match |= SNIC_FM_L4_PROTO;
			r->l4_proto = (uint8_t[]){6, 17, 132, 47}[rnd(4)];
			break;
		case 7:
		case 8:
			r->match |= SNIC_FM_L4_PROTO | (rnd(2) ? SNIC_FM_SPORT : SNIC_FM_DPORT);
			r->l4_proto = (uint8_t[]){6, 17, 132}[rnd(3)];
			r->sport = ports[rnd(7)];
			r->dport = ports[rnd(7)];
			r->sport_mask = chance(80) ? 0xffff : 0xff00;
			r->dport_mask = chance(80) ? 0xffff : 0xfff0;
			break;
		case 9:
			r->match |= SNIC_FM_VNI;
			r->vni = vnis[rnd(3)];
			break;
		default:
			r->match |= SNIC_FM_TEID;
			r->teid = teids[rnd(4)];
			break;
		}
	}
	if (chance(3))
		r->match |= 1u << 14;
}

static void gen_rule(const struct world *w, struct snic_flow_rule *r)
{
	unsigned nq = rm_pool_queues(w->m);

	memset(r, 0, sizeof(*r));
	r->vport = (uint16_t)pick_vport(w);
	r->priority = rnd(4);
	r->mark = (uint32_t)rnd64();
	r->flags = chance(30) ? SNIC_FLOW_F_MARK : 0;
	r->action = (uint8_t)(chance(40)   ? SNIC_ACT_QUEUE
			      : chance(30) ? SNIC_ACT_MARK
			      : chance(50) ? SNIC_ACT_RSS
					   : SNIC_ACT_DROP);
	r->queue = (uint16_t)(chance(95) ? rnd(nq) : nq);
	r->rss_ctx = rnd(w->p->rss_contexts + 1u);
	if (r->action == SNIC_ACT_RSS && chance(80)) {
		unsigned ids[64], vports[64], n = rm_contexts(w->m, ids, vports, 64);

		if (n) {
			unsigned k = rnd(n);

			r->rss_ctx = ids[k];
			r->vport = (uint16_t)vports[k];
		}
	}
	gen_match(w, r);
}

/* Arguments for one of the example plugins, over the values frames use. */
static void gen_plugin_args(unsigned which, char *buf, size_t size)
{
	size_t off = 0;

	buf[0] = '\0';
	if (which == 0) {
		if (chance(50))
			off += (size_t)snprintf(buf + off, size - off, "queues=%u,", 1 + rnd(8));
		for (unsigned i = 0; i < 4; i++)
			if (chance(40))
				off += (size_t)snprintf(buf + off, size - off, "0x%x=%u,", teids[i],
							rnd(9));
		if (chance(30))
			off += (size_t)snprintf(buf + off, size - off, "unmapped=pass,");
		if (off)
			buf[off - 1] = '\0';
		return;
	}
	for (unsigned i = 0, n = 1 + rnd(3); i < n; i++) {
		const uint8_t *a = ip4s[rnd(4)], *b = ip4s[rnd(4)];

		off += (size_t)snprintf(
			buf + off, size - off, "%s%s %u.%u.%u.%u:%u %u.%u.%u.%u:%u queue %u; ",
			chance(20) ? "inner " : "", rnd(2) ? "tcp4" : "udp4", a[0], a[1], a[2],
			a[3], ports[rnd(7)], b[0], b[1], b[2], b[3], ports[rnd(7)], rnd(9));
	}
}

static void gen_op(const struct world *w, struct rm_op *op)
{
	static const uint8_t weights[RM_OP_COUNT] = {
		[RM_NUMVFS] = 2,       [RM_ASSIGN] = 2,	      [RM_LINK] = 3,
		[RM_VF_MAC] = 8,       [RM_VF_VLAN] = 6,      [RM_VF_SPOOFCHK] = 4,
		[RM_VF_TRUST] = 5,     [RM_VF_LINK] = 4,      [RM_VF_RATE] = 4,
		[RM_VF_QUERY_RSS] = 2, [RM_REQ_MAC] = 6,      [RM_REQ_MC] = 5,
		[RM_REQ_VLAN] = 6,     [RM_REQ_MACVLAN] = 5,  [RM_REQ_RXMODE] = 7,
		[RM_PF_MAC] = 1,       [RM_PF_RXMODE] = 3,    [RM_PF_MC] = 3,
		[RM_PF_MACVLAN] = 2,   [RM_PF_VLAN] = 3,      [RM_MAX_FRAME] = 2,
		[RM_RSS_SET] = 4,      [RM_RSS_CTX_NEW] = 6,  [RM_RSS_CTX_DEL] = 2,
		[RM_FLOW_CREATE] = 14, [RM_FLOW_DESTROY] = 4, [RM_PLUGIN] = 2,
	};
	unsigned total = 0, x;

	for (unsigned k = 0; k < RM_OP_COUNT; k++)
		total += weights[k];
	x = rnd(total);
	memset(op, 0, offsetof(struct rm_op, macs));
	for (op->kind = 0; x >= weights[op->kind]; op->kind++)
		x -= weights[op->kind];
	op->vf = pick_vf(w);
	op->on = rnd(2);
	switch (op->kind) {
	case RM_NUMVFS: {
		unsigned max = w->p->max_vfs;

		op->a = chance(40) ? 0 : chance(80) ? 1 + rnd(max < 8 ? max : 8) : rnd(max + 2);
		break;
	}
	case RM_ASSIGN:
		op->on = chance(30);
		break;
	case RM_LINK:
		op->on = chance(85);
		break;
	case RM_VF_MAC:
	case RM_REQ_MAC:
	case RM_PF_MAC:
		pick_ucast(w, op->mac);
		break;
	case RM_REQ_MACVLAN:
	case RM_PF_MACVLAN:
		pick_ucast(w, op->mac);
		op->on = chance(70);
		break;
	case RM_VF_VLAN:
		op->a = chance(35) ? 0 : chance(95) ? pick_vid(w) : 4096;
		op->b = chance(80) ? 0 : rnd(9);
		op->c = chance(70)   ? SNIC_VLAN_PROTO_8021Q
			: chance(90) ? SNIC_VLAN_PROTO_8021AD
				     : 0x9100;
		break;
	case RM_VF_SPOOFCHK:
		op->on = chance(60);
		break;
	case RM_VF_LINK:
		op->a = chance(97) ? (unsigned[]){0, 0, 1, 2}[rnd(4)] : 3;
		break;
	case RM_VF_RATE:
		op->a = chance(85) ? 0 : rnd(200);
		op->b = chance(30)   ? 0
			: chance(60) ? 11 + rnd(40)
			: chance(90) ? 11 + rnd(2000)
				     : rnd(12);
		break;
	case RM_REQ_MC:
		pick_mc_list(w, op, w->p->vf_mc_max);
		break;
	case RM_PF_MC:
		pick_mc_list(w, op, 8);
		break;
	case RM_REQ_VLAN:
	case RM_PF_VLAN:
		op->a = chance(97) ? pick_vid(w) : 4096 + rnd(10);
		op->on = chance(75);
		break;
	case RM_REQ_RXMODE:
	case RM_PF_RXMODE:
		op->a = chance(97) ? rnd(4) : 4;
		break;
	case RM_MAX_FRAME:
		op->a = (unsigned[]){1514,
				     1518,
				     9000,
				     82,
				     81,
				     300,
				     w->p->max_frame,
				     w->p->max_frame + 1u}[rnd(8)];
		break;
	case RM_RSS_SET:
	case RM_RSS_CTX_NEW:
		op->vf = op->kind == RM_RSS_SET && chance(60) ? rm_numvfs(w->m) : pick_vport(w);
		gen_rss_conf(w, op->vf <= rm_numvfs(w->m) ? op->vf : 0, &op->rss);
		break;
	case RM_RSS_CTX_DEL: {
		unsigned ids[64], vports[64], n = rm_contexts(w->m, ids, vports, 64);

		op->a = n && chance(85) ? ids[rnd(n)] : rnd(w->p->rss_contexts + 2u);
		break;
	}
	case RM_FLOW_CREATE:
		gen_rule(w, &op->rule);
		break;
	case RM_FLOW_DESTROY: {
		const struct snic_flow_rule *rules[RULES_MAX];
		unsigned ids[RULES_MAX], n = rm_rules(w->m, rules, ids, RULES_MAX);

		op->a = n && chance(85) ? ids[rnd(n)] : rnd(1000);
		break;
	}
	case RM_PLUGIN:
		op->a = chance(25) ? 2 : rnd(2); /* 2: remove */
		break;
	}
}

/* Call the real NIC. @args is the plugin argument string, when one. */
static int apply_real(struct world *w, const struct rm_op *op, const char *args,
		      struct snic_err *err)
{
	struct snic_nic *nic = w->nic;
	char path[4096];

	switch (op->kind) {
	case RM_NUMVFS:
		return snic_nic_set_numvfs(nic, op->a, err);
	case RM_ASSIGN:
		return snic_nic_vf_assign(nic, op->vf, op->on, err);
	case RM_LINK:
		return snic_nic_set_link(nic, op->on, err);
	case RM_VF_MAC:
		return snic_vf_set_mac(nic, op->vf, op->mac, err);
	case RM_VF_VLAN:
		return snic_vf_set_vlan(nic, op->vf, op->a, op->b, op->c, err);
	case RM_VF_SPOOFCHK:
		return snic_vf_set_spoofchk(nic, op->vf, op->on, err);
	case RM_VF_TRUST:
		return snic_vf_set_trust(nic, op->vf, op->on, err);
	case RM_VF_LINK:
		return snic_vf_set_link_state(nic, op->vf, (enum snic_link_state)op->a, err);
	case RM_VF_RATE:
		return snic_vf_set_rate(nic, op->vf, op->a, op->b, err);
	case RM_VF_QUERY_RSS:
		return snic_vf_set_query_rss(nic, op->vf, op->on, err);
	case RM_REQ_MAC:
		return snic_vf_req_mac(nic, op->vf, op->mac, err);
	case RM_REQ_MC:
		return snic_vf_req_mc(nic, op->vf, (const uint8_t(*)[6])op->macs, op->n, err);
	case RM_REQ_VLAN:
		return snic_vf_req_vlan(nic, op->vf, op->a, op->on, err);
	case RM_REQ_MACVLAN:
		return snic_vf_req_macvlan(nic, op->vf, op->mac, op->on, err);
	case RM_REQ_RXMODE:
		return snic_vf_req_rxmode(nic, op->vf, (enum snic_rxmode)op->a, err);
	case RM_PF_MAC:
		return snic_pf_set_mac(nic, op->mac, err);
	case RM_PF_RXMODE:
		return snic_pf_set_rxmode(nic, (enum snic_rxmode)op->a, err);
	case RM_PF_MC:
		return snic_pf_set_mc(nic, (const uint8_t(*)[6])op->macs, op->n, err);
	case RM_PF_MACVLAN:
		return snic_pf_set_macvlan(nic, op->mac, op->on, err);
	case RM_PF_VLAN:
		return snic_pf_set_vlan(nic, op->a, op->on, err);
	case RM_MAX_FRAME:
		return snic_nic_set_max_frame(nic, op->a, err);
	case RM_RSS_SET:
		return snic_nic_rss_set(nic, op->vf, &op->rss, err);
	case RM_RSS_CTX_NEW:
		return snic_nic_rss_ctx_new(nic, op->vf, &op->rss, err);
	case RM_RSS_CTX_DEL:
		return snic_nic_rss_ctx_del(nic, op->a, err);
	case RM_FLOW_CREATE:
		return snic_flow_create(nic, &op->rule, err);
	case RM_FLOW_DESTROY:
		return snic_flow_destroy(nic, op->a, err);
	case RM_PLUGIN:
		if (op->a == 2)
			return snic_nic_set_plugin(nic, NULL, NULL, err);
		snprintf(path, sizeof(path), "%s/%s", getenv("SNIC_PLUGIN_DIR"),
			 plugin_names[op->a]);
		return snic_nic_set_plugin(nic, path, args, err);
	}
	return -ENOSYS;
}

static void fail_report(struct world *w, const char *what);

/* `ip link show` of one VF: the real NIC's against the model's. */
static bool vf_view_differs(const struct world *w, unsigned vf, char *msg, size_t size)
{
	struct snic_vf_info a, b;
	int ra = snic_vf_get(w->nic, vf, &a, NULL), rb = rm_vf_info(w->m, vf, &b);

	if (ra || rb) {
		snprintf(msg, size, "vf %u info: real returned %d, model %d", vf, ra, rb);
		return (ra < 0) != (rb < 0);
	}
#define VF_FIELD(f)                                                                                \
	if (a.f != b.f) {                                                                          \
		snprintf(msg, size, "vf %u info: " #f " real %u, model %u", vf, (unsigned)a.f,     \
			 (unsigned)b.f);                                                           \
		return true;                                                                       \
	}
	VF_FIELD(admin_mac)
	VF_FIELD(vlan)
	VF_FIELD(qos)
	VF_FIELD(vlan_proto)
	VF_FIELD(spoofchk)
	VF_FIELD(trust)
	VF_FIELD(query_rss)
	VF_FIELD(link_state)
	VF_FIELD(min_tx_rate)
	VF_FIELD(max_tx_rate)
	VF_FIELD(rxmode)
	VF_FIELD(rxmode_eff)
	VF_FIELD(nqueues)
	VF_FIELD(n_mc)
	VF_FIELD(n_vlan_filter)
	VF_FIELD(n_macvlan)
	VF_FIELD(assigned)
#undef VF_FIELD
	if (memcmp(a.mac, b.mac, 6)) {
		snprintf(msg, size, "vf %u info: mac differs", vf);
		return true;
	}
	return false;
}

/* One random operation on both sides. */
static void step_op(struct world *w)
{
	static struct rm_op op;
	struct snic_err err = {0};
	const struct snic_flow_rule *rules[RULES_MAX];
	unsigned ids[RULES_MAX];
	char args[512] = "", msg[600];
	int rc, exp, got;

	gen_op(w, &op);
	if (op.kind == RM_FLOW_CREATE && rm_rules(w->m, rules, ids, RULES_MAX) >= RULES_MAX)
		op.kind = RM_FLOW_DESTROY;
	if (op.kind == RM_PLUGIN && (op.a == 2 ? false : !w->plug[op.a]))
		op.a = 2;
	if (op.kind == RM_PLUGIN && op.a < 2)
		gen_plugin_args(op.a, args, sizeof(args));
	exp = rm_expect(w->m, &op);
	rc = apply_real(w, &op, args, &err);
	oplog(w, "%s vf=%u a=%u b=%u c=%u on=%d n=%u %s -> %d %s", op_names[op.kind], op.vf, op.a,
	      op.b, op.c, op.on, op.n, args, rc, rc < 0 ? err.msg : "");
	if (exp != RM_ANY_RESULT && exp != rc && !(exp == 0 && rc > 0)) {
		snprintf(msg, sizeof(msg), "operation %s: real returned %d (%s), model expects %d",
			 op_names[op.kind], rc, err.msg, exp);
		fail_report(w, msg);
	}
	st.ops++;
	if (rc < 0)
		return;
	st.ops_ok++;
	st.op_ok[op.kind]++;
	if (op.kind == RM_PLUGIN) {
		void *state = NULL;
		char pmsg[256];

		if (op.a < 2 && w->plug[op.a]->init(args, &state, pmsg, sizeof(pmsg)))
			fail_report(w, "the model's copy of the plugin refused what snic took");
		op.plugin = op.a < 2 ? w->plug[op.a] : NULL;
		op.pstate = state;
		model_plugin_set(w, op.plugin, state);
	}
	got = rm_apply(w->m, &op);
	if (vf_view_differs(w, op.vf < rm_numvfs(w->m) ? op.vf : rnd(rm_numvfs(w->m) + 1), msg,
			    sizeof(msg)))
		fail_report(w, msg);
	if ((op.kind == RM_FLOW_CREATE || op.kind == RM_RSS_CTX_NEW) && got != rc) {
		snprintf(msg, sizeof(msg), "operation %s: real gave id %d, model %d",
			 op_names[op.kind], rc, got);
		fail_report(w, msg);
	}
}

/* ---- random frames ---- */

/*
 * Set by the lane test: frames from the wire of the shapes snic_rx reads
 * without the parse (lib/rx.c, the lane) - untagged, whole, unicast to
 * MACs the configuration knows, IP without options, fragments or
 * extension headers, VXLAN as the tunnel - so that most of them take it
 * and the lane is compared with the model on all its branches.
 */
static bool lane_bias;

static void gen_level(struct snic_craft_hdr *h, bool tunnel_outer)
{
	unsigned x = rnd(100);

	h->ip_ver = x < 55 ? 4 : x < 85 ? 6 : 0;
	if (tunnel_outer && !h->ip_ver)
		h->ip_ver = 4;
	if (!h->ip_ver) {
		h->ethertype = (uint16_t[]){0x0806, 0x88cc, 0x8863, 0x0800}[rnd(4)];
		h->payload_len = (uint16_t)rnd(64);
		return;
	}
	if (h->ip_ver == 4)
		memcpy(h->ip_src, ip4s[rnd(4)], 4);
	else
		memcpy(h->ip_src, ip6s[rnd(3)], 16);
	if (h->ip_ver == 4)
		memcpy(h->ip_dst, ip4s[rnd(4)], 4);
	else
		memcpy(h->ip_dst, ip6s[rnd(3)], 16);
	if (chance(5))
		h->ip_src[rnd(4)] ^= (uint8_t)rnd64();
	h->l4_proto = (uint8_t[]){6, 17, 132, 47, 6, 17}[rnd(6)];
	h->sport = chance(85) ? ports[rnd(7)] : (uint16_t)rnd(65536);
	h->dport = chance(85) ? ports[rnd(7)] : (uint16_t)rnd(65536);
	if (lane_bias && chance(90)) {
		h->l4_proto = (uint8_t[]){6, 17}[rnd(2)];
		h->payload_len = (uint16_t)rnd(200);
		return;
	}
	if (!tunnel_outer && chance(4)) {
		h->frag_off = (uint16_t)(chance(50) ? 0 : 1 + rnd(100));
		h->more_frags = 1;
	}
	if (h->ip_ver == 4 && chance(5))
		h->ipv4_opt_words = (uint8_t)rnd(11);
	if (h->ip_ver == 6 && chance(5)) {
		h->n_ext = (uint8_t)(1 + rnd(3));
		for (unsigned i = 0; i < h->n_ext; i++)
			h->ext[i] = (uint8_t[]){0, 43, 60}[rnd(3)];
	}
	h->payload_len = (uint16_t)(chance(5) ? 1300 + rnd(8500) : rnd(200));
}

static void gen_vlans(const struct world *w, struct snic_craft_hdr *h)
{
	uint16_t vl[64];
	unsigned nvl = rm_vlans(w->m, vl, 64), x = rnd(100);

	h->n_vlan = (uint8_t)(x < 50 || (lane_bias && x < 95) ? 0 : x < 88 ? 1 : 2);
	for (unsigned i = 0; i < h->n_vlan; i++) {
		unsigned vid = nvl && chance(60) ? vl[rnd(nvl)] : (unsigned)pick_vid(w);

		h->vlan_tci[i] = (uint16_t)(vid | (chance(20) ? rnd(8) << 13 : 0));
		h->vlan_tpid[i] = chance(70)   ? 0
				  : chance(50) ? SNIC_VLAN_PROTO_8021Q
					       : SNIC_VLAN_PROTO_8021AD;
	}
	if (h->n_vlan == 1 && chance(5))
		h->vlan_tci[0] &= 0xf000; /* a priority tag */
}

static void gen_dmac(const struct world *w, uint8_t dmac[6])
{
	static uint8_t macs[MACS_MAX][6];
	unsigned n = rm_macs(w->m, macs, MACS_MAX), x = rnd(100);

	if (lane_bias && x < 80)
		x = x < 60 ? 0 : 80; /* known MACs, unknown unicast */
	if (x < 50 && n)
		memcpy(dmac, macs[rnd(n)], 6);
	else if (x < 62)
		memset(dmac, 0xff, 6);
	else if (x < 72)
		memcpy(dmac, w->mc[rnd(NUNI_MC)], 6);
	else if (x < 85)
		memcpy(dmac, w->uni[rnd(NUNI_MAC)], 6);
	else if (x < 92)
		memcpy(dmac, w->pf_mac, 6);
	else
		random_mac(dmac, chance(30));
}

static void gen_smac(const struct world *w, unsigned vport, bool tx, uint8_t smac[6])
{
	unsigned x = rnd(100);

	rm_vport_mac(w->m, vport, smac);
	if (tx && x < 75 && smac[0] | smac[1] | smac[2] | smac[3] | smac[4] | smac[5])
		return;
	if (x < 90)
		memcpy(smac, w->uni[rnd(NUNI_MAC)], 6);
	else
		random_mac(smac, chance(40));
}

static int gen_frame(const struct world *w, bool tx, unsigned vport, uint8_t *buf)
{
	struct snic_craft c;
	unsigned x = rnd(100);
	int len;

	if (x < 2) {
		len = (int)rnd(120);
		for (int i = 0; i < len; i++)
			buf[i] = (uint8_t)rnd64();
		return len;
	}
	memset(&c, 0, sizeof(c));
	gen_dmac(w, c.outer.dmac);
	gen_smac(w, vport, tx, c.outer.smac);
	gen_vlans(w, &c.outer);
	if (tx && chance(70))
		c.outer.n_vlan = 0;
	if (chance(lane_bias ? 25 : 18)) {
		c.tunnel = (uint8_t)(lane_bias && chance(80) ? SNIC_TUN_VXLAN
							     : SNIC_TUN_VXLAN + rnd(4));
		gen_level(&c.outer, true);
		c.outer.l4_proto = c.tunnel == SNIC_TUN_GRE ? 47 : 17;
		c.outer.dport = 0;
		c.tun_id = c.tunnel == SNIC_TUN_GTPU ? teids[rnd(4)] : vnis[rnd(3)];
		c.gre_key = (uint8_t)rnd(2);
		c.inner_l2 = (uint8_t)rnd(2);
		gen_level(&c.inner, false);
		if (c.tunnel == SNIC_TUN_GTPU && !c.inner.ip_ver)
			c.inner.ip_ver = 4;
		memcpy(c.inner.dmac, w->uni[rnd(NUNI_MAC)], 6);
		memcpy(c.inner.smac, w->uni[rnd(NUNI_MAC)], 6);
	} else {
		gen_level(&c.outer, false);
	}
	len = snic_craft_frame(&c, buf, FRAME_BUF);
	/* now and then, a length right at the max frame (plus its tags) */
	if (len > 0 && !c.tunnel && chance(6)) {
		int want = (int)rm_max_frame(w->m) + 4 * c.outer.n_vlan + (int)rnd(7) - 3;
		int pl = (int)c.outer.payload_len + want - len;

		if (pl >= 0 && pl < 0xffff) {
			c.outer.payload_len = (uint16_t)pl;
			len = snic_craft_frame(&c, buf, FRAME_BUF);
		}
	}
	if (len < 0) {
		len = 14 + (int)rnd(50);
		for (int i = 12; i < len; i++)
			buf[i] = (uint8_t)rnd64();
		memcpy(buf, c.outer.dmac, 6);
		memcpy(buf + 6, c.outer.smac, 6);
	}
	if (lane_bias && x < 10 && !chance(30))
		return len;
	if (x < 7)
		len = (int)rnd((unsigned)len + 1);
	else if (x < 10 && len)
		buf[rnd((unsigned)len)] ^= (uint8_t)(1u << rnd(8));
	return len;
}

/* ---- comparing ---- */

static void dump_frame(const uint8_t *d, uint32_t len)
{
	struct snic_pkt pkt;

	snic_parse(d, len, &pkt);
	fprintf(stderr, "  frame len %u, parse %s, tunnel %u, n_vlan %u, l3 %u, l4 %u:\n   ", len,
		snic_parse_status_name(pkt.status), pkt.tunnel, pkt.outer.n_vlan, pkt.outer.l3,
		pkt.outer.l4_proto);
	for (uint32_t i = 0; i < len && i < 96; i++)
		fprintf(stderr, "%02x%s", d[i], i % 32 == 31 ? "\n   " : " ");
	fprintf(stderr, "\n");
}

static void dump_dest(const char *who, const struct snic_dest *d)
{
	fprintf(stderr,
		"  %s: frame %u vport %u queue %u hash 0x%08x mark 0x%x vlan %u/0x%04x/0x%04x "
		"flags 0x%x rule %u\n",
		who, d->frame, d->vport, d->queue, d->hash, d->mark, d->vlan_action, d->vlan_tpid,
		d->vlan_tci, d->flags, d->rule);
}

static void fail_report(struct world *w, const char *what)
{
	fprintf(stderr, "model mismatch: %s\n", what);
	fprintf(stderr,
		"  reproduce with SNIC_MODEL_SEED=0x%" PRIx64 " SNIC_MODEL_ROUND=%u "
		"(epoch %u, burst %u)\n",
		w->seed, w->round, w->epoch, w->burst);
	fprintf(stderr, "  profile %s, numvfs %u, pool queues %u\n", w->p->name, rm_numvfs(w->m),
		rm_pool_queues(w->m));
	fprintf(stderr, "  last operations (oldest first):\n");
	for (unsigned i = w->nlog > OPLOG ? w->nlog - OPLOG : 0; i < w->nlog; i++)
		fprintf(stderr, "    %s\n", w->log[i % OPLOG]);
	cr_assert_fail("%s", what);
}

static bool dest_eq(const struct snic_dest *a, const struct snic_dest *b)
{
	return a->frame == b->frame && a->vport == b->vport && a->queue == b->queue &&
	       a->hash == b->hash && a->mark == b->mark && a->vlan_tci == b->vlan_tci &&
	       a->vlan_tpid == b->vlan_tpid && a->vlan_action == b->vlan_action &&
	       a->flags == b->flags && a->rule == b->rule;
}

/* The frame again, alone, on fresh counters with room for every copy: all
 * destinations of both sides. */
static void replay_alone(struct world *w, const struct snic_frame *fr, bool tx, unsigned vport)
{
	static struct snic_dest rd[1100], md[1100];
	struct snic_ctr *c = NULL;
	struct rm_ctr *m = NULL;
	unsigned nr, nm;

	if (snic_ctr_new(w->p, &c, NULL) || rm_ctr_new(w->m, &m))
		goto out;
	nr = tx ? snic_tx(w->cfg, c, vport, fr, 1, w->now, rd, 1100)
		: snic_rx(w->cfg, c, fr, 1, rd, 1100);
	nm = tx ? rm_tx(w->m, m, vport, fr, 1, w->now, md, 1100) : rm_rx(w->m, m, fr, 1, md, 1100);
	fprintf(stderr, "  alone (%s from vport %u), real %u destinations, model %u:\n",
		tx ? "tx" : "rx", vport, nr, nm);
	for (unsigned i = 0; i < nr && i < 12; i++)
		dump_dest("real ", &rd[i]);
	for (unsigned i = 0; i < nm && i < 12; i++)
		dump_dest("model", &md[i]);
out:
	snic_ctr_free(c);
	rm_ctr_free(m);
}

static void compare_dests(struct world *w, const struct snic_frame *fr, const struct snic_dest *r,
			  unsigned nr, const struct snic_dest *m, unsigned nm, bool tx,
			  unsigned vport)
{
	unsigned i, f;

	for (i = 0; i < nr && i < nm; i++)
		if (!dest_eq(&r[i], &m[i]))
			break;
	if (i == nr && i == nm)
		return;
	fprintf(stderr, "destinations differ at %u (real %u, model %u):\n", i, nr, nm);
	if (i < nr)
		dump_dest("real ", &r[i]);
	if (i < nm)
		dump_dest("model", &m[i]);
	f = i < nr && i < nm ? (r[i].frame < m[i].frame ? r[i].frame : m[i].frame)
	    : i < nr	     ? r[i].frame
			     : m[i].frame;
	fprintf(stderr, "  frame %u of the burst:\n", f);
	dump_frame(fr[f].data, fr[f].len);
	replay_alone(w, &fr[f], tx, vport);
	fail_report(w, "destinations differ");
}

#define CMP(what, a, b, ...)                                                                       \
	do {                                                                                       \
		if ((a) != (b)) {                                                                  \
			snprintf(buf, sizeof(buf), what ": real %" PRIu64 ", model %" PRIu64,      \
				 ##__VA_ARGS__, (uint64_t)(a), (uint64_t)(b));                     \
			return false;                                                              \
		}                                                                                  \
	} while (0)

static char buf[256];

static bool cmp_drops(const char *who, unsigned v, const uint64_t *a, const uint64_t *b)
{
	for (unsigned d = 0; d < SNIC_DROP_COUNT; d++)
		CMP("%s[%u] drop %s", a[d], b[d], who, v, snic_drop_name((enum snic_drop)d));
	return true;
}

static bool cmp_vport(const struct snic_ctr *c, const struct rm_ctr *m, unsigned v)
{
	const struct snic_vctr *a = &c->vport[v];
	const struct rm_vctr *b = &m->v[v];

	CMP("vport %u tx.in", a->tx.in, b->tx_in, v);
	CMP("vport %u tx.delivered", a->tx.delivered, b->tx_delivered, v);
	if (!cmp_drops("vport tx", v, a->tx.drop, b->tx_drop) ||
	    !cmp_drops("vport rx_drop", v, a->rx_drop, b->rx_drop))
		return false;
	CMP("vport %u tx_wire", a->tx_wire, b->tx_wire, v);
	CMP("vport %u tx_local", a->tx_local, b->tx_local, v);
	CMP("vport %u steer_bad_queue", a->steer_bad_queue, b->steer_bad_queue, v);
	CMP("vport %u steer_hits", a->steer_hits, b->steer_hits, v);
	CMP("vport %u tb.tokens", c->tb[v].tokens, b->tb_tokens, v);
	CMP("vport %u tb.last_ns", c->tb[v].last_ns, b->tb_last_ns, v);
	for (unsigned q = 0; q < c->nqueues; q++) {
		const struct snic_qctr *x = &c->queue[v * c->nqueues + q];
		const struct rm_qctr *y = &b->q[q];

		CMP("vport %u queue %u frames", x->frames, y->frames, v, q);
		CMP("vport %u queue %u bytes", x->bytes, y->bytes, v, q);
		CMP("vport %u queue %u bcast", x->bcast, y->bcast, v, q);
		CMP("vport %u queue %u mcast", x->mcast, y->mcast, v, q);
		CMP("vport %u queue %u loopback", x->loopback, y->loopback, v, q);
	}
	return true;
}

/* Every counter, and conservation on both sides. */
static bool cmp_ctr(const struct snic_ctr *c, const struct rm_ctr *m)
{
	CMP("nvports", c->nvports, m->nvports);
	CMP("nqueues", c->nqueues, m->nqueues);
	CMP("nctx", c->nctx, m->nctx);
	CMP("reta_size", c->reta_size, m->reta_size);
	CMP("rx.in", c->rx.in, m->rx_in);
	CMP("rx.delivered", c->rx.delivered, m->rx_delivered);
	if (!cmp_drops("rx", 0, c->rx.drop, m->rx_drop))
		return false;
	CMP("real rx conservation: in vs delivered + dropped", c->rx.in,
	    c->rx.delivered + snic_dirctr_dropped(&c->rx));
	for (unsigned v = 0; v < c->nvports; v++) {
		uint64_t md = 0;

		if (!cmp_vport(c, m, v))
			return false;
		CMP("real vport %u tx conservation", c->vport[v].tx.in,
		    c->vport[v].tx.delivered + snic_dirctr_dropped(&c->vport[v].tx), v);
		for (unsigned d = 0; d < SNIC_DROP_COUNT; d++)
			md += m->v[v].tx_drop[d];
		CMP("model vport %u tx conservation", m->v[v].tx_in, m->v[v].tx_delivered + md, v);
	}
	for (unsigned i = 0; i < (unsigned)c->nctx * c->reta_size; i++) {
		CMP("bucket ctx %u index %u frames", c->bucket[i].frames, m->bucket_frames[i],
		    i / c->reta_size, i % c->reta_size);
		CMP("bucket ctx %u index %u bytes", c->bucket[i].bytes, m->bucket_bytes[i],
		    i / c->reta_size, i % c->reta_size);
	}
	for (unsigned s = 0; s < SNIC_CTR_MAX_RULES; s++)
		CMP("rule slot %u hits", c->rule_hits[s], m->rule_hits[s], s);
	return true;
}

/* Counters differ after a burst: run its frames one by one on fresh
 * counters (rate limiters start full) and show the first that differs. */
static void diagnose(struct world *w, const struct snic_frame *fr, unsigned n, bool tx,
		     unsigned vport)
{
	static struct snic_dest rd[1100], md[1100];

	for (unsigned i = 0; i < n; i++) {
		struct snic_ctr *c = NULL;
		struct rm_ctr *m = NULL;
		bool same;

		if (snic_ctr_new(w->p, &c, NULL) || rm_ctr_new(w->m, &m))
			break;
		if (tx) {
			snic_tx(w->cfg, c, vport, &fr[i], 1, w->now, rd, 1100);
			rm_tx(w->m, m, vport, &fr[i], 1, w->now, md, 1100);
		} else {
			snic_rx(w->cfg, c, &fr[i], 1, rd, 1100);
			rm_rx(w->m, m, &fr[i], 1, md, 1100);
		}
		same = cmp_ctr(c, m);
		snic_ctr_free(c);
		rm_ctr_free(m);
		if (same)
			continue;
		fprintf(stderr, "  alone, frame %u of the burst differs: %s\n", i, buf);
		dump_frame(fr[i].data, fr[i].len);
		return;
	}
	fprintf(stderr, "  no frame differs alone\n");
}

/* ---- the run ---- */

static uint8_t frame_buf[BURST_MAX][FRAME_BUF];

/* One burst through both; returns the frames it used. */
static unsigned step_burst(struct world *w)
{
	static struct snic_dest rd[BURST_MAX * 1100], md[BURST_MAX * 1100];
	struct snic_frame fr[BURST_MAX];
	unsigned pools = rm_numvfs(w->m) + 1, n = 1 + rnd(BURST_MAX), nr, nm, cap;
	bool tx = !lane_bias && chance(45);
	unsigned vport = chance(3) ? pools + rnd(2) : rnd(pools);

	if (vport >= w->ctr->nvports)
		vport = rnd(pools);
	for (unsigned i = 0; i < n; i++) {
		fr[i].len = (uint32_t)gen_frame(w, tx, vport, frame_buf[i]);
		fr[i].data = frame_buf[i];
	}
	cap = chance(5) ? rnd(2 * n) : n * (pools + 1);
	w->now += chance(30) ? 0 : chance(60) ? rnd(20000) : rnd(2000000);
	if (tx) {
		nr = snic_tx(w->cfg, w->ctr, vport, fr, n, w->now, rd, cap);
		nm = rm_tx(w->m, w->mctr, vport, fr, n, w->now, md, cap);
	} else {
		nr = snic_rx(w->cfg, w->ctr, fr, n, rd, cap);
		nm = rm_rx(w->m, w->mctr, fr, n, md, cap);
	}
	if (nr > cap)
		fail_report(w, "snic wrote more destinations than the room it was given");
	compare_dests(w, fr, rd, nr, md, nm, tx, vport);
	st.frames[tx] += n;
	stats_dests(rd, nr, tx);
	if (!cmp_ctr(w->ctr, w->mctr)) {
		char what[256];

		snprintf(what, sizeof(what), "%s", buf);
		fprintf(stderr, "  burst: %s from vport %u, %u frames, cap %u\n", tx ? "tx" : "rx",
			vport, n, cap);
		diagnose(w, fr, n, tx, vport);
		fail_report(w, what);
	}
	return n;
}

static void world_init(struct world *w, unsigned round)
{
	const struct snic_profile *const *all;
	const struct snic_profile *cand[32];
	size_t nall;
	unsigned ncand = 0;

	memset(w, 0, offsetof(struct world, dl));
	w->round = round;
	all = snic_profiles(&nall);
	for (size_t i = 0; i < nall && ncand < 32; i++)
		if (all[i]->max_vfs && !(all[i]->quirks & SNIC_Q_NO_SRIOV))
			cand[ncand++] = all[i];
	cr_assert(ncand > 0, "no profile with VFs");
	w->p = cand[rnd(ncand)];
	random_mac(w->pf_mac, false);
	for (unsigned i = 0; i < NUNI_MAC; i++)
		random_mac(w->uni[i], false);
	memcpy(w->uni[0], w->pf_mac, 6);
	for (unsigned i = 0; i < NUNI_MC; i++) {
		random_mac(w->mc[i], true);
		if (i == 0)
			memcpy(w->mc[i], "\x01\x00\x5e\x00\x00\x01", 6);
	}
	for (unsigned i = 0; i < NUNI_VID; i++)
		w->vids[i] = (uint16_t)(1 + rnd(4094));
	w->vids[0] = 100;
	cr_assert_eq(snic_nic_new(w->p, w->pf_mac, &w->nic, NULL), 0);
	cr_assert_eq(rm_new(w->p, w->pf_mac, &w->m), 0);
	cr_assert_eq(snic_ctr_new(w->p, &w->ctr, NULL), 0);
	cr_assert_eq(rm_ctr_new(w->m, &w->mctr), 0);
}

static void world_fini(struct world *w)
{
	model_plugin_set(w, NULL, NULL);
	snic_cfg_free(w->cfg);
	snic_nic_free(w->nic);
	snic_ctr_free(w->ctr);
	rm_ctr_free(w->mctr);
	rm_free(w->m);
}

static void commit(struct world *w)
{
	struct snic_err err = {0};

	snic_cfg_free(w->cfg);
	w->cfg = NULL;
	cr_assert_eq(snic_nic_commit(w->nic, &w->cfg, &err), 0, "commit: %s", err.msg);
}

/* One NIC: a VF count, then epochs of operations and bursts. */
static unsigned run_round(struct world *w, unsigned frames_left)
{
	unsigned used = 0, epochs = 4 + rnd(8);
	struct rm_op first;

	/* start most rounds with VFs */
	memset(&first, 0, offsetof(struct rm_op, macs));
	first.kind = RM_NUMVFS;
	first.a = chance(80) ? 1 + rnd(w->p->max_vfs < 8 ? w->p->max_vfs : 8)
			     : rnd(w->p->max_vfs + 1u);
	cr_assert_eq(snic_nic_set_numvfs(w->nic, first.a, NULL), 0);
	rm_apply(w->m, &first);
	oplog(w, "numvfs %u", first.a);
	/* most VFs get a MAC of their own, by the PF or by asking */
	for (unsigned vf = 0; vf < first.a; vf++) {
		struct rm_op op;

		if (chance(15))
			continue;
		memset(&op, 0, offsetof(struct rm_op, macs));
		op.kind = chance(50) ? RM_VF_MAC : RM_REQ_MAC;
		op.vf = vf;
		memcpy(op.mac, w->uni[1 + vf % (NUNI_MAC - 1)], 6);
		cr_assert_eq(apply_real(w, &op, NULL, NULL), 0);
		rm_apply(w->m, &op);
	}
	for (w->epoch = 0; w->epoch < epochs && used < frames_left; w->epoch++) {
		unsigned nops = w->epoch ? rnd(12) : 10 + rnd(30);
		unsigned bursts = 2 + rnd(10);

		for (unsigned i = 0; i < nops; i++)
			step_op(w);
		commit(w);
		for (w->burst = 0; w->burst < bursts && used < frames_left; w->burst++)
			used += step_burst(w);
	}
	return used;
}

/* Rounds until @frames frames agree; SNIC_MODEL_* as the file says. */
static void run_model(unsigned frames)
{
	const char *s = getenv("SNIC_MODEL_SEED");
	const char *f = getenv("SNIC_MODEL_FRAMES");
	const char *r = getenv("SNIC_MODEL_ROUND");
	uint64_t seed = s ? strtoull(s, NULL, 0) : DEFAULT_SEED;
	unsigned done = 0, round = r ? (unsigned)strtoul(r, NULL, 0) : 0;
	static struct world w;

	if (f)
		frames = (unsigned)strtoul(f, NULL, 0);
	load_plugins(&w);
	while (done < frames) {
		/* each round has its own seed, so that it can be run alone */
		rng_state = seed + round * 0x1000193ull;
		world_init(&w, round);
		w.seed = seed;
		done += run_round(&w, frames - done);
		stats_round(w.mctr);
		world_fini(&w);
		round++;
	}
	unload_plugins(&w);
	stats_print();
	cr_log_info("model: %u frames in %u rounds agree (seed 0x%" PRIx64 ")", done, round, seed);
}

Test(model, real_nic_against_reference_model, .timeout = 900)
{
	run_model(DEFAULT_FRAMES);
}

Test(model, lane_shaped_frames_against_reference_model, .timeout = 900)
{
	lane_bias = true;
	run_model(DEFAULT_FRAMES / 2);
}
