/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * snic gen: write a pcap of synthetic traffic that the options describe:
 * flows and their popularity, protocols, tunnels, fragments,
 * destinations, sizes, rate and length. The same options and seed give
 * the same bytes, so tests and benchmarks use it in place of downloaded
 * traces. Frames are made and written one at a time: memory grows with
 * the flows, not the frames.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "gen.h"

/* The largest frame, and room for headers past a small asked size. */
#define GEN_BUF (GEN_SIZE_MAX + 512)

/* Frames and bytes of the trace and of each destination. */
struct tally {
	uint64_t frames, bytes;
	uint64_t dst_frames[GEN_DEST_MAX];
	uint64_t dst_bytes[GEN_DEST_MAX];
};

#define GO struct gen_opts

static const struct cli_opt gen_opt_table[] = {
	CLI_OPT_STR("output", 'o', GO, out, "FILE", "write the trace to FILE (- for stdout)"),
	CLI_OPT_FLAG("pcapng", 0, GO, pcapng, "write pcapng rather than pcap"),
	CLI_OPT_FUNC("frames", 0, gen_opt_frames, "N", "frames to write: 1000, 10M"),
	CLI_OPT_FUNC("duration", 0, gen_opt_duration, "T", "or for how long: 10s, 500ms"),
	CLI_OPT_FUNC("rate", 0, gen_opt_rate, "R", "1Mpps (default), 14.88Mpps, 10Gbit"),
	CLI_OPT_FUNC("flows", 0, gen_opt_flows, "N", "number of flows (default 100)"),
	CLI_OPT_FUNC("dist", 0, gen_opt_dist, "D",
		     "frames per flow: uniform, zipf:S, elephants:K:PERCENT"),
	CLI_OPT_FLAG("shift", 0, GO, spec.shift, "other flows become the heavy ones halfway"),
	CLI_OPT_FUNC("size", 0, gen_opt_size, "S",
		     "frame sizes with FCS: 64, imix, uniform:64-1518, 64:7,1518:1"),
	CLI_OPT_FUNC("proto", 0, gen_opt_proto, "P:W,...",
		     "tcp, udp, sctp by weight (default tcp:60,udp:40)"),
	CLI_OPT_FUNC("ipv6", 0, gen_opt_ipv6, "PERCENT", "of the frames over IPv6"),
	CLI_OPT_FUNC("frag", 0, gen_opt_frag, "PERCENT", "of the frames IP fragments"),
	CLI_OPT_FUNC("tunnel", 0, gen_opt_tunnel, "T:PERCENT,...",
		     "of the frames in vxlan, geneve, gre, gtpu"),
	CLI_OPT_FUNC("dst", 0, gen_opt_dst, "MAC[@VLAN][:W],...",
		     "destination MACs by weight (default 02:00:00:00:00:01)"),
	CLI_OPT_FUNC("bcast", 0, gen_opt_bcast, "PERCENT[@VLAN]", "of the frames broadcast"),
	CLI_OPT_FUNC("mcast", 0, gen_opt_mcast, "PERCENT[@VLAN]", "of the frames multicast"),
	CLI_OPT_FUNC("unknown", 0, gen_opt_unknown, "PERCENT[@VLAN]",
		     "of the frames to unknown unicast MACs"),
	CLI_OPT_FUNC("seed", 0, gen_opt_seed, "N", "random seed (default 1)"),
};

static const char *const gen_usage[] = {
	"-o FILE [--frames N | --duration T] [--rate R] [OPTIONS]",
	NULL,
};

static const struct cli_spec gen_cli_spec = {
	.usage = gen_usage,
	.desc = "Write a trace of synthetic traffic: flows with the chosen popularity, protocols,\n"
		"tunnels and destinations, timestamped at the chosen rate from 2026-01-01.\n"
		"The same options and seed give the same bytes.",
	.opts = gen_opt_table,
	.nopts = sizeof(gen_opt_table) / sizeof(gen_opt_table[0]),
	.notes = "Shares are of the frames. Frame sizes count the 4-byte FCS, which the capture\n"
		 "leaves out; a frame is longer when its headers need it. Destinations: the\n"
		 "--dst MACs share by weight what broadcast, multicast and unknown unicast leave.\n"
		 "VLAN is a VID, or OUTER.INNER for QinQ. See snic-gen(1).",
};

/* ---- checks ---- */

static int check_opts(struct cli *cli, struct gen_opts *o, char **pos, int npos)
{
	struct gen_spec *s = &o->spec;
	int rc;

	if (npos)
		return cli_err(cli, "unexpected argument '%s'", pos[0]);
	if (!o->out)
		return cli_err(cli, "missing -o FILE");
	if (!strcmp(o->out, "-") && isatty(STDOUT_FILENO))
		return cli_err(cli, "won't write a capture to a terminal: give -o FILE");
	rc = gen_spec_resolve(s);
	if (rc == -EINVAL)
		return cli_err(cli, "--frames, --duration and --rate: give two of them at most");
	if (rc)
		return cli_err(cli, "%llu frames could take more than 10^6 s at this --rate",
			       (unsigned long long)s->frames);
	if (s->dist == GEN_DIST_ELEPHANTS && s->elephants >= s->flows)
		return cli_err(cli, "bad --dist: %u elephants among %u flows: give fewer",
			       s->elephants, s->flows);
	return 0;
}

/* ---- writing ---- */

static int write_trace(struct gen_model *m, struct gen_out *out, struct tally *t)
{
	uint8_t buf[GEN_BUF];
	struct gen_frame fr;
	int rc;

	while ((rc = gen_model_next(m, buf, sizeof(buf), &fr)) == 1) {
		rc = gen_out_frame(out, fr.ts_ns, buf, fr.len);
		if (rc)
			return rc;
		t->frames++;
		t->bytes += fr.len;
		t->dst_frames[fr.dst]++;
		t->dst_bytes[fr.dst] += fr.len;
	}
	return rc;
}

/* ---- the summary ---- */

static const char *const class_names[GEN_CLASS_COUNT] = {
	[GEN_CLASS_BCAST] = "broadcast",
	[GEN_CLASS_MCAST] = "multicast",
	[GEN_CLASS_UNKNOWN] = "unknown",
};

static void json_dest(FILE *f, const struct gen_dst *d, uint64_t frames, uint64_t bytes)
{
	char mac[18];
	struct cli_json j;

	cli_json_open(&j, f);
	if (d->cls == GEN_CLASS_MAC)
		cli_json_str(&j, "dst", cli_format_hex(d->mac, 6, mac, sizeof(mac)));
	else
		cli_json_str(&j, "dst", class_names[d->cls]);
	if (d->n_vlan)
		cli_json_uint(&j, "vlan", d->vid[0]);
	if (d->n_vlan > 1)
		cli_json_uint(&j, "inner_vlan", d->vid[1]);
	cli_json_uint(&j, "frames", frames);
	cli_json_uint(&j, "bytes", bytes);
	cli_json_close(&j);
}

/* One object for the trace, then one per destination. */
static void json_summary(FILE *f, const struct gen_opts *o, const struct gen_model *m,
			 const struct tally *t)
{
	const struct gen_flows *fl = gen_model_flows(m);
	struct cli_json j;

	cli_json_open(&j, f);
	cli_json_str(&j, "file", o->out);
	cli_json_str(&j, "format", o->pcapng ? "pcapng" : "pcap");
	cli_json_uint(&j, "frames", t->frames);
	cli_json_uint(&j, "bytes", t->bytes);
	cli_json_uint(&j, "flows", fl->n);
	cli_json_uint(&j, "seed", o->spec.seed);
	cli_json_uint(&j, "start_ns", GEN_EPOCH_S * GEN_NS);
	cli_json_uint(&j, "span_ns", gen_model_span_ns(m));
	if (gen_model_shift_ns(m) != UINT64_MAX)
		cli_json_uint(&j, "shift_ns", gen_model_shift_ns(m));
	cli_json_close(&j);
	for (unsigned d = 0; d < fl->ndst; d++)
		json_dest(f, fl->dst[d], t->dst_frames[d], t->dst_bytes[d]);
}

static void summary(const struct cli *cli, const struct gen_opts *o, const struct gen_model *m,
		    const struct tally *t)
{
	FILE *f = strcmp(o->out, "-") ? stdout : stderr;
	uint64_t span = gen_model_span_ns(m);

	if (cli->json) {
		json_summary(f, o, m, t);
		return;
	}
	fprintf(f, "%s: %llu frames, %llu bytes, %u flows, %llu.%09llu s, seed %llu\n", o->out,
		(unsigned long long)t->frames, (unsigned long long)t->bytes, gen_model_flows(m)->n,
		(unsigned long long)(span / GEN_NS), (unsigned long long)(span % GEN_NS),
		(unsigned long long)o->spec.seed);
}

/* ---- the command ---- */

static int generate(struct cli *cli, const struct gen_opts *o, struct gen_model *m)
{
	struct tally *t = calloc(1, sizeof(*t));
	struct gen_out out;
	int rc, wrc;

	if (!t)
		return cli_fail(cli, "out of memory");
	rc = gen_out_open(&out, o->out, o->pcapng);
	if (rc && !out.f) {
		free(t);
		return cli_err(cli, "can't create '%s': %s", o->out, strerror(-rc));
	}
	if (!rc)
		rc = write_trace(m, &out, t);
	wrc = gen_out_close(&out);
	rc = rc ? rc : wrc;
	if (rc) {
		if (strcmp(o->out, "-"))
			unlink(o->out);
		rc = cli_fail(cli, "error writing '%s': %s", o->out, strerror(-rc));
	} else {
		summary(cli, o, m, t);
	}
	free(t);
	return rc;
}

int cmd_gen(struct cli *cli, int argc, char **argv)
{
	struct gen_opts o = {0};
	struct gen_model *m;
	int npos, rc;

	gen_spec_init(&o.spec);
	rc = cli_parse(cli, &gen_cli_spec, &o, argc, argv, &npos);
	if (rc != CLI_CONTINUE)
		return rc;
	rc = check_opts(cli, &o, argv, npos);
	if (rc)
		return rc;
	rc = gen_model_new(&o.spec, &m);
	if (rc)
		return cli_fail(cli, "can't make %u flows: %s", o.spec.flows, strerror(-rc));
	rc = generate(cli, &o, m);
	gen_model_free(m);
	return rc;
}
