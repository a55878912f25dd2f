/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * --plot FILE: for each run, the load of every queue over time (frames per
 * second, one line a queue) and a heat map of its busiest RETA's buckets
 * over time. Windows write data files into a temporary directory as they
 * close; at the end a gnuplot script draws them into FILE, SVG or PNG by
 * its extension, and the directory is removed.
 *
 * Bucket rows go out per window for the RETAs that had frames in it, each
 * window opened by a "w TIME" line; the heat map's RETA is chosen at the
 * end (the one with the most frames) and its rows are then copied out,
 * with zeros for the windows it had none.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "snic/nic.h"
#include "analyze.h"
#include "cli.h"
#include "config.h"

extern char **environ;

#define PLOT_W	     1000 /* pixels */
#define PLOT_PANEL_H 320
#define PLOT_KEY_MAX 16 /* queue lines with a legend; more get none */

struct an_plot {
	const char *out;
	bool png;
	char dir[PATH_MAX];
	unsigned nruns;
	FILE **q; /* [nruns] queue load rows */
	FILE **b; /* [nruns] bucket rows */
	unsigned nwin;
	double end_s; /* end of the last window */
};

static bool has_ext(const char *path, const char *ext)
{
	size_t n = strlen(path), e = strlen(ext);

	return n > e && !strcasecmp(path + n - e, ext);
}

static bool on_path(const char *prog)
{
	const char *path = getenv("PATH");
	char buf[PATH_MAX];

	while (path && *path) {
		size_t n = strcspn(path, ":");

		snprintf(buf, sizeof(buf), "%.*s/%s", (int)n, path, prog);
		if (n && !access(buf, X_OK))
			return true;
		path += n + (path[n] == ':');
	}
	return false;
}

/* The directory that will hold @path must be writable. */
static bool dir_writable(const char *path)
{
	const char *slash = strrchr(path, '/');
	char dir[PATH_MAX];

	if (!slash)
		return !access(".", W_OK);
	snprintf(dir, sizeof(dir), "%.*s", (int)(slash - path) ? (int)(slash - path) : 1, path);
	return !access(dir, W_OK);
}

/* Data files are read back (bucket rows) after they are written. */
static FILE *tmp_file(struct an_plot *p, const char *name, unsigned run)
{
	char path[PATH_MAX + 32];

	snprintf(path, sizeof(path), "%s/%s%u.dat", p->dir, name, run);
	return fopen(path, "w+");
}

/* The header of a queue file: the columns' names for the legend. */
static void queue_header(FILE *f, const struct an_run *r)
{
	char name[16];

	fputs("time", f);
	for (unsigned v = 0; v < r->nvports; v++)
		for (unsigned q = 0; q < r->vqueues[v]; q++)
			fprintf(f, " %s:q%u", snic_config_vport_name(r->nic, v, name, sizeof(name)),
				q);
	fputc('\n', f);
}

static int plot_files(struct an_plot *p, struct an_run *runs)
{
	p->q = calloc(p->nruns, sizeof(*p->q));
	p->b = calloc(p->nruns, sizeof(*p->b));
	if (!p->q || !p->b)
		return -ENOMEM;
	for (unsigned i = 0; i < p->nruns; i++) {
		p->q[i] = tmp_file(p, "q", i);
		p->b[i] = tmp_file(p, "b", i);
		if (!p->q[i] || !p->b[i])
			return -errno;
		queue_header(p->q[i], &runs[i]);
	}
	return 0;
}

int an_plot_open(struct cli *cli, const char *path, struct an_run *runs, unsigned nruns,
		 struct an_plot **out)
{
	const char *tmp = getenv("TMPDIR");
	struct an_plot *p;

	if (!has_ext(path, ".svg") && !has_ext(path, ".png"))
		return cli_err(cli, "bad --plot '%s': the file must end in .svg or .png", path);
	if (!dir_writable(path))
		return cli_err(cli, "bad --plot '%s': its directory is not writable", path);
	if (!on_path("gnuplot"))
		return cli_fail(cli, "can't draw '%s': gnuplot is not installed", path);
	p = calloc(1, sizeof(*p));
	if (!p)
		return cli_fail(cli, "out of memory");
	p->out = path;
	p->png = has_ext(path, ".png");
	p->nruns = nruns;
	snprintf(p->dir, sizeof(p->dir), "%s/snic-analyze-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(p->dir)) {
		p->dir[0] = '\0';
		an_plot_free(p);
		return cli_fail(cli, "can't make a temporary directory: %s", strerror(errno));
	}
	if (plot_files(p, runs)) {
		an_plot_free(p);
		return cli_fail(cli, "can't write in '%s': %s", p->dir, strerror(errno));
	}
	*out = p;
	return 0;
}

/* ---- per window ---- */

/* A window's rows stand at its middle. */
static double mid_s(const struct an_view *v)
{
	return (double)(v->start_ns + v->end_ns) / 2 / AN_NS;
}

static void window_queues(FILE *f, const struct an_run *r, const struct an_view *v)
{
	double secs = (double)(v->end_ns - v->start_ns) / AN_NS;

	fprintf(f, "%.9g", mid_s(v));
	for (unsigned p = 0; p < r->nvports; p++)
		for (unsigned q = 0; q < r->vqueues[p]; q++)
			fprintf(f, " %.6g",
				(double)v->ctr->queue[p * v->ctr->nqueues + q].frames / secs);
	fputc('\n', f);
}

static void window_buckets(FILE *f, const struct an_run *r, const struct an_view *v)
{
	fprintf(f, "w %.9g\n", mid_s(v));
	for (unsigned i = 0; i < r->nbctx; i++) {
		const struct an_bctx *b = &r->bctx[i];
		const struct snic_bctr *bc = &v->ctr->bucket[(size_t)b->ctx * v->ctr->reta_size];

		if (!an_bctx_frames(v, b))
			continue;
		for (unsigned k = 0; k < b->size; k++)
			fprintf(f, "%u %u %llu\n", i, k, (unsigned long long)bc[k].frames);
	}
}

void an_plot_window(struct an_plot *p, unsigned run, const struct an_run *r,
		    const struct an_view *v)
{
	window_queues(p->q[run], r, v);
	window_buckets(p->b[run], r, v);
	if (run == 0)
		p->nwin++;
	p->end_s = (double)v->end_ns / AN_NS;
}

/* ---- the end ---- */

/* The RETA with the most frames over the run, -1 when none had any. */
static int busiest_bctx(struct an_run *r)
{
	struct an_view v;
	uint64_t best = 0;
	int pick = -1;

	an_run_view(r, &v);
	for (unsigned i = 0; i < r->nbctx; i++) {
		uint64_t n = an_bctx_frames(&v, &r->bctx[i]);

		if (n > best) {
			best = n;
			pick = (int)i;
		}
	}
	return pick;
}

static void heat_zeros(FILE *out, const char *t, unsigned size)
{
	for (unsigned k = 0; k < size; k++)
		fprintf(out, "%s %u 0\n", t, k);
	fputc('\n', out);
}

/* Copy the rows of RETA @pick from bucket file @in into @out as
 * "TIME BUCKET FRAMES", a block per window. */
static int heat_extract(FILE *in, FILE *out, unsigned pick, unsigned size)
{
	char line[128], t[40] = "";
	bool open = false, seen = false;
	unsigned ctx, k;
	unsigned long long n;

	rewind(in);
	while (fgets(line, sizeof(line), in)) {
		if (line[0] == 'w') {
			if (open && !seen)
				heat_zeros(out, t, size);
			snprintf(t, sizeof(t), "%.*s", (int)strcspn(line + 2, "\n"), line + 2);
			open = true;
			seen = false;
		} else if (sscanf(line, "%u %u %llu", &ctx, &k, &n) == 3 && ctx == pick) {
			fprintf(out, "%s %u %llu\n", t, k, n);
			seen = true;
			if (k + 1 == size)
				fputc('\n', out);
		}
	}
	if (open && !seen)
		heat_zeros(out, t, size);
	return ferror(in) || ferror(out) ? -EIO : 0;
}

static int write_heat(struct an_plot *p, unsigned run, unsigned pick, unsigned size)
{
	FILE *h = tmp_file(p, "h", run);
	int rc;

	if (!h)
		return -errno;
	rc = heat_extract(p->b[run], h, pick, size);
	if (fclose(h))
		rc = rc ? rc : -errno;
	return rc;
}

/* One line per queue of the functions that received frames. */
static void script_queues(FILE *s, const struct an_plot *p, unsigned i, struct an_run *r)
{
	struct an_view v;
	unsigned col = 2, lines = 0;
	char name[16];

	an_run_view(r, &v);
	for (unsigned vp = 0; vp < r->nvports; vp++)
		lines += an_vport_frames(r, &v, vp) ? r->vqueues[vp] : 0;
	fprintf(s, "set title \"%s: queue load\" noenhanced\n", r->profile);
	fprintf(s, "set xlabel 'time (s)'\nset ylabel 'frames/s'\n%s\n",
		lines <= PLOT_KEY_MAX ? "set key outside right top noenhanced" : "unset key");
	fputs("plot ", s);
	if (!lines)
		fprintf(s, "'%s/q%u.dat' using 1:(0) with lines title 'no frames'", p->dir, i);
	for (unsigned vp = 0, n = 0; vp < r->nvports; vp++) {
		bool used = an_vport_frames(r, &v, vp) != 0;

		snic_config_vport_name(r->nic, vp, name, sizeof(name));
		for (unsigned q = 0; q < r->vqueues[vp]; q++, col++)
			if (used)
				fprintf(s, "%s'%s/q%u.dat' using 1:%u with lines title '%s q%u'",
					n++ ? ", " : "", p->dir, i, col, name, q);
	}
	fputc('\n', s);
}

static void script_heat(FILE *s, const struct an_plot *p, unsigned i, const struct an_run *r,
			int pick)
{
	const struct an_bctx *b = pick >= 0 ? &r->bctx[pick] : NULL;

	fprintf(s, "set title \"%s: RETA buckets (%s), frames per window\" noenhanced\n",
		r->profile, b ? b->name : "no frames");
	fputs("set xlabel 'time (s)'\nset ylabel 'bucket'\nunset key\n", s);
	if (!b) {
		fprintf(s, "plot '%s/q%u.dat' using 1:(0) with lines\n", p->dir, i);
		return;
	}
	fprintf(s, "set yrange [-0.5:%u.5]\n", b->size - 1);
	if (p->nwin >= 2)
		fprintf(s, "plot '%s/h%u.dat' using 1:2:3 with image\n", p->dir, i);
	else
		fprintf(s,
			"plot '%s/h%u.dat' using 1:2:(0.5):(0.5):3 with boxxyerror "
			"fillstyle solid noborder lc palette\n",
			p->dir, i);
	fputs("set autoscale y\n", s);
}

static void script_head(FILE *s, const struct an_plot *p)
{
	unsigned h = 2 * PLOT_PANEL_H * p->nruns;

	if (p->png)
		fprintf(s, "set terminal pngcairo size %u,%u\n", PLOT_W, h);
	else
		fprintf(s, "set terminal svg size %u,%u dynamic background rgb 'white'\n", PLOT_W,
			h);
	fputs("set output '", s);
	for (const char *c = p->out; *c; c++) {
		if (*c == '\'')
			fputc('\'', s);
		fputc(*c, s);
	}
	fprintf(s, "'\nset multiplot layout %u,1\nset grid\nset xrange [0:%.9g]\n", 2 * p->nruns,
		p->end_s);
	/* The same margins in every panel line up their time axes. */
	fputs("set lmargin at screen 0.08\nset rmargin at screen 0.72\n", s);
	fputs("set palette defined (0 'white', 1 '#fdd49e', 2 '#fc8d59', 3 '#d7301f', "
	      "4 '#7f0000')\n",
	      s);
}

static int write_script(struct an_plot *p, struct an_run *runs, char *path, size_t size)
{
	FILE *s;
	int rc = 0;

	snprintf(path, size, "%s/plot.gp", p->dir);
	s = fopen(path, "w");
	if (!s)
		return -errno;
	script_head(s, p);
	for (unsigned i = 0; i < p->nruns && !rc; i++) {
		int pick = busiest_bctx(&runs[i]);

		if (pick >= 0)
			rc = write_heat(p, i, (unsigned)pick, runs[i].bctx[pick].size);
		script_queues(s, p, i, &runs[i]);
		script_heat(s, p, i, &runs[i], pick);
	}
	fputs("unset multiplot\n", s);
	if (fclose(s))
		rc = rc ? rc : -errno;
	return rc;
}

/* Run gnuplot on @script, its messages into the temporary directory.
 * Returns its exit status, or -errno when it did not run. */
static int run_gnuplot(struct an_plot *p, char *script, char *log, size_t size)
{
	char *argv[] = {"gnuplot", script, NULL};
	posix_spawn_file_actions_t fa;
	pid_t pid;
	int st, rc;

	snprintf(log, size, "%s/gnuplot.log", p->dir);
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_addopen(&fa, 1, log, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	posix_spawn_file_actions_adddup2(&fa, 1, 2);
	rc = posix_spawnp(&pid, "gnuplot", &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	if (rc)
		return -rc;
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			return -errno;
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

/* The first line gnuplot complained with. */
static void first_line(const char *path, char *buf, size_t size)
{
	FILE *f = fopen(path, "r");

	buf[0] = '\0';
	while (f && fgets(buf, (int)size, f)) {
		buf[strcspn(buf, "\n")] = '\0';
		if (buf[strspn(buf, " ^")])
			break;
	}
	if (f)
		fclose(f);
}

static int flush_data(struct an_plot *p)
{
	int rc = 0;

	for (unsigned i = 0; i < p->nruns; i++)
		if (fflush(p->q[i]) || fflush(p->b[i]) || ferror(p->q[i]) || ferror(p->b[i]))
			rc = -EIO;
	return rc;
}

int an_plot_finish(struct cli *cli, struct an_plot *p, struct an_run *runs, unsigned nruns)
{
	char script[PATH_MAX + 16], log[PATH_MAX + 16], why[256];
	int rc;

	(void)nruns;
	rc = flush_data(p);
	if (!rc)
		rc = write_script(p, runs, script, sizeof(script));
	if (rc)
		return cli_fail(cli, "can't write the plot's data in '%s': %s", p->dir,
				strerror(-rc));
	rc = run_gnuplot(p, script, log, sizeof(log));
	if (rc < 0)
		return cli_fail(cli, "can't run gnuplot: %s", strerror(-rc));
	if (rc) {
		first_line(log, why, sizeof(why));
		return cli_fail(cli, "gnuplot failed to draw '%s': %s", p->out, why);
	}
	return 0;
}

static void remove_tmp(struct an_plot *p)
{
	static const char *const names[] = {"q", "b", "h"};
	char path[PATH_MAX + 32];

	for (unsigned i = 0; i < p->nruns; i++) {
		for (unsigned k = 0; k < sizeof(names) / sizeof(names[0]); k++) {
			snprintf(path, sizeof(path), "%s/%s%u.dat", p->dir, names[k], i);
			unlink(path);
		}
	}
	snprintf(path, sizeof(path), "%s/plot.gp", p->dir);
	unlink(path);
	snprintf(path, sizeof(path), "%s/gnuplot.log", p->dir);
	unlink(path);
	rmdir(p->dir);
}

void an_plot_free(struct an_plot *p)
{
	if (!p)
		return;
	for (unsigned i = 0; i < p->nruns; i++) {
		if (p->q && p->q[i])
			fclose(p->q[i]);
		if (p->b && p->b[i])
			fclose(p->b[i]);
	}
	if (p->dir[0])
		remove_tmp(p);
	free(p->q);
	free(p->b);
	free(p);
}
