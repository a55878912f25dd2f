/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * What snic analyze prints: aligned text, or JSON, one object per line
 * (a line per window as it closes, then the summary).
 *
 * Shares: a vport's share is of all the copies delivered; a queue's is of
 * its function's frames; a flow's is of its queue's frames; a bucket's is
 * of its RETA's frames. Imbalance is on frames, over all the queues of a
 * function: (max - min) / min as RSS++ reports it, max / mean, and Jain's
 * fairness index (sum x)^2 / (n sum x^2).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "snic/nic.h"
#include "analyze.h"
#include "cli.h"
#include "config.h"

#define COL_PROFILE 20 /* width of a profile's column in --compare */

/* ---- a small nested JSON writer ---- */

#define JW_DEPTH 16

struct jw {
	FILE *f;
	int depth;
	bool first[JW_DEPTH];
};

static void jw_init(struct jw *j, FILE *f)
{
	j->f = f;
	j->depth = 0;
	j->first[0] = true;
}

static void jw_key(struct jw *j, const char *key)
{
	if (!j->first[j->depth])
		putc(',', j->f);
	j->first[j->depth] = false;
	if (key) {
		cli_json_string(j->f, key);
		putc(':', j->f);
	}
}

static void jw_open(struct jw *j, const char *key, char c)
{
	jw_key(j, key);
	putc(c, j->f);
	if (j->depth + 1 < JW_DEPTH)
		j->first[++j->depth] = true;
}

static void jw_close(struct jw *j, char c)
{
	putc(c, j->f);
	if (j->depth)
		j->depth--;
}

static void jw_u64(struct jw *j, const char *key, uint64_t v)
{
	jw_key(j, key);
	fprintf(j->f, "%llu", (unsigned long long)v);
}

/* A number, or null when it is not finite (no frames, a queue at 0). */
static void jw_num(struct jw *j, const char *key, double v)
{
	jw_key(j, key);
	if (isfinite(v))
		fprintf(j->f, "%.6g", v);
	else
		fputs("null", j->f);
}

/* Seconds, to the nanosecond. */
static void jw_secs(struct jw *j, const char *key, uint64_t ns)
{
	jw_key(j, key);
	fprintf(j->f, "%llu.%09llu", (unsigned long long)(ns / AN_NS),
		(unsigned long long)(ns % AN_NS));
}

static void jw_str(struct jw *j, const char *key, const char *s)
{
	jw_key(j, key);
	if (s)
		cli_json_string(j->f, s);
	else
		fputs("null", j->f);
}

static void jw_bool(struct jw *j, const char *key, bool v)
{
	jw_key(j, key);
	fputs(v ? "true" : "false", j->f);
}

/* ---- shared helpers ---- */

static double ratio(uint64_t part, uint64_t whole)
{
	return whole ? (double)part / (double)whole : NAN;
}

static const char *pct(double v, char *buf, size_t size)
{
	if (isfinite(v))
		snprintf(buf, size, "%.1f%%", 100 * v);
	else
		snprintf(buf, size, "-");
	return buf;
}

static const char *fnum(double v, char *buf, size_t size)
{
	if (isnan(v))
		snprintf(buf, size, "-");
	else if (isinf(v))
		snprintf(buf, size, "inf");
	else
		snprintf(buf, size, "%.3f", v);
	return buf;
}

static const char *vport_name(const struct an_run *r, unsigned v, char *buf, size_t size)
{
	return snic_config_vport_name(r->nic, v, buf, size);
}

static uint64_t delivered_copies(const struct an_run *r, const struct an_view *v)
{
	uint64_t n = 0;

	for (unsigned p = 0; p < r->nvports; p++)
		n += an_vport_frames(r, v, p);
	return n;
}

static const struct snic_qctr *qctr(const struct an_view *v, unsigned vport, unsigned q)
{
	return &v->ctr->queue[vport * v->ctr->nqueues + q];
}

/* Seconds since the first frame, with as many decimals as the window
 * length needs. */
static int time_decimals(uint64_t window_ns)
{
	int d = 3;

	for (uint64_t w = 1000000; window_ns && window_ns < w && d < 9; w /= 10)
		d++;
	return d;
}

/* Buckets of one RETA, busiest first. */
struct bload {
	unsigned idx;
	uint64_t frames;
};

static int bload_cmp(const void *a, const void *b)
{
	const struct bload *x = a, *y = b;

	if (x->frames != y->frames)
		return x->frames < y->frames ? 1 : -1;
	return x->idx < y->idx ? -1 : x->idx > y->idx;
}

/* The non-empty buckets of @b in @out, busiest first; returns how many. */
static unsigned buckets_sorted(const struct an_view *v, const struct an_bctx *b, struct bload *out)
{
	const struct snic_bctr *bc = &v->ctr->bucket[(size_t)b->ctx * v->ctr->reta_size];
	unsigned n = 0;

	for (unsigned i = 0; i < b->size; i++)
		if (bc[i].frames)
			out[n++] = (struct bload){i, bc[i].frames};
	qsort(out, n, sizeof(*out), bload_cmp);
	return n;
}

/* ---- JSON ---- */

static void json_drops(struct jw *j, const char *key, const uint64_t *drop)
{
	jw_open(j, key, '{');
	for (unsigned d = 0; d < SNIC_DROP_COUNT; d++)
		jw_u64(j, snic_drop_name(d), drop[d]);
	jw_close(j, '}');
}

static void json_rx(struct jw *j, const struct snic_dirctr *rx)
{
	jw_open(j, "rx", '{');
	jw_u64(j, "in", rx->in);
	jw_u64(j, "delivered", rx->delivered);
	jw_u64(j, "dropped", snic_dirctr_dropped(rx));
	json_drops(j, "drops", rx->drop);
	jw_close(j, '}');
}

static void json_flows(struct jw *j, const struct an_top *t, uint64_t qframes, bool window)
{
	const struct an_top_ent *order[AN_TOP_MAX];
	unsigned n = an_top_sorted(t, order);
	char buf[256];

	jw_open(j, "top_flows", '[');
	for (unsigned i = 0; i < n; i++) {
		jw_open(j, NULL, '{');
		jw_str(j, "flow", an_flow_format(&order[i]->desc, buf, sizeof(buf)));
		jw_u64(j, "frames", order[i]->frames);
		if (!window)
			jw_u64(j, "bytes", order[i]->bytes);
		jw_num(j, "share", ratio(order[i]->frames, qframes));
		jw_close(j, '}');
	}
	jw_close(j, ']');
}

static void json_queue(struct jw *j, const struct an_run *r, const struct an_view *v, unsigned p,
		       unsigned q, uint64_t vframes)
{
	const struct snic_qctr *c = qctr(v, p, q);

	jw_open(j, NULL, '{');
	jw_u64(j, "queue", q);
	jw_u64(j, "frames", c->frames);
	jw_u64(j, "bytes", c->bytes);
	jw_u64(j, "flows", v->flows[an_vq(r, p, q)]);
	jw_num(j, "share", ratio(c->frames, vframes));
	jw_u64(j, "bcast", c->bcast);
	jw_u64(j, "mcast", c->mcast);
	json_flows(j, &v->top[an_vq(r, p, q)], c->frames, v->window);
	jw_close(j, '}');
}

static void json_imbalance(struct jw *j, const struct an_imb *imb)
{
	jw_open(j, "imbalance", '{');
	jw_num(j, "max_min", imb->max_min);
	jw_num(j, "max_mean", imb->max_mean);
	jw_num(j, "jain", imb->jain);
	jw_close(j, '}');
}

static void json_vport(struct jw *j, const struct an_run *r, const struct an_view *v, unsigned p,
		       uint64_t copies)
{
	uint64_t frames = an_vport_frames(r, v, p);
	struct an_imb imb;
	char name[16];

	an_imbalance(r, v, p, &imb);
	jw_open(j, NULL, '{');
	jw_str(j, "name", vport_name(r, p, name, sizeof(name)));
	jw_u64(j, "vport", p);
	jw_u64(j, "nqueues", r->vqueues[p]);
	jw_u64(j, "frames", frames);
	jw_u64(j, "bytes", an_vport_bytes(r, v, p));
	jw_u64(j, "flows", an_vport_flows(r, v, p));
	jw_num(j, "share", ratio(frames, copies));
	json_drops(j, "drops", v->ctr->vport[p].rx_drop);
	json_imbalance(j, &imb);
	jw_open(j, "queues", '[');
	for (unsigned q = 0; q < r->vqueues[p]; q++)
		json_queue(j, r, v, p, q, frames);
	jw_close(j, ']');
	jw_close(j, '}');
}

static void json_bctx(struct jw *j, const struct an_run *r, const struct an_view *v,
		      const struct an_bctx *b, struct bload *bl)
{
	const struct snic_bctr *bc = &v->ctr->bucket[(size_t)b->ctx * v->ctr->reta_size];
	uint64_t total = an_bctx_frames(v, b);
	unsigned n = buckets_sorted(v, b, bl);
	char name[16];

	jw_open(j, NULL, '{');
	jw_str(j, "reta", b->name);
	if (b->vport >= 0)
		jw_str(j, "vport", vport_name(r, (unsigned)b->vport, name, sizeof(name)));
	if (b->rss_ctx)
		jw_u64(j, "context", b->rss_ctx);
	jw_u64(j, "size", b->size);
	jw_u64(j, "frames", total);
	jw_u64(j, "used", n);
	jw_open(j, "load", '[');
	for (unsigned i = 0; i < n; i++) {
		jw_open(j, NULL, '{');
		jw_u64(j, "bucket", bl[i].idx);
		if (b->have_reta)
			jw_u64(j, "queue", b->reta[bl[i].idx]);
		jw_u64(j, "frames", bl[i].frames);
		jw_u64(j, "bytes", bc[bl[i].idx].bytes);
		jw_num(j, "share", ratio(bl[i].frames, total));
		jw_close(j, '}');
	}
	jw_close(j, ']');
	jw_close(j, '}');
}

static void json_buckets(struct jw *j, const struct an_run *r, const struct an_view *v)
{
	struct bload *bl = malloc(SNIC_RETA_MAX * sizeof(*bl));

	jw_open(j, "buckets", '[');
	for (unsigned i = 0; bl && i < r->nbctx; i++)
		if (an_bctx_frames(v, &r->bctx[i]))
			json_bctx(j, r, v, &r->bctx[i], bl);
	jw_close(j, ']');
	free(bl);
}

/* The figures of a view: the members a window line and a run share. */
static void json_view(struct jw *j, const struct an_run *r, const struct an_view *v)
{
	uint64_t copies = delivered_copies(r, v);

	json_rx(j, &v->ctr->rx);
	jw_u64(j, "copies", copies);
	jw_bool(j, "flows_approx", v->flows_approx);
	jw_open(j, "vports", '[');
	for (unsigned p = 0; p < r->nvports; p++)
		json_vport(j, r, v, p, copies);
	jw_close(j, ']');
	json_buckets(j, r, v);
}

static void json_window_head(struct jw *j, const struct an_view *v)
{
	jw_u64(j, "window", v->index);
	jw_secs(j, "start", v->start_ns);
	jw_secs(j, "end", v->end_ns);
}

static void json_worst(struct jw *j, const struct an_run *r)
{
	int vport;
	char name[16];

	if (!r->worst.set) {
		jw_key(j, "worst_window");
		fputs("null", j->f);
		return;
	}
	an_view_score(r, &r->worst.v, &vport);
	jw_open(j, "worst_window", '{');
	json_window_head(j, &r->worst.v);
	jw_str(j, "function", vport_name(r, (unsigned)vport, name, sizeof(name)));
	jw_num(j, "max_mean", r->worst.score);
	json_view(j, r, &r->worst.v);
	jw_close(j, '}');
}

static void json_run(struct jw *j, struct an_run *r, const struct an_summary *s)
{
	struct an_view v;

	an_run_view(r, &v);
	jw_open(j, NULL, '{');
	jw_str(j, "profile", r->profile);
	jw_u64(j, "flows_tracked", r->ftab.n);
	json_view(j, r, &v);
	if (s->window_ns)
		json_worst(j, r);
	jw_close(j, '}');
}

static void json_traces(struct jw *j, const struct an_summary *s)
{
	jw_open(j, "traces", '[');
	for (unsigned i = 0; i < s->ntraces; i++) {
		jw_open(j, NULL, '{');
		jw_str(j, "path", s->traces[i].path);
		jw_u64(j, "frames", s->traces[i].frames);
		jw_str(j, "error", s->traces[i].error[0] ? s->traces[i].error : NULL);
		jw_close(j, '}');
	}
	jw_close(j, ']');
}

static void json_final(FILE *f, const struct an_summary *s, struct an_run *runs, unsigned n)
{
	struct jw j;

	jw_init(&j, f);
	jw_open(&j, NULL, '{');
	jw_str(&j, "config", s->config);
	json_traces(&j, s);
	jw_u64(&j, "frames", s->frames);
	jw_u64(&j, "bytes", s->bytes);
	jw_secs(&j, "duration", s->last_ns - s->first_ns);
	jw_secs(&j, "first_ts", s->t0_ns);
	if (s->window_ns)
		jw_u64(&j, "window_ns", s->window_ns);
	jw_open(&j, "runs", '[');
	for (unsigned i = 0; i < n; i++)
		json_run(&j, &runs[i], s);
	jw_close(&j, ']');
	jw_close(&j, '}');
	putc('\n', f);
}

static void json_window(FILE *f, const struct an_run *r, const struct an_view *v)
{
	struct jw j;

	jw_init(&j, f);
	jw_open(&j, NULL, '{');
	json_window_head(&j, v);
	jw_str(&j, "profile", r->profile);
	json_view(&j, r, v);
	jw_close(&j, '}');
	putc('\n', f);
}

/* ---- text ---- */

/* "no_vport 3, vlan_filtered 2" or "-". */
static void text_drops(FILE *f, const uint64_t *drop)
{
	bool any = false;

	for (unsigned d = 0; d < SNIC_DROP_COUNT; d++) {
		if (!drop[d])
			continue;
		fprintf(f, "%s%s %llu", any ? ", " : "", snic_drop_name(d),
			(unsigned long long)drop[d]);
		any = true;
	}
	if (!any)
		fputc('-', f);
}

static void text_rx(FILE *f, const struct snic_dirctr *rx)
{
	fprintf(f, "in %llu, delivered %llu, dropped %llu", (unsigned long long)rx->in,
		(unsigned long long)rx->delivered, (unsigned long long)snic_dirctr_dropped(rx));
	if (snic_dirctr_dropped(rx)) {
		fputs(" (", f);
		text_drops(f, rx->drop);
		fputc(')', f);
	}
	fputc('\n', f);
}

static void text_vports(FILE *f, const struct an_run *r, const struct an_view *v)
{
	uint64_t copies = delivered_copies(r, v);
	char name[16], s[16], a[16], b[16], c[16];
	struct an_imb imb;

	fprintf(f, "\n%-6s %6s %12s %7s %14s %9s %13s %8s %6s  %s\n", "vport", "queues", "frames",
		"share", "bytes", "flows", "(max-min)/min", "max/mean", "jain", "drops");
	for (unsigned p = 0; p < r->nvports; p++) {
		uint64_t fr = an_vport_frames(r, v, p);

		an_imbalance(r, v, p, &imb);
		fprintf(f, "%-6s %6u %12llu %7s %14llu %9llu %13s %8s %6s  ",
			vport_name(r, p, name, sizeof(name)), r->vqueues[p], (unsigned long long)fr,
			pct(ratio(fr, copies), s, sizeof(s)),
			(unsigned long long)an_vport_bytes(r, v, p),
			(unsigned long long)an_vport_flows(r, v, p),
			fnum(imb.max_min, a, sizeof(a)), fnum(imb.max_mean, b, sizeof(b)),
			fnum(imb.jain, c, sizeof(c)));
		text_drops(f, v->ctr->vport[p].rx_drop);
		fputc('\n', f);
	}
}

static void text_queues(FILE *f, const struct an_run *r, const struct an_view *v)
{
	char name[16], s[16];

	fprintf(f, "\n%-6s %5s %12s %7s %14s %9s\n", "vport", "queue", "frames", "share", "bytes",
		"flows");
	for (unsigned p = 0; p < r->nvports; p++) {
		uint64_t vf = an_vport_frames(r, v, p);

		for (unsigned q = 0; q < r->vqueues[p]; q++) {
			const struct snic_qctr *c = qctr(v, p, q);

			fprintf(f, "%-6s %5u %12llu %7s %14llu %9llu\n",
				vport_name(r, p, name, sizeof(name)), q,
				(unsigned long long)c->frames,
				pct(ratio(c->frames, vf), s, sizeof(s)),
				(unsigned long long)c->bytes,
				(unsigned long long)v->flows[an_vq(r, p, q)]);
		}
	}
}

static bool any_flow(const struct an_run *r, const struct an_view *v, int only)
{
	for (unsigned p = 0; p < r->nvports; p++)
		for (unsigned q = 0; (only < 0 || only == (int)p) && q < r->vqueues[p]; q++)
			if (v->top[an_vq(r, p, q)].n)
				return true;
	return false;
}

static void text_flows(FILE *f, const struct an_run *r, const struct an_view *v, int only)
{
	const struct an_top_ent *order[AN_TOP_MAX];
	char name[16], s[16], buf[256];

	if (!any_flow(r, v, only))
		return;
	fprintf(f, "\nbusiest flows\n%-6s %5s %12s %7s  %s\n", "vport", "queue", "frames", "share",
		"flow");
	for (unsigned p = 0; p < r->nvports; p++) {
		for (unsigned q = 0; (only < 0 || only == (int)p) && q < r->vqueues[p]; q++) {
			unsigned n = an_top_sorted(&v->top[an_vq(r, p, q)], order);

			for (unsigned i = 0; i < n; i++)
				fprintf(f, "%-6s %5u %12llu %7s  %s\n",
					vport_name(r, p, name, sizeof(name)), q,
					(unsigned long long)order[i]->frames,
					pct(ratio(order[i]->frames, qctr(v, p, q)->frames), s,
					    sizeof(s)),
					an_flow_format(&order[i]->desc, buf, sizeof(buf)));
		}
	}
}

static void text_bctx(FILE *f, const struct an_view *v, const struct an_bctx *b, unsigned shown,
		      struct bload *bl)
{
	uint64_t total = an_bctx_frames(v, b);
	unsigned n = buckets_sorted(v, b, bl);
	char s[16];

	fprintf(f, "\nRETA buckets by load: %s, %u entries, %u used, %llu frames\n", b->name,
		b->size, n, (unsigned long long)total);
	fprintf(f, "%6s %5s %12s %7s\n", "bucket", "queue", "frames", "share");
	for (unsigned i = 0; i < n && i < shown; i++) {
		if (b->have_reta)
			fprintf(f, "%6u %5u", bl[i].idx, b->reta[bl[i].idx]);
		else
			fprintf(f, "%6u %5s", bl[i].idx, "-");
		fprintf(f, " %12llu %7s\n", (unsigned long long)bl[i].frames,
			pct(ratio(bl[i].frames, total), s, sizeof(s)));
	}
	if (n > shown)
		fprintf(f, "... %u more (-j lists them all)\n", n - shown);
}

static void text_buckets(FILE *f, const struct an_run *r, const struct an_view *v, unsigned shown)
{
	struct bload *bl = malloc(SNIC_RETA_MAX * sizeof(*bl));

	for (unsigned i = 0; bl && i < r->nbctx; i++)
		if (an_bctx_frames(v, &r->bctx[i]))
			text_bctx(f, v, &r->bctx[i], shown, bl);
	free(bl);
}

/* One function's line in a window: its frames and each queue's. */
static void text_window_vport(FILE *f, const struct an_run *r, const struct an_view *v, unsigned p)
{
	char name[16], a[16], b[16], c[16];
	struct an_imb imb;

	an_imbalance(r, v, p, &imb);
	fprintf(f, "  %-6s frames %llu, flows %llu, queues", vport_name(r, p, name, sizeof(name)),
		(unsigned long long)imb.total, (unsigned long long)an_vport_flows(r, v, p));
	for (unsigned q = 0; q < r->vqueues[p]; q++)
		fprintf(f, " %llu", (unsigned long long)qctr(v, p, q)->frames);
	if (r->vqueues[p] > 1)
		fprintf(f, "; (max-min)/min %s, max/mean %s, jain %s",
			fnum(imb.max_min, a, sizeof(a)), fnum(imb.max_mean, b, sizeof(b)),
			fnum(imb.jain, c, sizeof(c)));
	fputc('\n', f);
}

static void text_window_head(FILE *f, const struct an_view *v, int dec)
{
	fprintf(f, "window %llu [%.*f, %.*f) s: ", (unsigned long long)v->index, dec,
		(double)v->start_ns / AN_NS, dec, (double)v->end_ns / AN_NS);
}

static void text_window(FILE *f, const struct an_run *r, const struct an_view *v, bool compare)
{
	int dec = time_decimals(v->end_ns - v->start_ns);

	if (compare)
		fprintf(f, "[%s] ", r->profile);
	text_window_head(f, v, dec);
	text_rx(f, &v->ctr->rx);
	for (unsigned p = 0; p < r->nvports; p++)
		if (an_vport_frames(r, v, p))
			text_window_vport(f, r, v, p);
}

static void text_worst(FILE *f, const struct an_run *r, const struct an_summary *s)
{
	const struct an_view *v = &r->worst.v;
	char name[16];
	int vport;

	if (!r->worst.set) {
		fputs("\nworst window: none (no function with two queues received frames)\n", f);
		return;
	}
	an_view_score(r, v, &vport);
	fputs("\nworst ", f);
	text_window_head(f, v, time_decimals(s->window_ns));
	fprintf(f, "%s, max/mean %.3f\n", vport_name(r, (unsigned)vport, name, sizeof(name)),
		r->worst.score);
	text_window_vport(f, r, v, (unsigned)vport);
	text_flows(f, r, v, vport);
}

static void text_run(FILE *f, struct an_run *r, const struct an_summary *s)
{
	struct an_view v;

	an_run_view(r, &v);
	fprintf(f, "\nprofile %s: ", r->profile);
	text_rx(f, &r->ctr->rx);
	if (v.flows_approx)
		fprintf(f, "flows: more than the table's %llu; the rest are estimated\n",
			(unsigned long long)r->ftab.cap);
	text_vports(f, r, &v);
	text_queues(f, r, &v);
	text_flows(f, r, &v, -1);
	text_buckets(f, r, &v, s->buckets_shown);
	if (s->window_ns)
		text_worst(f, r, s);
}

static void text_head(FILE *f, const struct an_summary *s)
{
	fprintf(f, "%s: %u trace%s, %llu frames, %llu bytes, %.6f s\n", s->config, s->ntraces,
		s->ntraces == 1 ? "" : "s", (unsigned long long)s->frames,
		(unsigned long long)s->bytes, (double)(s->last_ns - s->first_ns) / AN_NS);
	for (unsigned i = 0; i < s->ntraces; i++)
		if (s->traces[i].error[0])
			fprintf(f, "trace %s: %s\n", s->traces[i].path, s->traces[i].error);
}

/* ---- text, side by side ---- */

static void cmp_label(FILE *f, const char *label)
{
	fprintf(f, "%-20s", label);
}

static void cmp_u64_row(FILE *f, const char *label, struct an_run *runs, unsigned n,
			const struct an_view *v,
			uint64_t (*get)(const struct an_run *, const struct an_view *, unsigned),
			unsigned arg)
{
	cmp_label(f, label);
	for (unsigned i = 0; i < n; i++)
		fprintf(f, " %*llu", COL_PROFILE, (unsigned long long)get(&runs[i], &v[i], arg));
	fputc('\n', f);
}

static uint64_t get_in(const struct an_run *r, const struct an_view *v, unsigned a)
{
	(void)r;
	(void)a;
	return v->ctr->rx.in;
}

static uint64_t get_delivered(const struct an_run *r, const struct an_view *v, unsigned a)
{
	(void)r;
	(void)a;
	return v->ctr->rx.delivered;
}

static uint64_t get_drop(const struct an_run *r, const struct an_view *v, unsigned d)
{
	(void)r;
	return v->ctr->rx.drop[d];
}

static uint64_t get_vframes(const struct an_run *r, const struct an_view *v, unsigned p)
{
	return p < r->nvports ? an_vport_frames(r, v, p) : 0;
}

static void cmp_queue_row(FILE *f, struct an_run *runs, unsigned n, const struct an_view *v,
			  unsigned p, unsigned q)
{
	char label[32], name[16], cell[40], s[16];

	snprintf(label, sizeof(label), "  %s q%u", vport_name(&runs[0], p, name, sizeof(name)), q);
	cmp_label(f, label);
	for (unsigned i = 0; i < n; i++) {
		const struct an_run *r = &runs[i];

		if (p >= r->nvports || q >= r->vqueues[p]) {
			fprintf(f, " %*s", COL_PROFILE, "-");
			continue;
		}
		snprintf(cell, sizeof(cell), "%llu %s",
			 (unsigned long long)qctr(&v[i], p, q)->frames,
			 pct(ratio(qctr(&v[i], p, q)->frames, an_vport_frames(r, &v[i], p)), s,
			     sizeof(s)));
		fprintf(f, " %*s", COL_PROFILE, cell);
	}
	fputc('\n', f);
}

static void cmp_imb_row(FILE *f, struct an_run *runs, unsigned n, const struct an_view *v,
			unsigned p)
{
	char label[32], name[16], cell[48], a[16], b[16], c[16];
	struct an_imb imb;

	snprintf(label, sizeof(label), "  %s imbalance",
		 vport_name(&runs[0], p, name, sizeof(name)));
	cmp_label(f, label);
	for (unsigned i = 0; i < n; i++) {
		if (p >= runs[i].nvports) {
			fprintf(f, " %*s", COL_PROFILE, "-");
			continue;
		}
		an_imbalance(&runs[i], &v[i], p, &imb);
		snprintf(cell, sizeof(cell), "%s/%s/%s", fnum(imb.max_min, a, sizeof(a)),
			 fnum(imb.max_mean, b, sizeof(b)), fnum(imb.jain, c, sizeof(c)));
		fprintf(f, " %*s", COL_PROFILE, cell);
	}
	fputc('\n', f);
}

static unsigned most(struct an_run *runs, unsigned n, unsigned p)
{
	unsigned m = 0;

	for (unsigned i = 0; i < n; i++)
		if (p < runs[i].nvports && runs[i].vqueues[p] > m)
			m = runs[i].vqueues[p];
	return m;
}

static void cmp_vports(FILE *f, struct an_run *runs, unsigned n, const struct an_view *v)
{
	unsigned nv = 0;
	char name[16];

	for (unsigned i = 0; i < n; i++)
		nv = runs[i].nvports > nv ? runs[i].nvports : nv;
	for (unsigned p = 0; p < nv; p++) {
		vport_name(&runs[0], p, name, sizeof(name));
		cmp_u64_row(f, name, runs, n, v, get_vframes, p);
		for (unsigned q = 0; q < most(runs, n, p); q++)
			cmp_queue_row(f, runs, n, v, p, q);
		if (most(runs, n, p) > 1)
			cmp_imb_row(f, runs, n, v, p);
	}
}

/* Drop reasons with no frame in any run are left out. */
static bool any_drop(const struct an_run *runs, unsigned n, unsigned d)
{
	for (unsigned i = 0; i < n; i++)
		if (runs[i].ctr->rx.drop[d])
			return true;
	return false;
}

static void text_compare(FILE *f, struct an_run *runs, unsigned n)
{
	struct an_view *v = calloc(n, sizeof(*v));

	if (!v)
		return;
	fputc('\n', f);
	cmp_label(f, "");
	for (unsigned i = 0; i < n; i++)
		fprintf(f, " %*s", COL_PROFILE, runs[i].profile);
	fputc('\n', f);
	for (unsigned i = 0; i < n; i++)
		an_run_view(&runs[i], &v[i]);
	cmp_u64_row(f, "in", runs, n, v, get_in, 0);
	cmp_u64_row(f, "delivered", runs, n, v, get_delivered, 0);
	for (unsigned d = 0; d < SNIC_DROP_COUNT; d++)
		if (any_drop(runs, n, d))
			cmp_u64_row(f, snic_drop_name(d), runs, n, v, get_drop, d);
	cmp_vports(f, runs, n, v);
	fputs("\nimbalance: (max-min)/min / max/mean / jain; -j gives flows and buckets of "
	      "each profile\n",
	      f);
	free(v);
}

/* ---- entry points ---- */

void an_report_window(FILE *f, bool json, const struct an_run *r, const struct an_view *v,
		      bool compare)
{
	if (json)
		json_window(f, r, v);
	else
		text_window(f, r, v, compare);
}

void an_report_final(FILE *f, bool json, const struct an_summary *s, struct an_run *runs,
		     unsigned nruns)
{
	if (json) {
		json_final(f, s, runs, nruns);
		return;
	}
	if (s->window_ns)
		fputc('\n', f);
	text_head(f, s);
	if (s->compare) {
		text_compare(f, runs, nruns);
		return;
	}
	for (unsigned i = 0; i < nruns; i++)
		text_run(f, &runs[i], s);
}
