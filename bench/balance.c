/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * bench_balance: the RSS balancer's policies replayed on synthetic traces.
 *
 * Each trace is written by `snic gen` (Zipf flow sizes with exponents 0.8,
 * 1.0 and 1.2, a few elephants among many mice, and elephants whose load
 * shifts to other flows halfway) into a temporary directory, read back
 * with libpcap, parsed and hashed once (the generic profile's default key,
 * tcp4/udp4 on sdfn) and cut into 10 ms slots of per-flow frame counts.
 *
 * Then every policy replays the trace with 8 queues and a 512-entry RETA:
 * a slot's frames go to the queues that the RETA and the pins in force
 * during that slot name. A policy steps at the end of each of its periods
 * and sees only what that period measured: the bucket loads (frames of
 * flows not pinned) and the 32 heaviest flows not pinned plus every pinned
 * one. What it decides applies from the next slot on.
 *
 * Figures per 100 ms measurement period: the imbalance (max - min) / min
 * and max / mean of the queues' frames, buckets moved, flows moved (a flow
 * whose queue changed with frames in the 10 ms slot before and the one
 * after) and their frames in the slot after (frames at risk of reorder).
 * "floor" is the least imbalance any placement of whole flows allows,
 * from the heaviest flow of each period; "counting noise" what a perfect
 * split shows from frames picking flows at random. The first half second
 * is the warm-up, shown apart; "mean" and "worst" are over the rest. Rows
 * other than static, rsspp and snic run those policies with other
 * periods. A line per trace checks the goals; the last line is JSON.
 * Figures only: nothing is asserted.
 *
 * Usage: bench_balance [SNIC] [--frames N] [--seed N] [--trace NAME]
 * [--series] (--series prints every period of every policy).
 * SNIC is the snic binary (or $SNIC_BIN; default build/release/cli/snic).
 */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <pcap/pcap.h>
#include <spawn.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "snic/balance.h"
#include "snic/parse.h"
#include "snic/profile.h"
#include "snic/rss.h"

extern char **environ;

#define NQ	  8
#define RETA	  512
#define SLOT_NS	  10000000ull /* 10 ms */
#define PERIOD	  10	      /* slots per 100 ms measurement period */
#define WARMUP	  10	      /* periods of warm-up: the first second */
#define TOPK	  32
#define FLOWS_MAX (1u << 22)

struct trace_spec {
	const char *name;
	const char *dist;
	bool shift;
};

static const struct trace_spec specs[] = {
	{"zipf0.8", "zipf:0.8", false},	   {"zipf1.0", "zipf:1.0", false},
	{"zipf1.2", "zipf:1.2", false},	   {"elephants", "elephants:8:50", false},
	{"shift", "elephants:8:50", true},
};
#define NTRACES (sizeof(specs) / sizeof(specs[0]))

/* The policies, with their default periods and some others. */
struct variant {
	const char *label;
	uint8_t policy;
	uint32_t period, min, max; /* ms; 0: the policy's default */
};

static const struct variant variants[] = {
	{"static", SNIC_BAL_STATIC, 0, 0, 0},
	/* every 100 ms, adapting up to 1 s */
	{"rsspp", SNIC_BAL_RSSPP, 0, 0, 0},
	/* a fixed 100 ms, the default of the public RSS++ code (TIMER_MAX = TIMER) */
	{"rsspp-100", SNIC_BAL_RSSPP, 100, 100, 100},
	/* 10 ms to 1 s, the example of the public RSS++ README */
	{"rsspp-10", SNIC_BAL_RSSPP, 10, 10, 1000},
	/* a fixed 20 ms, snic's step */
	{"rsspp-20", SNIC_BAL_RSSPP, 20, 20, 20},
	/* a step every 20 ms */
	{"snic", SNIC_BAL_SNIC, 0, 0, 0},
	/* a step every 100 ms */
	{"snic-100", SNIC_BAL_SNIC, 100, 100, 100},
};
#define NPOL (sizeof(variants) / sizeof(variants[0]))

/* --- A trace: flows and per-slot counts -------------------------------------------- */

struct flow {
	struct snic_balance_tuple t;
	uint16_t bucket;
};

struct trace {
	struct flow *flow;
	uint32_t nflows, cap;
	uint32_t *table; /* open addressing: flow index + 1, 0 empty */
	uint32_t tmask;
	uint32_t nslots;
	uint32_t *slot_off; /* [nslots + 1] into ent */
	uint32_t *ent_flow;
	uint32_t *ent_cnt;
	uint64_t nent, ent_cap, frames;
	/* building */
	uint32_t *cnt; /* [cap] counts of the open slot */
	uint32_t *touched;
	uint32_t ntouched;
};

__attribute__((noreturn)) static void die(const char *what)
{
	fprintf(stderr, "bench_balance: %s\n", what);
	exit(1);
}

static void *xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (!p)
		die("out of memory");
	return p;
}

static uint64_t tuple_hash(const struct snic_balance_tuple *t)
{
	const uint8_t *p = (const uint8_t *)t;
	uint64_t h = 1469598103934665603ull;

	for (size_t i = 0; i < sizeof(*t); i++)
		h = (h ^ p[i]) * 1099511628211ull;
	return h ^ (h >> 29);
}

static void trace_grow(struct trace *tr)
{
	tr->cap = tr->cap ? tr->cap * 2 : 1024;
	tr->flow = xrealloc(tr->flow, tr->cap * sizeof(*tr->flow));
	tr->cnt = xrealloc(tr->cnt, tr->cap * sizeof(*tr->cnt));
	tr->touched = xrealloc(tr->touched, tr->cap * sizeof(*tr->touched));
	memset(tr->cnt + tr->nflows, 0, (tr->cap - tr->nflows) * sizeof(*tr->cnt));
}

/* The index of the flow with tuple @t, added when new. */
static uint32_t flow_id(struct trace *tr, const struct snic_balance_tuple *t, uint16_t bucket)
{
	uint32_t i = (uint32_t)tuple_hash(t) & tr->tmask;

	for (;; i = (i + 1) & tr->tmask) {
		uint32_t f = tr->table[i];

		if (!f)
			break;
		if (!memcmp(&tr->flow[f - 1].t, t, sizeof(*t)))
			return f - 1;
	}
	if (tr->nflows >= FLOWS_MAX)
		die("too many flows");
	if (tr->nflows == tr->cap)
		trace_grow(tr);
	tr->flow[tr->nflows].t = *t;
	tr->flow[tr->nflows].bucket = bucket;
	tr->table[i] = ++tr->nflows;
	return tr->nflows - 1;
}

/* Close the open slot: its counts become entries. */
static void slot_close(struct trace *tr)
{
	if (tr->nent + tr->ntouched > tr->ent_cap) {
		tr->ent_cap = (tr->nent + tr->ntouched) * 2;
		tr->ent_flow = xrealloc(tr->ent_flow, tr->ent_cap * sizeof(*tr->ent_flow));
		tr->ent_cnt = xrealloc(tr->ent_cnt, tr->ent_cap * sizeof(*tr->ent_cnt));
	}
	for (uint32_t k = 0; k < tr->ntouched; k++) {
		uint32_t f = tr->touched[k];

		tr->ent_flow[tr->nent] = f;
		tr->ent_cnt[tr->nent++] = tr->cnt[f];
		tr->cnt[f] = 0;
	}
	tr->ntouched = 0;
	tr->slot_off = xrealloc(tr->slot_off, (tr->nslots + 2) * sizeof(*tr->slot_off));
	tr->slot_off[++tr->nslots] = (uint32_t)tr->nent;
}

static void tuple_of(const struct snic_pkt *pkt, struct snic_balance_tuple *t)
{
	const struct snic_hdr *h = &pkt->outer;

	memset(t, 0, sizeof(*t));
	if (h->l3 != SNIC_L3_IPV4 && h->l3 != SNIC_L3_IPV6)
		return;
	t->ip_ver = h->l3 == SNIC_L3_IPV4 ? 4 : 6;
	t->l4_proto = h->l4_proto;
	memcpy(t->ip_src, h->ip_src, 16);
	memcpy(t->ip_dst, h->ip_dst, 16);
	if (h->flags & SNIC_HF_L4) {
		t->sport = h->sport;
		t->dport = h->dport;
	}
}

struct reader {
	struct trace *tr;
	const struct snic_rss *rss;
	uint64_t t0;
	bool started;
};

static void on_frame(u_char *user, const struct pcap_pkthdr *h, const u_char *data)
{
	struct reader *r = (struct reader *)user;
	struct trace *tr = r->tr;
	uint64_t ts = (uint64_t)h->ts.tv_sec * 1000000000ull + (uint64_t)h->ts.tv_usec;
	struct snic_balance_tuple t;
	struct snic_pkt pkt;
	uint32_t f;

	if (!r->started) {
		r->t0 = ts;
		r->started = true;
		tr->slot_off = xrealloc(NULL, sizeof(*tr->slot_off));
		tr->slot_off[0] = 0;
	}
	while ((ts - r->t0) / SLOT_NS >= tr->nslots + 1ull)
		slot_close(tr);
	snic_parse(data, h->caplen, &pkt);
	tuple_of(&pkt, &t);
	f = flow_id(tr, &t, (uint16_t)(snic_rss_hash(r->rss, &pkt) & (RETA - 1)));
	if (!tr->cnt[f]++)
		tr->touched[tr->ntouched++] = f;
	tr->frames++;
}

static struct snic_rss *make_rss(void)
{
	const struct snic_profile *p = snic_profile_find("generic");
	struct snic_rss_conf c;
	struct snic_rss *rss = NULL;
	struct snic_err err = {0};

	if (!p)
		die("no generic profile");
	snic_profile_rss_default(p, NQ, &c);
	c.reta_size = RETA;
	if (snic_reta_equal(c.reta, RETA, NQ, 0, &err) || snic_rss_new(&c, &rss, &err))
		die(err.msg);
	return rss;
}

static void trace_read(struct trace *tr, const char *path)
{
	char eb[PCAP_ERRBUF_SIZE];
	pcap_t *pc = pcap_open_offline_with_tstamp_precision(path, PCAP_TSTAMP_PRECISION_NANO, eb);
	struct reader r = {tr, make_rss(), 0, false};

	if (!pc)
		die(eb);
	tr->tmask = (1u << 23) - 1;
	tr->table = calloc(tr->tmask + 1ull, sizeof(*tr->table));
	if (!tr->table)
		die("out of memory");
	if (pcap_loop(pc, -1, on_frame, (u_char *)&r) < 0)
		die(pcap_geterr(pc));
	if (tr->ntouched)
		slot_close(tr);
	pcap_close(pc);
	snic_rss_free((struct snic_rss *)r.rss);
	free(tr->table);
	tr->table = NULL;
}

static void trace_free(struct trace *tr)
{
	free(tr->flow);
	free(tr->slot_off);
	free(tr->ent_flow);
	free(tr->ent_cnt);
	free(tr->cnt);
	free(tr->touched);
	memset(tr, 0, sizeof(*tr));
}

/* --- Writing a trace with snic gen ------------------------------------------------- */

struct opts {
	const char *snic, *frames, *only, *seed;
};

static void run_gen(const struct opts *o, const char *out, const struct trace_spec *s)
{
	char *argv[16];
	int n = 0, st;
	pid_t pid;
	posix_spawn_file_actions_t fa;

	argv[n++] = (char *)o->snic;
	argv[n++] = "gen";
	argv[n++] = "-o";
	argv[n++] = (char *)out;
	argv[n++] = "--frames";
	argv[n++] = (char *)o->frames;
	argv[n++] = "--rate";
	argv[n++] = "1Mpps";
	argv[n++] = "--flows";
	argv[n++] = "100k";
	argv[n++] = "--dist";
	argv[n++] = (char *)s->dist;
	argv[n++] = "--seed";
	argv[n++] = (char *)o->seed;
	if (s->shift)
		argv[n++] = "--shift";
	argv[n] = NULL;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", 1, 0);
	if (posix_spawn(&pid, o->snic, &fa, NULL, argv, environ))
		die("can't run snic gen (give the snic binary as the first argument)");
	posix_spawn_file_actions_destroy(&fa);
	if (waitpid(pid, &st, 0) < 0 || !WIFEXITED(st) || WEXITSTATUS(st))
		die("snic gen failed");
}

/* --- Replay ------------------------------------------------------------------------ */

struct result {
	double imb_sum, imb_worst, mm_sum;	/* steady periods */
	double wimb_sum, wimb_worst;		/* warm-up periods */
	uint64_t moved, moved_max, nper, nwarm; /* buckets moved per period: steady */
	uint64_t wmoved;
	uint64_t flows_moved, risk_frames, pin_ops, steps;
	unsigned pins_max;
};

struct replay {
	const struct trace *tr;
	struct snic_balance *b;
	uint16_t reta[RETA];
	int16_t *pinq;	   /* [nflows]: queue of a pinned flow, -1 */
	uint32_t *acc;	   /* [nflows]: frames since the last step */
	uint32_t *touched; /* flows with acc > 0 */
	uint32_t ntouched;
	uint8_t *mark; /* [nflows]: queue changed at the last step */
	uint64_t bload[RETA];
	uint64_t qload[NQ];
	uint64_t moved_now;
	uint32_t next_step;
	struct snic_balance_flow *top;
	unsigned npins;
};

static unsigned queue_of(const struct replay *rp, uint32_t f)
{
	return rp->pinq[f] >= 0 ? (unsigned)rp->pinq[f] : rp->reta[rp->tr->flow[f].bucket];
}

static void heap_down(struct snic_balance_flow *h, unsigned n, unsigned i)
{
	for (;;) {
		unsigned l = 2 * i + 1, m = i;

		if (l < n && h[l].load < h[m].load)
			m = l;
		if (l + 1 < n && h[l + 1].load < h[m].load)
			m = l + 1;
		if (m == i)
			return;
		struct snic_balance_flow t = h[i];

		h[i] = h[m];
		h[m] = t;
		i = m;
	}
}

static void fill_flow(const struct replay *rp, uint32_t f, struct snic_balance_flow *o)
{
	o->key = f;
	o->load = rp->acc[f];
	o->bucket = rp->tr->flow[f].bucket;
	o->tuple = rp->tr->flow[f].t;
}

/* The TOPK heaviest flows not pinned (a min-heap), then the pinned ones. */
static unsigned heavy_flows(struct replay *rp)
{
	unsigned n = 0;

	for (uint32_t k = 0; k < rp->ntouched; k++) {
		uint32_t f = rp->touched[k];

		if (rp->pinq[f] >= 0)
			continue;
		if (n < TOPK) {
			fill_flow(rp, f, &rp->top[n++]);
			if (n == TOPK)
				for (int i = TOPK / 2 - 1; i >= 0; i--)
					heap_down(rp->top, n, (unsigned)i);
		} else if (rp->acc[f] > rp->top[0].load) {
			fill_flow(rp, f, &rp->top[0]);
			heap_down(rp->top, n, 0);
		}
	}
	for (uint32_t k = 0; k < rp->ntouched; k++)
		if (rp->pinq[rp->touched[k]] >= 0)
			fill_flow(rp, rp->touched[k], &rp->top[n++]);
	return n;
}

static void apply_pins(struct replay *rp, const struct snic_balance_plan *plan)
{
	for (unsigned i = 0; i < plan->npins; i++) {
		const struct snic_balance_pin *p = &plan->pins[i];

		rp->pinq[p->key] = p->op == SNIC_PIN_DEL ? -1 : (int16_t)p->queue;
	}
}

/* Step the policy at the end of slot @s: flows of slot @s whose queue the
 * step changes are marked. */
static void step(struct replay *rp, uint32_t s, struct result *r)
{
	const struct trace *tr = rp->tr;
	struct snic_balance_input in = {rp->bload, NULL, rp->top, heavy_flows(rp), 0};
	struct snic_balance_plan plan;
	uint32_t a = tr->slot_off[s], e = tr->slot_off[s + 1];
	uint8_t *oldq = (uint8_t *)rp->mark; /* old queue + 1, then the mark */
	int rc;

	for (uint32_t k = a; k < e; k++)
		oldq[tr->ent_flow[k]] = (uint8_t)(queue_of(rp, tr->ent_flow[k]) + 1);
	rc = snic_balance_step(rp->b, &in, rp->reta, &plan);
	if (rc < 0)
		die("snic_balance_step failed");
	apply_pins(rp, &plan);
	for (uint32_t k = a; k < e; k++) {
		uint32_t f = tr->ent_flow[k];

		oldq[f] = oldq[f] != queue_of(rp, f) + 1;
	}
	rp->moved_now += plan.nmoves;
	r->pin_ops += plan.npins;
	r->steps++;
	snic_balance_pins(rp->b, &rp->npins);
	r->pins_max = rp->npins > r->pins_max ? rp->npins : r->pins_max;
	rp->next_step = s + 1 + (plan.next_period_ms * 1000000ull + SLOT_NS - 1) / SLOT_NS;
	memset(rp->bload, 0, sizeof(rp->bload));
	for (uint32_t k = 0; k < rp->ntouched; k++)
		rp->acc[rp->touched[k]] = 0;
	rp->ntouched = 0;
}

/* Frames of slot @s to their queues; marked flows count as moved. */
static void run_slot(struct replay *rp, uint32_t s, struct result *r, bool marked)
{
	const struct trace *tr = rp->tr;

	for (uint32_t k = tr->slot_off[s]; k < tr->slot_off[s + 1]; k++) {
		uint32_t f = tr->ent_flow[k], c = tr->ent_cnt[k];

		rp->qload[queue_of(rp, f)] += c;
		if (rp->pinq[f] < 0)
			rp->bload[tr->flow[f].bucket] += c;
		if (!rp->acc[f])
			rp->touched[rp->ntouched++] = f;
		rp->acc[f] += c;
		if (marked && rp->mark[f] == 1) {
			r->flows_moved++;
			r->risk_frames += c;
		}
	}
	if (marked)
		for (uint32_t k = tr->slot_off[s - 1]; k < tr->slot_off[s]; k++)
			rp->mark[tr->ent_flow[k]] = 0;
}

static bool series; /* --series: print each period */

static void close_period(struct replay *rp, uint32_t per, struct result *r)
{
	double imb = snic_balance_imbalance(rp->qload, NULL, NQ), sum = 0, max = 0;

	if (series) {
		printf("  period %2u imb %8.2f%% moved %3" PRIu64 " q", per, imb * 100,
		       rp->moved_now);
		for (unsigned q = 0; q < NQ; q++)
			printf(" %6" PRIu64, rp->qload[q]);
		printf("\n");
	}

	for (unsigned q = 0; q < NQ; q++) {
		sum += (double)rp->qload[q];
		max = (double)rp->qload[q] > max ? (double)rp->qload[q] : max;
	}
	if (per < WARMUP) {
		r->wimb_sum += imb;
		r->wimb_worst = imb > r->wimb_worst ? imb : r->wimb_worst;
		r->wmoved += rp->moved_now;
		r->nwarm++;
	} else {
		r->imb_sum += imb;
		r->imb_worst = imb > r->imb_worst ? imb : r->imb_worst;
		r->mm_sum += sum > 0 ? max / (sum / NQ) : 0;
		r->moved += rp->moved_now;
		r->moved_max = rp->moved_now > r->moved_max ? rp->moved_now : r->moved_max;
		r->nper++;
	}
	rp->moved_now = 0;
	memset(rp->qload, 0, sizeof(rp->qload));
}

static void replay_init(struct replay *rp, const struct trace *tr, const struct variant *v)
{
	struct snic_balance_conf c;
	struct snic_err err = {0};

	memset(rp, 0, sizeof(*rp));
	rp->tr = tr;
	snic_balance_conf_default(&c, v->policy, NQ, RETA);
	if (v->period) {
		c.period_ms = v->period;
		c.period_min_ms = v->min;
		c.period_max_ms = v->max;
	}
	if (snic_balance_new(&c, &rp->b, &err))
		die(err.msg);
	if (snic_reta_equal(rp->reta, RETA, NQ, 0, &err))
		die(err.msg);
	rp->pinq = xrealloc(NULL, tr->nflows * sizeof(*rp->pinq));
	memset(rp->pinq, 0xff, tr->nflows * sizeof(*rp->pinq));
	rp->acc = calloc(tr->nflows, sizeof(*rp->acc));
	rp->mark = calloc(tr->nflows, 1);
	rp->touched = xrealloc(NULL, tr->nflows * sizeof(*rp->touched));
	rp->top = xrealloc(NULL, (TOPK + c.max_pins + 1) * sizeof(*rp->top));
	if (!rp->acc || !rp->mark)
		die("out of memory");
	rp->next_step = (uint32_t)(c.period_ms * 1000000ull / SLOT_NS);
}

static void replay_free(struct replay *rp)
{
	snic_balance_free(rp->b);
	free(rp->pinq);
	free(rp->acc);
	free(rp->mark);
	free(rp->touched);
	free(rp->top);
}

static void replay(const struct trace *tr, const struct variant *v, struct result *r)
{
	struct replay rp;
	uint32_t nper = tr->nslots / PERIOD;
	bool marked = false;

	memset(r, 0, sizeof(*r));
	replay_init(&rp, tr, v);
	for (uint32_t s = 0; s < nper * PERIOD; s++) {
		run_slot(&rp, s, r, marked);
		marked = false;
		if ((s + 1) % PERIOD == 0)
			close_period(&rp, s / PERIOD, r);
		if (s + 1 == rp.next_step) {
			step(&rp, s, r);
			marked = true;
		}
	}
	replay_free(&rp);
}

/* --- The floor: the least imbalance whole flows allow ------------------------------ */

static double floor_of(const struct trace *tr, uint32_t per, uint32_t *acc, uint32_t *touched)
{
	uint64_t total = 0, top = 0;
	uint32_t nt = 0;

	for (uint32_t s = per * PERIOD; s < (per + 1) * PERIOD; s++) {
		for (uint32_t k = tr->slot_off[s]; k < tr->slot_off[s + 1]; k++) {
			uint32_t f = tr->ent_flow[k];

			if (!acc[f])
				touched[nt++] = f;
			acc[f] += tr->ent_cnt[k];
			total += tr->ent_cnt[k];
		}
	}
	for (uint32_t k = 0; k < nt; k++) {
		top = acc[touched[k]] > top ? acc[touched[k]] : top;
		acc[touched[k]] = 0;
	}
	if (top * NQ <= total)
		return 0;
	return (double)top * (NQ - 1) / (double)(total - top) - 1;
}

/*
 * What counting alone gives: frames that pick their flow at random spread
 * over ideal queues as a multinomial; the expected range of 8 normal
 * draws is 2.847 of their deviation, so (max - min) / min is about
 * 2.847 * sqrt((1 - 1/8) / (frames / 8)).
 */
static double trace_noise(const struct trace *tr)
{
	uint32_t nper = tr->nslots / PERIOD, n = 0;
	double sum = 0;

	for (uint32_t p = WARMUP; p < nper; p++, n++) {
		double t = 0;

		for (uint32_t k = tr->slot_off[p * PERIOD]; k < tr->slot_off[(p + 1) * PERIOD]; k++)
			t += tr->ent_cnt[k];
		if (t > 0)
			sum += 2.847 * sqrt((1 - 1.0 / NQ) / (t / NQ));
	}
	return n ? sum / n : 0;
}

static double trace_floor(const struct trace *tr)
{
	uint32_t *acc = calloc(tr->nflows, sizeof(*acc)), *touched = calloc(tr->nflows, 4);
	uint32_t nper = tr->nslots / PERIOD, n = 0;
	double sum = 0;

	if (!acc || !touched)
		die("out of memory");
	for (uint32_t p = WARMUP; p < nper; p++, n++)
		sum += floor_of(tr, p, acc, touched);
	free(acc);
	free(touched);
	return n ? sum / n : 0;
}

/* --- Output ------------------------------------------------------------------------ */

struct trace_res {
	bool done;
	double floor, noise;
	struct result r[NPOL];
};

static void print_head(const struct trace_spec *s, const struct trace *tr,
		       const struct trace_res *tr_res)
{
	printf("\n%s: --dist %s%s, %" PRIu64 " frames, %u flows, %u periods of 100 ms; "
	       "floor %.1f %%, counting noise %.1f %%\n",
	       s->name, s->dist, s->shift ? " --shift" : "", tr->frames, tr->nflows,
	       tr->nslots / PERIOD, tr_res->floor * 100, tr_res->noise * 100);
	if (tr->nslots / PERIOD <= WARMUP)
		printf("(every period is warm-up: give more --frames)\n");
	printf("%-9s %8s %8s %8s %8s %8s %6s %4s %7s %8s %9s %5s %6s\n", "policy", "imb mean",
	       "worst", "max/mean", "warm-up", "w worst", "moved", "max", "% RETA", "flows mv",
	       "risk frm", "pins", "steps");
}

static double moved_mean(const struct result *r)
{
	return r->nper ? (double)r->moved / r->nper : 0;
}

static double imb_mean(const struct result *r)
{
	return r->nper ? r->imb_sum / r->nper : 0;
}

static void print_row(const struct variant *v, const struct result *r)
{
	printf("%-9s %7.2f%% %7.2f%% %8.3f %7.2f%% %7.2f%% %6.2f %4" PRIu64 " %6.2f%% %8" PRIu64
	       " %9" PRIu64 " %5u %6" PRIu64 "\n",
	       v->label, imb_mean(r) * 100, r->imb_worst * 100, r->nper ? r->mm_sum / r->nper : 0,
	       r->nwarm ? r->wimb_sum / r->nwarm * 100 : 0, r->wimb_worst * 100, moved_mean(r),
	       r->moved_max, moved_mean(r) / RETA * 100, r->flows_moved, r->risk_frames,
	       r->pins_max, r->steps);
}

static const struct result *by_label(const struct trace_res *t, const char *label)
{
	for (unsigned p = 0; p < NPOL; p++)
		if (!strcmp(variants[p].label, label))
			return &t->r[p];
	return NULL;
}

/* The goals: snic's mean at most 5 %, at most 2 % of the RETA moved in any
 * period, a worst no worse than that of every rsspp variant. */
static void print_goals(const struct trace_res *t)
{
	const struct result *sn = by_label(t, "snic");
	bool worst = true;

	for (unsigned p = 0; p < NPOL; p++)
		if (variants[p].policy == SNIC_BAL_RSSPP && sn->imb_worst > t->r[p].imb_worst)
			worst = false;
	printf("goals: snic mean %.2f %% <= 5 %%: %s; moved max %.2f %% <= 2 %%: %s; "
	       "worst %.2f %% <= every rsspp's: %s\n",
	       imb_mean(sn) * 100, imb_mean(sn) <= 0.05 ? "yes" : "no",
	       (double)sn->moved_max / RETA * 100, sn->moved_max * 50 <= RETA ? "yes" : "no",
	       sn->imb_worst * 100, worst ? "yes" : "no");
}

static void print_json_res(const struct variant *v, const struct result *r)
{
	printf(",\"%s\":{\"mean\":%.4f,\"worst\":%.4f,\"mean_warmup\":%.4f,"
	       "\"moved\":%.2f,\"moved_max\":%" PRIu64 ",\"moved_pct\":%.3f,"
	       "\"flows_moved\":%" PRIu64 ",\"risk_frames\":%" PRIu64 "}",
	       v->label, imb_mean(r), r->imb_worst, r->nwarm ? r->wimb_sum / r->nwarm : 0,
	       moved_mean(r), r->moved_max, moved_mean(r) / RETA * 100, r->flows_moved,
	       r->risk_frames);
}

static void print_json(const struct trace_res *res)
{
	printf("{\"bench\":\"balance\",\"queues\":%d,\"reta\":%d,\"traces\":{", NQ, RETA);
	for (unsigned t = 0, first = 1; t < NTRACES; t++) {
		if (!res[t].done)
			continue;
		printf("%s\"%s\":{\"floor\":%.4f,\"noise\":%.4f", first ? "" : ",", specs[t].name,
		       res[t].floor, res[t].noise);
		first = 0;
		for (unsigned p = 0; p < NPOL; p++)
			print_json_res(&variants[p], &res[t].r[p]);
		printf("}");
	}
	printf("}}\n");
}

/* --- Main -------------------------------------------------------------------------- */

static void run_trace(const struct opts *o, unsigned t, struct trace_res *res)
{
	char dir[] = "/tmp/snic-balance-XXXXXX", path[64];
	struct trace tr = {0};

	if (!mkdtemp(dir))
		die("can't make a temporary directory");
	snprintf(path, sizeof(path), "%s/trace.pcap", dir);
	run_gen(o, path, &specs[t]);
	trace_read(&tr, path);
	unlink(path);
	rmdir(dir);
	res->floor = trace_floor(&tr);
	res->noise = trace_noise(&tr);
	print_head(&specs[t], &tr, res);
	for (unsigned p = 0; p < NPOL; p++) {
		replay(&tr, &variants[p], &res->r[p]);
		print_row(&variants[p], &res->r[p]);
	}
	print_goals(res);
	res->done = true;
	fflush(stdout);
	trace_free(&tr);
}

static void parse_opts(int argc, char **argv, struct opts *o)
{
	o->snic = getenv("SNIC_BIN");
	o->frames = "5M";
	o->only = NULL;
	o->seed = "1";
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--frames") && i + 1 < argc)
			o->frames = argv[++i];
		else if (!strcmp(argv[i], "--trace") && i + 1 < argc)
			o->only = argv[++i];
		else if (!strcmp(argv[i], "--seed") && i + 1 < argc)
			o->seed = argv[++i];
		else if (!strcmp(argv[i], "--series"))
			series = true;
		else
			o->snic = argv[i];
	}
	if (!o->snic)
		o->snic = "build/release/cli/snic";
}

int main(int argc, char **argv)
{
	static struct trace_res res[NTRACES];
	struct opts o;

	parse_opts(argc, argv, &o);
	printf("bench_balance: %d queues, %d-entry RETA, periods of 100 ms, warm-up %d "
	       "periods, seed %s\n",
	       NQ, RETA, WARMUP, o.seed);
	for (unsigned t = 0; t < NTRACES; t++)
		if (!o.only || !strcmp(o.only, specs[t].name))
			run_trace(&o, t, &res[t]);
	print_json(res);
	return 0;
}
