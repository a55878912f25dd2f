/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * bench_classify: frames per second through snic_rx on one core.
 *
 * The NIC: ice-e810 (an 82599 holds 128 MAC entries in all, too few), the
 * PF and 8 VFs (16 queues each, a key and RETA per pool), 1000 MAC entries
 * (MACVLAN filters of the VFs and unicast entries of the PF), 100 flow
 * rules spread over the pools, RSS on.
 * The traffic: the smallest frames of a mix of IPv4/IPv6 TCP/UDP, padded
 * to 64 bytes where shorter (IPv6 and VXLAN frames can't be that short),
 * 10 % of them VXLAN, to the 1000 MACs and the pools' own, in bursts of 32.
 *
 * Prints ns per frame (median of the runs), the cost of the RSS hash alone
 * on frames parsed beforehand, one by one (snic_rss_hash) and in bursts as
 * snic_rx computes it (snic_rss_hash_burst), and of the parse alone, then
 * one JSON line. Figures only: nothing is asserted.
 *
 * Times are the thread's CPU time (CLOCK_THREAD_CPUTIME_ID): the cost on
 * one core, which on a quiet machine is the wall-clock time, and on a shared
 * one leaves out the time the core spent on others.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "snic/craft.h"
#include "snic/ctr.h"
#include "snic/dp.h"
#include "snic/nic.h"
#include "snic/parse.h"
#include "snic/profile.h"
#include "snic/rss.h"

#define NVF	 8
#define NMAC	 1000
#define NRULES	 100
#define NFRAMES	 4096 /* distinct frames, reused round-robin */
#define FRAME_SZ 128
#define BURST	 32
#define RUNS	 7
#define PASSES	 256 /* passes over the frame set per run: 1M frames */

static const uint8_t pf_mac[6] = {0x02, 0, 0, 0, 0, 0xfe};

struct bench {
	struct snic_nic *nic;
	struct snic_cfg *cfg;
	struct snic_ctr *ctr;
	uint8_t macs[NMAC + NVF + 1][6];
	unsigned nmacs;
	uint8_t (*buf)[FRAME_SZ];
	struct snic_frame frames[NFRAMES];
	struct snic_pkt *pkts;
};

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double median(double *v, unsigned n)
{
	qsort(v, n, sizeof(*v), cmp_double);
	return v[n / 2];
}

static void die(const char *what, const struct snic_err *err)
{
	fprintf(stderr, "bench_classify: %s: %s\n", what, err->msg);
	exit(1);
}

/* MAC i of the table: VF (i % 8)'s MACVLAN filters, every ninth one a
 * unicast entry of the PF. */
static void add_macs(struct bench *b, struct snic_err *err)
{
	for (unsigned vf = 0; vf < NVF; vf++) {
		uint8_t mac[6] = {0x02, 0, 0, 0, 1, (uint8_t)vf};

		memcpy(b->macs[b->nmacs++], mac, 6);
		if (snic_vf_req_mac(b->nic, vf, mac, err))
			die("vf mac", err);
	}
	memcpy(b->macs[b->nmacs++], pf_mac, 6);
	for (unsigned i = 0; i < NMAC; i++) {
		uint8_t mac[6] = {0x02, 0x10, 0, (uint8_t)(i >> 16), (uint8_t)(i >> 8), (uint8_t)i};
		int rc = i % 9 == 8 ? snic_pf_set_macvlan(b->nic, mac, true, err)
				    : snic_vf_req_macvlan(b->nic, i % NVF, mac, true, err);

		if (rc)
			die("macvlan", err);
		memcpy(b->macs[b->nmacs++], mac, 6);
	}
}

/* 100 rules, about 11 a pool: UDP/TCP destination ports and IPv4
 * destination prefixes; a few percent of the traffic hits one. */
static void add_rules(struct bench *b, struct snic_err *err)
{
	for (unsigned i = 0; i < NRULES; i++) {
		struct snic_flow_rule r;

		memset(&r, 0, sizeof(r));
		r.vport = (uint16_t)(i % (NVF + 1));
		r.priority = i % 4;
		r.match = SNIC_FM_L4_PROTO | SNIC_FM_DPORT;
		r.l4_proto = i & 1 ? 17 : 6;
		r.dport = (uint16_t)(1000 + i * 37);
		r.dport_mask = 0xffff;
		if (i % 3 == 0) {
			r.match = SNIC_FM_IP_DST | SNIC_FM_L4_PROTO;
			r.ip_ver = 4;
			r.ip_dst[0] = 192;
			r.ip_dst[1] = 168;
			r.ip_dst[2] = (uint8_t)i;
			r.dst_plen = 24;
		}
		r.action = i % 5 == 0 ? SNIC_ACT_DROP : SNIC_ACT_QUEUE;
		r.queue = (uint16_t)(i % 4);
		if (snic_flow_create(b->nic, &r, err) < 0)
			die("flow rule", err);
	}
}

static void setup_nic(struct bench *b)
{
	const struct snic_profile *p = snic_profile_find("ice-e810");
	struct snic_err err = {0};

	if (!p || snic_nic_new(p, pf_mac, &b->nic, &err) ||
	    snic_nic_set_numvfs(b->nic, NVF, &err) || snic_ctr_new(p, &b->ctr, &err))
		die("nic", &err);
	add_macs(b, &err);
	add_rules(b, &err);
	if (snic_nic_commit(b->nic, &b->cfg, &err))
		die("commit", &err);
}

static void craft_one(struct bench *b, unsigned i, struct snic_craft *c)
{
	struct snic_craft_hdr *o = &c->outer;
	unsigned r = (unsigned)rand();

	memset(c, 0, sizeof(*c));
	memcpy(o->dmac, b->macs[r % b->nmacs], 6);
	memcpy(o->smac, (uint8_t[6]){0x02, 0, 0, 0, 0x99, 1}, 6);
	o->ip_ver = i & 2 ? 6 : 4;
	o->l4_proto = i & 1 ? 17 : 6;
	o->ip_src[0] = o->ip_ver == 4 ? 10 : 0x20;
	o->ip_src[2] = (uint8_t)(r >> 8);
	o->ip_src[3] = (uint8_t)(r >> 16);
	o->ip_dst[0] = o->ip_ver == 4 ? 192 : 0x20;
	o->ip_dst[1] = 168;
	o->ip_dst[2] = (uint8_t)(r >> 24);
	o->ip_dst[3] = 1;
	o->sport = (uint16_t)(1024 + (r >> 4) % 60000);
	o->dport = (uint16_t)(1000 + (r >> 12) % 4000);
	if (i % 10 == 9) {
		c->tunnel = SNIC_TUN_VXLAN;
		c->tun_id = r & 0xffff;
		o->l4_proto = 17;
		o->dport = 0;
		c->inner = *o;
		c->inner.ip_ver = 4;
		c->inner.ip_src[0] = 172;
		c->inner.ip_dst[0] = 172;
	}
}

static void setup_frames(struct bench *b)
{
	b->buf = calloc(NFRAMES, FRAME_SZ);
	b->pkts = calloc(NFRAMES, sizeof(*b->pkts));
	if (!b->buf || !b->pkts)
		exit(1);
	srand(1);
	for (unsigned i = 0; i < NFRAMES; i++) {
		struct snic_craft c;
		int len;

		craft_one(b, i, &c);
		len = snic_craft_frame(&c, b->buf[i], FRAME_SZ);
		if (len <= 0) {
			fprintf(stderr, "bench_classify: craft: %d\n", len);
			exit(1);
		}
		b->frames[i].data = b->buf[i];
		b->frames[i].len = len < 64 ? 64 : (uint32_t)len;
		snic_parse(b->frames[i].data, b->frames[i].len, &b->pkts[i]);
	}
}

/* One run: every frame PASSES times through snic_rx, in bursts. */
static double run_rx(struct bench *b, uint64_t *ndest)
{
	static struct snic_dest dests[BURST * (NVF + 2)];
	double t0 = now_ns();
	uint64_t n = 0;

	for (unsigned pass = 0; pass < PASSES; pass++)
		for (unsigned i = 0; i < NFRAMES; i += BURST)
			n += snic_rx(b->cfg, b->ctr, &b->frames[i], BURST, dests,
				     BURST * (NVF + 2));
	*ndest = n;
	return (now_ns() - t0) / ((double)PASSES * NFRAMES);
}

static volatile uint32_t sink;

static double run_hash(struct bench *b, const struct snic_rss *rss)
{
	double t0 = now_ns();
	uint32_t acc = 0;

	for (unsigned pass = 0; pass < PASSES; pass++)
		for (unsigned i = 0; i < NFRAMES; i++)
			acc += snic_rss_hash(rss, &b->pkts[i]);
	sink = acc;
	return (now_ns() - t0) / ((double)PASSES * NFRAMES);
}

static double run_hash_burst(struct bench *b, const struct snic_rss *rss)
{
	const struct snic_pkt *pkts[BURST];
	uint32_t hashes[BURST];
	double t0 = now_ns();
	uint32_t acc = 0;

	for (unsigned pass = 0; pass < PASSES; pass++)
		for (unsigned i = 0; i < NFRAMES; i += BURST) {
			for (unsigned j = 0; j < BURST; j++)
				pkts[j] = &b->pkts[i + j];
			snic_rss_hash_burst(rss, pkts, BURST, hashes);
			acc += hashes[0];
		}
	sink = acc;
	return (now_ns() - t0) / ((double)PASSES * NFRAMES);
}

static double run_parse(struct bench *b)
{
	struct snic_pkt pkt;
	double t0 = now_ns();
	uint32_t acc = 0;

	for (unsigned pass = 0; pass < PASSES; pass++)
		for (unsigned i = 0; i < NFRAMES; i++) {
			snic_parse(b->frames[i].data, b->frames[i].len, &pkt);
			acc += pkt.outer.sport;
		}
	sink = acc;
	return (now_ns() - t0) / ((double)PASSES * NFRAMES);
}

int main(void)
{
	struct bench b = {0};
	struct snic_rss_conf conf;
	struct snic_rss *rss;
	struct snic_err err = {0};
	double rx[RUNS], hash[RUNS], hburst[RUNS], parse[RUNS], ns, hns, hbns, pns;
	uint64_t ndest = 0;

	setup_nic(&b);
	setup_frames(&b);
	if (snic_nic_rss_get(b.nic, snic_nic_pf_vport(b.nic), &conf, &err) ||
	    snic_rss_new(&conf, &rss, &err))
		die("rss", &err);
	run_rx(&b, &ndest); /* warm up */
	for (unsigned r = 0; r < RUNS; r++) {
		rx[r] = run_rx(&b, &ndest);
		hash[r] = run_hash(&b, rss);
		hburst[r] = run_hash_burst(&b, rss);
		parse[r] = run_parse(&b);
	}
	ns = median(rx, RUNS);
	hns = median(hash, RUNS);
	hbns = median(hburst, RUNS);
	pns = median(parse, RUNS);
	printf("snic_rx: ice-e810, PF + %u VFs, %u MAC entries, %u rules, RSS on\n", NVF, NMAC,
	       NRULES);
	printf("  %u frames (10%% VXLAN) x %u passes, bursts of %u, median of %u runs, thread CPU "
	       "time\n",
	       NFRAMES, PASSES, BURST, RUNS);
	printf("  destinations per frame: %.3f\n", (double)ndest / ((double)PASSES * NFRAMES));
	printf("  snic_rx              %7.1f ns/frame  %6.2f Mpps\n", ns, 1e3 / ns);
	printf("  snic_rss_hash        %7.1f ns/frame  (%.0f%% of snic_rx), one by one\n", hns,
	       100 * hns / ns);
	printf("  snic_rss_hash_burst  %7.1f ns/frame  (%.0f%% of snic_rx), bursts of %u\n", hbns,
	       100 * hbns / ns, BURST);
	printf("  snic_parse           %7.1f ns/frame  (%.0f%% of snic_rx)\n", pns, 100 * pns / ns);
	printf("{\"bench\":\"classify\",\"mpps\":%.2f,\"ns_per_frame\":%.1f,\"hash_ns\":%.1f,"
	       "\"hash_burst_ns\":%.1f,\"parse_ns\":%.1f}\n",
	       1e3 / ns, ns, hns, hbns, pns);
	snic_rss_free(rss);
	snic_cfg_free(b.cfg);
	snic_ctr_free(b.ctr);
	snic_nic_free(b.nic);
	free(b.pkts);
	free(b.buf);
	return 0;
}
