/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * snic analyze: captures through the NIC model, and what each vport and
 * queue received. The parts, one file each:
 *  - analyze.c: the command: options, one run per profile, the frame loop
 *    that feeds bursts to snic_rx() and closes periods;
 *  - analyze_read.c: the capture reader, a thread that copies frames into
 *    chunks so that reading overlaps the model;
 *  - analyze_flow.c: flows: the key of a frame, the bounded flow table,
 *    busiest-flow tables and the sketch that counts flows beyond the table;
 *  - analyze_stats.c: periods (windows, and later a balancer's period),
 *    counter deltas, imbalance figures, the worst window;
 *  - analyze_report.c: the aligned text and the JSON;
 *  - analyze_plot.c: queue load over time and the RETA heat map, drawn by
 *    gnuplot.
 *
 * Memory is bounded by the options and the NIC, never by the capture: the
 * flow table has a cap, windows are printed as they close.
 */
#ifndef SNIC_ANALYZE_H
#define SNIC_ANALYZE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "snic/ctr.h"
#include "snic/dp.h"
#include "snic/parse.h"
#include "snic/rss.h"

struct cli;
struct snic_config;
struct snic_nic;
struct snic_cfg;

#define AN_BURST	 32 /* frames per snic_rx() call */
#define AN_TOP_DEFAULT	 3  /* busiest flows shown per queue */
#define AN_TOP_MAX	 32
#define AN_FLOWS_DEFAULT (1u << 20) /* flows counted exactly per run */
#define AN_FLOWS_MIN	 1024
#define AN_FLOWS_MAX	 (1u << 26)
#define AN_TICKERS_MAX	 4 /* period clocks per run: windows, a balancer */
#define AN_NS		 1000000000ull

/* ---- the capture reader (analyze_read.c) ---- */

#define AN_CHUNK_FRAMES 4096
#define AN_CHUNK_BYTES	(2u << 20)

/* Frames as the reader hands them over: the model's frames (pointing into
 * data[]: captured bytes, what the model sees), their flow keys and
 * capture timestamps, side by side so that a burst is a slice of each. */
struct an_chunk {
	unsigned n;
	uint64_t bytes; /* captured bytes of the frames */
	uint64_t ts_min, ts_max;
	struct snic_frame fr[AN_CHUNK_FRAMES];
	uint64_t fkey[AN_CHUNK_FRAMES]; /* an_flow_key() of each frame */
	uint64_t ts[AN_CHUNK_FRAMES];	/* ns since 1970 */
	uint8_t data[AN_CHUNK_BYTES];
};

/* What became of one capture file. */
struct an_trace {
	const char *path;
	uint64_t frames; /* frames read */
	char error[256]; /* empty, or why reading stopped early */
};

struct an_reader;

/*
 * Open every capture (a bad one is a usage error: exit status 2, after
 * printing one line). Frames are then read in order, file after file, by
 * a thread of the reader's own, which also parses each frame for its flow
 * key.
 */
int an_reader_open(struct cli *cli, char **paths, unsigned n, struct an_reader **out);
int an_reader_start(struct an_reader *r);
/* The next chunk, NULL at the end. A chunk stays valid until the next call. */
const struct an_chunk *an_reader_next(struct an_reader *r);
/* Join the thread and close the files; the traces stay readable. */
void an_reader_finish(struct an_reader *r);
const struct an_trace *an_reader_traces(const struct an_reader *r, unsigned *n);
void an_reader_free(struct an_reader *r);

/* ---- flows (analyze_flow.c) ---- */

/* What a busiest flow is printed as: enough of the parsed headers to
 * name it, outer and (behind a tunnel) inner. */
struct an_fhdr {
	uint8_t l3;    /* enum snic_l3 */
	uint8_t proto; /* IP protocol */
	uint8_t ports; /* sport and dport were read */
	uint8_t frag;  /* a fragment */
	uint16_t sport;
	uint16_t dport;
	uint16_t ethertype;
	uint8_t src[16];
	uint8_t dst[16];
};

struct an_fdesc {
	uint8_t dmac[6];
	uint8_t smac[6];
	uint16_t vid;	 /* outer VLAN, 0xffff when untagged */
	uint8_t tunnel;	 /* enum snic_tunnel */
	uint8_t inner;	 /* in[1] is filled */
	uint32_t tun_id; /* with tunnel */
	struct an_fhdr in[2];
};

/* The key that says two frames are of one flow: outer VLAN, addresses,
 * protocol, ports, tunnel id, and the inner ones behind a tunnel; MACs and
 * ethertype for frames that are not IP. Never 0. */
uint64_t an_flow_key(const struct snic_pkt *pkt);
/* The same key from the frame's bytes: plain Ethernet, one VLAN tag, IPv4
 * without options or IPv6 without extension headers, TCP, UDP or SCTP are
 * read directly; anything else goes through snic_parse(). */
uint64_t an_flow_key_frame(const uint8_t *data, uint32_t len);
void an_flow_describe(const struct snic_pkt *pkt, struct an_fdesc *d);
/* "udp4 10.0.0.1:1000 > 10.0.0.2:80 vxlan 42 [tcp4 ...]" into @buf. */
char *an_flow_format(const struct an_fdesc *d, char *buf, size_t size);

/* One flow of the table: a (flow, vport, queue). 0 = empty slot. */
struct an_fent {
	uint64_t key;
	uint64_t frames;
	uint64_t bytes;
	uint32_t win;	  /* window stamp of wframes */
	uint32_t wframes; /* frames in that window */
};

/* Open addressing, linear probing; grows by doubling up to a cap and then
 * takes no more flows. A key's home slot is its low bits (never more than
 * 32 of them: AN_FLOWS_MAX keeps the table below 2^32 slots). */
struct an_ftab {
	struct an_fent *slot;
	uint64_t mask;
	uint64_t n;
	uint64_t cap;	    /* most flows it takes */
	uint64_t max_slots; /* a power of two, >= 2 * cap */
};

int an_ftab_init(struct an_ftab *t, uint64_t cap);
void an_ftab_free(struct an_ftab *t);
/* Insert @key at the empty slot @e that the probe ended on. */
struct an_fent *an_ftab_insert(struct an_ftab *t, struct an_fent *e, uint64_t key, bool *fresh);

/* The entry of @key, inserted (zeroed) when new; *fresh tells. NULL when
 * the table is full. */
static inline struct an_fent *an_ftab_get(struct an_ftab *t, uint64_t key, bool *fresh)
{
	for (uint64_t i = key & t->mask;; i = (i + 1) & t->mask) {
		struct an_fent *e = &t->slot[i];

		if (e->key == key) {
			*fresh = false;
			return e;
		}
		if (!e->key)
			return an_ftab_insert(t, e, key, fresh);
	}
}

static inline void an_ftab_prefetch(const struct an_ftab *t, uint64_t key)
{
	__builtin_prefetch(&t->slot[key & t->mask]);
}

/* Busiest flows of one queue, exact for counts that only grow: an update
 * whose count does not pass the smallest kept one can't enter. */
struct an_top_ent {
	uint64_t key;
	uint64_t frames;
	uint64_t bytes;
	struct an_fdesc desc;
};

struct an_top {
	uint64_t floor; /* smallest count kept once full, else 0; all with k 0 */
	uint8_t n;
	uint8_t k;
	struct an_top_ent *e; /* [k] */
};

/* The slow half of an_top_update(): the count passed the floor. */
void an_top_enter(struct an_top *t, uint64_t key, uint64_t frames, uint64_t bytes,
		  const struct snic_frame *fr);

/* Record that flow @key has now @frames frames (@bytes); the frame @fr
 * names it if it enters. */
static inline void an_top_update(struct an_top *t, uint64_t key, uint64_t frames, uint64_t bytes,
				 const struct snic_frame *fr)
{
	if (frames > t->floor)
		an_top_enter(t, key, frames, bytes, fr);
}

void an_top_init(struct an_top *t, struct an_top_ent *e, unsigned k);
void an_top_reset(struct an_top *t);
/* Entries by frames, largest first, into @order (k entries); returns n. */
unsigned an_top_sorted(const struct an_top *t, const struct an_top_ent **order);

/* A HyperLogLog sketch of the flows the table could not take. */
#define AN_HLL_BITS 10
#define AN_HLL_REGS (1u << AN_HLL_BITS)

struct an_hll {
	uint8_t reg[AN_HLL_REGS];
};

void an_hll_add(struct an_hll *h, uint64_t key);
uint64_t an_hll_estimate(const struct an_hll *h);

/* ---- one model run (analyze_stats.c) ---- */

struct an_run;

/*
 * A period: a stretch of capture time whose counters are reported or
 * acted on (a window; a balancer's period). Periods of one clock tile the
 * time from the first frame: period k is [k * len, (k + 1) * len).
 */
struct an_period {
	uint64_t index;
	uint64_t start_ns; /* since the first frame */
	uint64_t end_ns;
	const struct snic_ctr *delta; /* counters of this period alone */
};

/* Called when a period closes, with the period's counters (per queue, per
 * RETA bucket). It may change the run: a balancer sets a new RETA on
 * run->nic, commits it into a new run->cfg and refreshes run->bctx. */
typedef void (*an_period_fn)(struct an_run *run, const struct an_period *p, void *arg);

struct an_ticker {
	uint64_t len_ns;
	uint64_t next_ns; /* end of the open period */
	uint64_t index;
	struct snic_ctr *prev;	/* counters when the open period began */
	struct snic_ctr *delta; /* scratch for the closing period */
	an_period_fn fn;
	void *arg;
};

/* A set of figures to report: the whole run, or a window. */
struct an_view {
	bool window;
	uint64_t index;
	uint64_t start_ns;
	uint64_t end_ns;
	const struct snic_ctr *ctr;
	const uint64_t *flows;	  /* [nvports * nq] per queue */
	bool flows_approx;	  /* some flows were counted by the sketch */
	const struct an_top *top; /* [nvports * nq] */
};

/* A copy of a window's figures (the worst one). */
struct an_snap {
	bool set;
	double score;
	struct an_view v;
	struct snic_ctr *ctr;
	uint64_t *flows;
	struct an_top *top;
};

/* Imbalance of one function's queues, on frames. */
struct an_imb {
	unsigned nq;
	uint64_t total;
	uint64_t max, min;
	double max_min; /* (max - min) / min as RSS++ reports it; INFINITY with min 0 */
	double max_mean;
	double jain; /* (sum x)^2 / (n sum x^2) */
};

/* One bucket counter context that the NIC uses. */
struct an_bctx {
	unsigned ctx;		      /* index in snic_ctr's buckets */
	unsigned size;		      /* RETA entries */
	int vport;		      /* its pool; -1 for the shared RETA */
	unsigned rss_ctx;	      /* ethtool context id, 0 for a pool's own */
	char name[48];		      /* "shared", "vf0", "context 1 (web) of pf" */
	bool have_reta;		      /* reta[] is known */
	uint16_t reta[SNIC_RETA_MAX]; /* the queue each entry names */
};

struct an_run {
	const char *profile;
	struct snic_config *conf;
	struct snic_nic *nic;
	struct snic_cfg *cfg;
	struct snic_ctr *ctr;
	unsigned nvports; /* pools in use: the VFs and the PF */
	unsigned pf;
	unsigned nq;	   /* queue stride of the counters */
	uint16_t *vqueues; /* [nvports] queues of each */

	/* flows */
	struct an_ftab ftab;
	uint64_t *qflows;	   /* [nvports * nq] exact, whole run */
	uint64_t *wqflows;	   /* ... this window */
	struct an_hll *ovf, *wovf; /* [nvports * nq], once the table is full */
	struct an_top *top, *wtop; /* [nvports * nq] */
	uint64_t *flows_out;	   /* scratch: exact + sketch */
	unsigned topk;
	uint32_t win; /* stamp of the open window, 0 without windows */

	/* buckets */
	unsigned nbctx;
	struct an_bctx *bctx;

	/* periods */
	struct an_ticker tick[AN_TICKERS_MAX];
	unsigned nticks;
	struct an_snap worst;

	struct snic_dest *dests; /* [dcap] */
	unsigned dcap;
};

/* A run of the NIC @conf built (committed here); @conf stays the caller's. */
int an_run_init(struct an_run *r, struct snic_config *conf, unsigned topk, uint64_t max_flows,
		struct snic_err *err);
void an_run_free(struct an_run *r);

/* Fetch the table slots of a burst's flows into the cache, before the
 * model runs on it. */
void an_run_prefetch(const struct an_run *r, const uint64_t *fkey, unsigned n);
/* Account the destinations of one burst. */
void an_run_account(struct an_run *r, const struct snic_frame *fr, const uint64_t *fkey,
		    const struct snic_dest *d, unsigned nd);

/* Add a clock of @len_ns calling @fn for each period. */
int an_run_add_ticker(struct an_run *r, uint64_t len_ns, an_period_fn fn, void *arg,
		      struct snic_err *err);
/* Close every period that ends at or before @now_ns (relative). */
void an_run_tick(struct an_run *r, uint64_t now_ns);
/* Close the open periods at the end of the capture. */
void an_run_tick_end(struct an_run *r);
/* The earliest end of an open period, UINT64_MAX without clocks. */
uint64_t an_run_next_ns(const struct an_run *r);

/* The window clock's view of a closing period, and the end of a window. */
void an_window_view(struct an_run *r, const struct an_period *p, struct an_view *v);
void an_window_reset(struct an_run *r);
/* The whole run. */
void an_run_view(struct an_run *r, struct an_view *v);

void an_imbalance(const struct an_run *r, const struct an_view *v, unsigned vport,
		  struct an_imb *out);
/* The worst function's max/mean in @v, 0 when no function has two queues
 * and frames; *vport receives it. */
double an_view_score(const struct an_run *r, const struct an_view *v, int *vport);
/* Keep @v when it is worse than the kept one. */
void an_worst_offer(struct an_run *r, const struct an_view *v);

/* Queue totals of a vport in a view. */
uint64_t an_vport_frames(const struct an_run *r, const struct an_view *v, unsigned vport);
uint64_t an_vport_bytes(const struct an_run *r, const struct an_view *v, unsigned vport);
uint64_t an_vport_flows(const struct an_run *r, const struct an_view *v, unsigned vport);
uint64_t an_bctx_frames(const struct an_view *v, const struct an_bctx *b);

static inline unsigned an_vq(const struct an_run *r, unsigned vport, unsigned q)
{
	return vport * r->nq + q;
}

/* ---- a balancer on a run (analyze_balance.c) ---- */

struct an_bal;

#define AN_PINS_MAX 1024 /* --pins: a rule slot each */

/* What one balancer period showed, on the PF's queues. */
struct an_bal_period {
	const char *policy;
	uint64_t index;
	uint64_t start_ns, end_ns;
	uint64_t frames;
	double max_min;		 /* (max - min) / min; HUGE_VAL when a queue got nothing */
	double max_mean;	 /* max / mean */
	bool stepped;		 /* the balancer stepped at the end of this period */
	uint32_t step_ms;	 /* the balancer's period after this one */
	unsigned buckets_moved;	 /* by the step at the end of this period */
	unsigned pin_changes;	 /* pins added, moved or removed by that step */
	unsigned pins;		 /* flows pinned after it */
	uint64_t flows_moved;	 /* flows whose queue the previous step changed */
	uint64_t frames_at_risk; /* their frames in this period */
};

struct an_bal_total {
	uint64_t periods;
	uint64_t busy;	 /* periods with frames */
	uint64_t finite; /* ... and every queue loaded */
	uint64_t steps;
	double sum_max_min, sum_max_mean, worst_max_mean;
	uint64_t buckets_moved;
	uint64_t pin_changes;
	unsigned pins_max; /* most flows pinned at once */
	uint64_t flows_moved;
	uint64_t frames_at_risk;
};

/*
 * Balance the PF's RETA of @r with @policy, measured every @period_ns:
 * call an_bal_on_period() from a clock of that period (arg: the balancer)
 * and an_bal_account() with each burst's destinations. rsspp steps when
 * its own period, adapted at each step, has passed; the others each
 * period. With @pins (snic only), up to that many of the heaviest flows
 * are pinned by flow rules on the run's NIC. The run is renamed
 * "PROFILE POLICY". Returns 0 or -errno with @err filled.
 */
int an_bal_new(struct an_run *r, uint8_t policy, uint64_t period_ns, unsigned pins, bool json,
	       struct an_bal **out, struct snic_err *err);
void an_bal_free(struct an_bal *a);
/* The flows of one burst of the run: where each went, for the heaviest
 * flows the balancer may pin and for the flows its moves moved. */
void an_bal_account(struct an_bal *a, const struct snic_frame *fr, const uint64_t *fkey,
		    const struct snic_dest *d, unsigned nd);
void an_bal_on_period(struct an_run *r, const struct an_period *p, void *arg);
const struct an_bal_total *an_bal_total(const struct an_bal *a);
/* One period's line; the overall figures of the balancers @a[0..n). */
void an_bal_report_period(FILE *f, bool json, const struct an_bal_period *o);
void an_bal_report(FILE *f, bool json, uint64_t period_ns, struct an_bal *const *a, unsigned n);

/* ---- output (analyze_report.c) ---- */

struct an_trace;

/* Everything the report needs besides the runs. */
struct an_summary {
	const char *config;
	const struct an_trace *traces;
	unsigned ntraces;
	uint64_t frames;
	uint64_t bytes;
	uint64_t t0_ns;		    /* the first frame's timestamp, ns since 1970 */
	uint64_t first_ns, last_ns; /* smallest and largest timestamps */
	uint64_t window_ns;	    /* 0 without --window */
	bool compare;
	unsigned buckets_shown; /* text: busiest buckets per RETA */
};

void an_report_window(FILE *f, bool json, const struct an_run *r, const struct an_view *v,
		      bool compare);
void an_report_final(FILE *f, bool json, const struct an_summary *s, struct an_run *runs,
		     unsigned nruns);

/* ---- plots (analyze_plot.c) ---- */

struct an_plot;

/* Check @path's extension (.svg, .png) and make the temporary directory. */
int an_plot_open(struct cli *cli, const char *path, struct an_run *runs, unsigned nruns,
		 struct an_plot **out);
void an_plot_window(struct an_plot *p, unsigned run, const struct an_run *r,
		    const struct an_view *v);
/* Write the script, run gnuplot, remove the temporary files. */
int an_plot_finish(struct cli *cli, struct an_plot *p, struct an_run *runs, unsigned nruns);
void an_plot_free(struct an_plot *p);

#endif
