/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * snic gen: synthetic traces. The parts that share this header:
 *  - gen.c: the command: its options, checks and summary;
 *  - gen_args.c: the option values, parsed into a struct gen_spec;
 *  - gen_model.c: the random source, flow popularity (uniform, Zipf,
 *    elephants, the shift halfway), timestamps, and the frame loop;
 *  - gen_flows.c: the flows themselves: who gets which destination,
 *    protocol, IP version and tunnel, their addresses, and their frames;
 *  - gen_pcap.c: the pcap or pcapng writer.
 *
 * Everything is a function of the spec and its seed: the same spec gives
 * the same bytes. Memory grows with the flows, never with the frames.
 */
#ifndef SNIC_GEN_H
#define SNIC_GEN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "snic/parse.h"

#define GEN_FLOWS_MAX (1u << 24)
#define GEN_DSTS_MAX  256 /* --dst entries */
#define GEN_SIZES_MAX 64  /* sizes in a --size list */
#define GEN_SIZE_MIN  64  /* frame sizes count the 4-byte FCS, as RFC 2544 does */
#define GEN_SIZE_MAX  9216
#define GEN_FCS	      4
#define GEN_ONE	      1000u /* shares are kept in thousandths: 100% is 100 * GEN_ONE */
#define GEN_PCT_ALL   (100 * GEN_ONE)

/* Seconds from 1970 to 2026-01-01T00:00:00Z, the time of the first frame. */
#define GEN_EPOCH_S	1767225600ull
#define GEN_NS		1000000000ull
/* The longest trace: 10^6 s. */
#define GEN_SPAN_MAX_NS (1000000ull * GEN_NS)

enum gen_dist {
	GEN_DIST_UNIFORM = 0,
	GEN_DIST_ZIPF,
	GEN_DIST_ELEPHANTS,
};

/* What the rate counts. */
enum gen_pace {
	GEN_PACE_PPS = 0, /* frames per second */
	GEN_PACE_BITS,	  /* bits per second on the wire: frame, FCS, preamble, gap */
};

enum gen_proto {
	GEN_TCP = 0,
	GEN_UDP,
	GEN_SCTP,
	GEN_PROTO_COUNT,
};

#define GEN_TUN_COUNT (SNIC_TUN_GTPU + 1) /* enum snic_tunnel, SNIC_TUN_NONE included */

/* A destination: a --dst entry or one of the classes after them. */
enum gen_class {
	GEN_CLASS_MAC = 0,
	GEN_CLASS_BCAST,
	GEN_CLASS_MCAST,
	GEN_CLASS_UNKNOWN,
	GEN_CLASS_COUNT,
};

struct gen_dst {
	uint8_t cls; /* enum gen_class */
	uint8_t mac[6];
	uint8_t n_vlan;	 /* 0..2 */
	uint16_t vid[2]; /* outermost first */
	uint32_t share;	 /* --dst: relative weight; a class: percent of frames (GEN_ONE units) */
};

/* What the user asked for; zero fields take the defaults of gen_spec_init(). */
struct gen_spec {
	uint64_t frames;      /* frames to write; 0 when bounded by duration_ns */
	uint64_t duration_ns; /* 0 when bounded by frames */
	uint64_t rate;	      /* thousandths of frames or bits per second; 0: none given */
	uint8_t pace;	      /* enum gen_pace */
	uint32_t flows;
	uint8_t dist; /* enum gen_dist */
	double zipf_s;
	uint32_t elephants;	 /* how many */
	uint32_t elephant_share; /* percent of frames they carry, GEN_ONE units */
	unsigned nsizes;	 /* 0: uniform in size_lo..size_hi */
	uint16_t size[GEN_SIZES_MAX];
	uint32_t size_w[GEN_SIZES_MAX];
	uint16_t size_lo, size_hi;
	uint32_t proto_w[GEN_PROTO_COUNT]; /* relative weights */
	uint32_t ipv6;			   /* percent of frames, GEN_ONE units */
	uint32_t frag;
	uint32_t tunnel[GEN_TUN_COUNT]; /* percent of frames per tunnel; [0] unused */
	unsigned ndst;			/* --dst entries; 0: one, 02:00:00:00:00:01 */
	struct gen_dst dst[GEN_DSTS_MAX];
	struct gen_dst cls[GEN_CLASS_COUNT]; /* [BCAST], [MCAST], [UNKNOWN]; [0] unused */
	bool shift;
	uint64_t seed;
};

/* Defaults: 100 flows, uniform, 64-byte frames, TCP 60 / UDP 40, IPv4,
 * seed 1. The trace's length and rate are left unset (all zero). */
void gen_spec_init(struct gen_spec *s);

/*
 * Complete the length and rate: 1000 frames when neither frames nor a
 * duration is given, 1 Mpps unless both are. Returns -EINVAL when all
 * three are given, -ERANGE when the frames could take longer than
 * GEN_SPAN_MAX_NS at the rate.
 */
int gen_spec_resolve(struct gen_spec *s);

/* The command line of snic gen. */
struct gen_opts {
	struct gen_spec spec;
	const char *out;
	bool pcapng;
};

/* ---- option values (gen_args.c): CLI_FUNC parsers into a gen_opts ---- */

struct cli;
int gen_opt_frames(struct cli *cli, void *opts, const char *arg);
int gen_opt_duration(struct cli *cli, void *opts, const char *arg);
int gen_opt_rate(struct cli *cli, void *opts, const char *arg);
int gen_opt_flows(struct cli *cli, void *opts, const char *arg);
int gen_opt_dist(struct cli *cli, void *opts, const char *arg);
int gen_opt_size(struct cli *cli, void *opts, const char *arg);
int gen_opt_proto(struct cli *cli, void *opts, const char *arg);
int gen_opt_ipv6(struct cli *cli, void *opts, const char *arg);
int gen_opt_frag(struct cli *cli, void *opts, const char *arg);
int gen_opt_tunnel(struct cli *cli, void *opts, const char *arg);
int gen_opt_dst(struct cli *cli, void *opts, const char *arg);
int gen_opt_bcast(struct cli *cli, void *opts, const char *arg);
int gen_opt_mcast(struct cli *cli, void *opts, const char *arg);
int gen_opt_unknown(struct cli *cli, void *opts, const char *arg);
int gen_opt_seed(struct cli *cli, void *opts, const char *arg);

/* ---- randomness (gen_model.c): xoshiro256**, seeded by splitmix64 ---- */

struct gen_rng {
	uint64_t s[4];
};

/* Stream @stream of @seed: streams of one seed are independent. */
void gen_rng_seed(struct gen_rng *r, uint64_t seed, uint64_t stream);
uint64_t gen_rng_next(struct gen_rng *r);
/* Uniform in 0..n-1 (n <= 2^32). */
uint32_t gen_rng_below(struct gen_rng *r, uint32_t n);
/* Uniform in [0, 1). */
double gen_rng_unit(struct gen_rng *r);

/* ---- flows (gen_flows.c) ---- */

/* Which kind of fragment a frame is. */
enum gen_frag {
	GEN_FRAG_NONE = 0,
	GEN_FRAG_FIRST, /* offset 0, more fragments */
	GEN_FRAG_LAST,	/* a later fragment, no L4 header */
	GEN_FRAG_COUNT,
};

struct gen_flow {
	uint8_t ip_src[16]; /* the end hosts: inner addresses of a tunnel */
	uint8_t ip_dst[16];
	uint8_t smac[6];
	uint8_t dmac[6];
	uint16_t sport, dport;
	uint16_t tun_sport;	       /* outer UDP source port of a tunnel */
	uint16_t dst;		       /* index in the destinations */
	uint32_t tun_id;	       /* VNI, GRE key, TEID */
	uint16_t hlen[GEN_FRAG_COUNT]; /* header bytes of each kind of frame */
	uint8_t ver;		       /* 4 or 6, at both levels */
	uint8_t proto;		       /* enum gen_proto */
	uint8_t tunnel;		       /* enum snic_tunnel */
	uint8_t vtep_src, vtep_dst;    /* outer addresses of a tunnel */
	uint8_t frag_next;	       /* the kind of this flow's next fragment */
};

/* Destinations in report order: the --dst entries (or the default one),
 * then broadcast, multicast and unknown unicast. */
#define GEN_DEST_MAX (GEN_DSTS_MAX + GEN_CLASS_COUNT - 1)

struct gen_flows {
	uint32_t n;
	struct gen_flow *flow;
	unsigned ndst;
	const struct gen_dst *dst[GEN_DEST_MAX];
};

/*
 * Make @s->flows flows. @weight[f] is flow f's expected share of the
 * frames (summing to 1): destinations, protocols, IP versions and tunnels
 * are given out so that their shares of the frames approach the spec's.
 * Returns 0 or -ENOMEM.
 */
int gen_flows_make(struct gen_flows *fl, const struct gen_spec *s, const double *weight,
		   struct gen_rng *r);
void gen_flows_free(struct gen_flows *fl);

/* Write a frame of flow @f, @size bytes with the FCS (more when its
 * headers need more), into @buf. Returns its length without the FCS, or
 * a negative errno. */
int gen_flow_frame(const struct gen_flows *fl, const struct gen_flow *f, enum gen_frag frag,
		   unsigned size, uint8_t *buf, size_t cap);

/* ---- the trace (gen_model.c) ---- */

struct gen_model;

/* What gen_model_next() made. */
struct gen_frame {
	uint64_t ts_ns; /* since 1970 */
	uint32_t len;	/* bytes written, without the FCS */
	unsigned dst;	/* index in the destinations */
};

/* Returns 0, -ENOMEM, or -EINVAL for a spec that can't be made (which
 * gen.c checks before). */
int gen_model_new(const struct gen_spec *s, struct gen_model **out);
void gen_model_free(struct gen_model *m);
const struct gen_flows *gen_model_flows(const struct gen_model *m);

/* The next frame into @buf: returns 1, 0 when the trace is complete, or a
 * negative errno. */
int gen_model_next(struct gen_model *m, uint8_t *buf, size_t cap, struct gen_frame *fr);

/* Nanoseconds from the first frame to the end of the last one. */
uint64_t gen_model_span_ns(const struct gen_model *m);

/* Nanoseconds from the first frame to the first one after the shift;
 * UINT64_MAX when there was none. */
uint64_t gen_model_shift_ns(const struct gen_model *m);

/* ---- output (gen_pcap.c) ---- */

struct gen_out {
	FILE *f;
	bool pcapng;
	bool own; /* f is ours to close */
};

/* Open @path ("-": standard output) and write the file header. Returns 0
 * or a negative errno. */
int gen_out_open(struct gen_out *o, const char *path, bool pcapng);
int gen_out_frame(struct gen_out *o, uint64_t ts_ns, const uint8_t *data, uint32_t len);
/* Flush and close; returns 0 or a negative errno. */
int gen_out_close(struct gen_out *o);

#endif
