/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * snic hash: the hash, RETA index and queue that a NIC's RSS gives a flow,
 * a string of raw bytes or each frame of a capture, under a profile's key,
 * hash function, fields and RETA; and new keys for `ethtool -X hkey`.
 *
 * A flow given on the command line is crafted into a frame and parsed, so
 * that it goes through the same parser and RSS engine as captured frames.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#ifdef SNIC_HAVE_PCAP
#include <pcap/pcap.h>
#endif

#include "snic/craft.h"
#include "snic/parse.h"
#include "snic/profile.h"
#include "snic/rss.h"
#include "cli.h"

#define HASH_DEFAULT_PROFILE "generic"
/* Queues the default RETA spreads over. A driver's default follows the
 * CPU count; this one is the same on every machine. */
#define HASH_DEFAULT_QUEUES  4
/* IP protocol of a flow given without ports: 253, for experiments (RFC 3692). */
#define HASH_PROTO_NOPORTS   253
/* Longest --input: enough for any hash function's input. */
#define HASH_INPUT_MAX	     1024

enum reta_mode {
	RETA_DEFAULT = 0,
	RETA_EQUAL,
	RETA_WEIGHT,
};

struct hash_opts {
	const char *profile;
	const char *key;
	const char *hfunc;
	const char *input;
	const char *pcap;
	const char *proto;
	bool inner;
	bool teid;
	bool gen_key;
	bool symmetric;
	unsigned size;
	uint8_t fields[SNIC_FT_COUNT];
	bool fields_set[SNIC_FT_COUNT];
	uint8_t reta_mode; /* enum reta_mode */
	unsigned reta_n;
	unsigned nweights;
	uint32_t weights[SNIC_RETA_MAX];
};

/* What the hashing modes share. */
struct hash_ctx {
	struct cli *cli;
	const struct snic_profile *prof;
	struct snic_rss_conf conf;
	struct snic_rss *rss; /* NULL in --input mode */
};

/* What a result is reported with: the flow type, the fields it hashes on,
 * and the addresses and (when hashed) ports they were taken from. */
struct tuple {
	const char *type; /* flow type name; NULL when not IP */
	char fields[8];	  /* "sdfn" */
	char src[INET6_ADDRSTRLEN];
	char dst[INET6_ADDRSTRLEN];
	bool v6;
	bool ports;
	bool teid;
	uint16_t sport;
	uint16_t dport;
	uint32_t teid_val;
};

/* ---- options ---- */

static int rx_flow_hash_one(struct cli *cli, struct hash_opts *o, char *item)
{
	struct snic_err err = {0};
	enum snic_flow_type ft;
	char *eq = strchr(item, '=');
	uint8_t fields;

	if (!eq)
		return cli_err(cli, "bad --rx-flow-hash '%s': expected FLOW=FIELDS", item);
	*eq = '\0';
	if (snic_flow_type_parse(item, &ft, &err) || snic_rxh_parse(eq + 1, &fields, &err))
		return cli_err(cli, "%s", err.msg);
	o->fields[ft] = fields;
	o->fields_set[ft] = true;
	return 0;
}

static int opt_rx_flow_hash(struct cli *cli, void *opts, const char *arg)
{
	char *copy = strdup(arg), *item, *next;
	int rc = 0;

	if (!copy)
		return cli_fail(cli, "out of memory");
	for (item = copy; item && !rc; item = next) {
		next = strchr(item, ',');
		if (next)
			*next++ = '\0';
		rc = rx_flow_hash_one(cli, opts, item);
	}
	free(copy);
	return rc;
}

static int reta_equal(struct cli *cli, struct hash_opts *o, char **argv, int argc)
{
	unsigned long n;

	if (argc < 1) {
		cli_err(cli, "--reta equal needs a queue count");
		return -1;
	}
	if (cli_parse_uint(argv[0], SNIC_RETA_MAX, &n) || n == 0) {
		cli_err(cli, "bad queue count '%s' for --reta equal", argv[0]);
		return -1;
	}
	o->reta_mode = RETA_EQUAL;
	o->reta_n = (unsigned)n;
	return 1;
}

/* Weights run to the first word that is not a number or a list of them
 * ("1 2 1" or "1,2,1"). Returns 0 when @s is not such a list. */
static int weight_list(struct hash_opts *o, const char *s)
{
	unsigned n = o->nweights;
	unsigned long v;
	char *end;

	for (;;) {
		if (!isdigit((unsigned char)*s) || n == SNIC_RETA_MAX)
			return 0;
		errno = 0;
		v = strtoul(s, &end, 10);
		if (errno || v > UINT32_MAX || (*end != ',' && *end != '\0'))
			return 0;
		o->weights[n++] = (uint32_t)v;
		if (*end == '\0')
			break;
		s = end + 1;
	}
	o->nweights = n;
	return 1;
}

static int reta_weight(struct cli *cli, struct hash_opts *o, char **argv, int argc)
{
	int i = 0;

	o->nweights = 0;
	while (i < argc && weight_list(o, argv[i]))
		i++;
	if (i == 0) {
		cli_err(cli, "--reta weight needs weights, got '%s'", argc ? argv[0] : "");
		return -1;
	}
	o->reta_mode = RETA_WEIGHT;
	return i;
}

static const struct {
	const char *name;
	int (*parse)(struct cli *cli, struct hash_opts *o, char **argv, int argc);
} reta_modes[] = {
	{"equal", reta_equal},
	{"weight", reta_weight},
};

static int opt_reta(struct cli *cli, void *opts, char **argv, int argc)
{
	int n;

	for (size_t i = 0; argc > 0 && i < sizeof(reta_modes) / sizeof(reta_modes[0]); i++) {
		if (strcmp(argv[0], reta_modes[i].name))
			continue;
		n = reta_modes[i].parse(cli, opts, argv + 1, argc - 1);
		return n < 0 ? n : n + 1;
	}
	if (argc)
		cli_err(cli, "bad --reta '%s': expected equal N or weight W...", argv[0]);
	else
		cli_err(cli, "option '--reta' needs equal N or weight W...");
	return -1;
}

#define HO struct hash_opts

static const struct cli_opt hash_opt_table[] = {
	CLI_OPT_STR("profile", 0, HO, profile, "NAME", "NIC profile (default generic)"),
	CLI_OPT_STR("key", 0, HO, key, "HEX",
		    "RSS key: 6d:5a:... or 6d5a... (default: the profile's)"),
	CLI_OPT_STR("hfunc", 0, HO, hfunc, "F",
		    "toeplitz, sym-xor, sym-or-xor, sym-sort, xor, crc32"),
	CLI_OPT_FUNC("rx-flow-hash", 0, opt_rx_flow_hash, "FLOW=FIELDS,...",
		     "fields per flow type, as ethtool -N: tcp4=sdfn,udp4=sd"),
	CLI_OPT_ARGS("reta", 0, opt_reta, "equal N|weight W...",
		     "RETA, as ethtool -X (default: equal 4)"),
	CLI_OPT_FLAG("inner", 0, HO, inner, "hash a tunnel's inner headers"),
	CLI_OPT_FLAG("teid", 0, HO, teid, "add the GTP-U TEID to the hash input"),
	CLI_OPT_STR("proto", 0, HO, proto, "P",
		    "tcp, udp, sctp or 0..255 (default tcp; 253 without ports)"),
	CLI_OPT_STR("input", 0, HO, input, "HEX", "hash these raw bytes instead of a flow"),
	CLI_OPT_STR("pcap", 0, HO, pcap, "FILE",
		    "hash each frame of a pcap/pcapng file (- for stdin)"),
	CLI_OPT_FLAG("gen-key", 0, HO, gen_key, "print a random key for ethtool -X DEV hkey"),
	CLI_OPT_UINT("size", 0, HO, size, SNIC_RSS_KEY_MAX, "BYTES",
		     "--gen-key: key size, 40, 52... (default: the profile's)"),
	CLI_OPT_FLAG("symmetric", 0, HO, symmetric,
		     "--gen-key: 6d:5a repeated; symmetric, only 16 bits of entropy"),
};

static const char *const hash_usage[] = {
	"[OPTIONS] SRC DST [SPORT DPORT] [--proto tcp|udp|sctp|N]",
	"[OPTIONS] --input HEX",
	"[OPTIONS] --pcap FILE",
	"--gen-key [--size BYTES] [--symmetric] [--profile NAME]",
	NULL,
};

static const struct cli_spec hash_spec = {
	.usage = hash_usage,
	.desc = "Print the RSS hash, the RETA index and the queue that a NIC of the chosen\n"
		"profile gives a flow, raw bytes or each frame of a capture; or make a key.",
	.opts = hash_opt_table,
	.nopts = sizeof(hash_opt_table) / sizeof(hash_opt_table[0]),
	.notes = "FLOW: tcp4 udp4 sctp4 ip4 tcp6 udp6 sctp6 ip6. FIELDS, as ethtool: s d (IP\n"
		 "source, destination), f n (L4 bytes 0-1, 2-3), t (L3 protocol), v (VLAN),\n"
		 "m (destination MAC). Weights run to the first word that is not a number: put\n"
		 "SPORT DPORT before --reta weight, or end the weights with --.\n"
		 "A --symmetric key makes a>b and b>a hash alike but leaves only 16 bits of\n"
		 "entropy in the hash.",
};

/* ---- setup ---- */

static int find_profile(struct cli *cli, const char *name, const struct snic_profile **out)
{
	const struct snic_profile *const *all;
	char known[256] = "";
	size_t n, off = 0;

	*out = snic_profile_find(name ? name : HASH_DEFAULT_PROFILE);
	if (*out)
		return 0;
	all = snic_profiles(&n);
	for (size_t i = 0; i < n && off < sizeof(known); i++)
		off += (size_t)snprintf(known + off, sizeof(known) - off, "%s%s", i ? ", " : "",
					all[i]->name);
	return cli_err(cli, "unknown profile '%s' (known: %s)", name, known);
}

static int set_key(struct hash_ctx *h, const char *hex)
{
	struct snic_rss_conf *c = &h->conf;
	int n = cli_parse_hex(hex, c->key, sizeof(c->key));

	if (n == -ENOSPC)
		return cli_err(h->cli, "key '%s' is longer than %d bytes", hex, SNIC_RSS_KEY_MAX);
	if (n <= 0)
		return cli_err(h->cli, "bad key '%s': expected hex bytes", hex);
	memset(c->key + n, 0, sizeof(c->key) - (size_t)n);
	c->key_len = (uint8_t)n;
	return 0;
}

/* The highest queue the RETA names, plus one. */
static uint16_t reta_queues(const struct snic_rss_conf *c)
{
	uint16_t n = 0;

	for (unsigned i = 0; i < c->reta_size; i++)
		if (c->reta[i] >= n)
			n = c->reta[i] + 1;
	return n;
}

static int set_reta(struct hash_ctx *h, const struct hash_opts *o)
{
	struct snic_rss_conf *c = &h->conf;
	struct snic_err err = {0};
	int rc = 0;

	if (o->reta_mode == RETA_EQUAL)
		rc = snic_reta_equal(c->reta, c->reta_size, o->reta_n, 0, &err);
	else if (o->reta_mode == RETA_WEIGHT)
		rc = snic_reta_weight(c->reta, c->reta_size, o->weights, o->nweights, &err);
	if (rc)
		return cli_err(h->cli, "%s", err.msg);
	if (o->reta_mode != RETA_DEFAULT)
		c->nqueues = reta_queues(c);
	return 0;
}

static int set_hfunc(struct hash_ctx *h, const char *name)
{
	struct snic_err err = {0};
	enum snic_hfunc f;

	if (snic_hfunc_parse(name, &f, &err))
		return cli_err(h->cli, "%s", err.msg);
	h->conf.hfunc = (uint8_t)f;
	return 0;
}

static void set_fields(struct hash_ctx *h, const struct hash_opts *o)
{
	for (int ft = 0; ft < SNIC_FT_COUNT; ft++)
		if (o->fields_set[ft])
			h->conf.fields[ft] = o->fields[ft];
	if (o->inner)
		h->conf.flags |= SNIC_RSS_INNER;
	if (o->teid)
		h->conf.flags |= SNIC_RSS_TEID;
}

/* Queues the RETA is to spread over: a RETA whose size follows the queue
 * count (mlx5) is sized for them. */
static unsigned queues_wanted(const struct hash_opts *o)
{
	if (o->reta_mode == RETA_EQUAL)
		return o->reta_n;
	if (o->reta_mode == RETA_WEIGHT)
		return o->nweights;
	return HASH_DEFAULT_QUEUES;
}

/* The conf of the profile changed by the options, checked against the
 * profile. With --input the key is not the profile's business: it is set
 * after the check and only has to cover the input. */
static int hash_setup(struct cli *cli, const struct hash_opts *o, struct hash_ctx *h)
{
	struct snic_err err = {0};
	int rc;

	memset(h, 0, sizeof(*h));
	h->cli = cli;
	rc = find_profile(cli, o->profile, &h->prof);
	if (rc)
		return rc;
	snic_profile_rss_default(h->prof, queues_wanted(o), &h->conf);
	rc = o->key && !o->input ? set_key(h, o->key) : 0;
	if (!rc && o->hfunc)
		rc = set_hfunc(h, o->hfunc);
	if (!rc)
		rc = set_reta(h, o);
	if (rc)
		return rc;
	set_fields(h, o);
	if (snic_profile_check_rss(h->prof, &h->conf, &err))
		return cli_err(cli, "%s", err.msg);
	if (o->input || !snic_rss_new(&h->conf, &h->rss, &err))
		return 0;
	return cli_err(cli, "%s", err.msg);
}

/* ---- results ---- */

static const bool ft_ports[SNIC_FT_COUNT] = {
	[SNIC_FT_TCP4] = true, [SNIC_FT_UDP4] = true, [SNIC_FT_SCTP4] = true,
	[SNIC_FT_TCP6] = true, [SNIC_FT_UDP6] = true, [SNIC_FT_SCTP6] = true,
};

static void tuple_of(const struct hash_ctx *h, const struct snic_pkt *pkt, struct tuple *t)
{
	enum snic_flow_type ft = snic_rss_flow_type(&h->conf, pkt);
	const struct snic_hdr *hd = snic_pkt_hdr(pkt, h->conf.flags & SNIC_RSS_INNER);

	memset(t, 0, sizeof(*t));
	if (ft >= SNIC_FT_COUNT)
		return;
	t->type = snic_flow_type_name(ft);
	t->v6 = hd->l3 == SNIC_L3_IPV6;
	inet_ntop(t->v6 ? AF_INET6 : AF_INET, hd->ip_src, t->src, sizeof(t->src));
	inet_ntop(t->v6 ? AF_INET6 : AF_INET, hd->ip_dst, t->dst, sizeof(t->dst));
	snic_rxh_format(h->conf.fields[ft], t->fields, sizeof(t->fields));
	t->ports = ft_ports[ft] && (hd->flags & SNIC_HF_L4) &&
		   (h->conf.fields[ft] & (SNIC_RXH_L4_B_0_1 | SNIC_RXH_L4_B_2_3));
	t->sport = hd->sport;
	t->dport = hd->dport;
	t->teid = (h->conf.flags & SNIC_RSS_TEID) && pkt->tunnel == SNIC_TUN_GTPU &&
		  pkt->tun_id_valid;
	t->teid_val = pkt->tun_id;
}

static void print_tuple(const struct tuple *t)
{
	if (!t->type)
		fputs("-", stdout);
	else if (!t->ports)
		printf("%s %s > %s", t->type, t->src, t->dst);
	else if (t->v6)
		printf("%s [%s]:%u > [%s]:%u", t->type, t->src, t->sport, t->dst, t->dport);
	else
		printf("%s %s:%u > %s:%u", t->type, t->src, t->sport, t->dst, t->dport);
	if (t->teid)
		printf(" teid 0x%08x", t->teid_val);
	putchar(' ');
}

static void json_tuple(struct cli_json *j, const struct tuple *t)
{
	cli_json_str(j, "flow_type", t->type);
	if (!t->type)
		return;
	cli_json_str(j, "fields", t->fields);
	cli_json_str(j, "src", t->src);
	cli_json_str(j, "dst", t->dst);
	if (t->ports) {
		cli_json_uint(j, "sport", t->sport);
		cli_json_uint(j, "dport", t->dport);
	}
	if (t->teid)
		cli_json_uint(j, "teid", t->teid_val);
}

/* One result line: @frame counts from 1 (0: not a capture), @t is NULL
 * for raw input. */
static void print_result(const struct hash_ctx *h, unsigned long frame, const struct tuple *t,
			 uint32_t hash)
{
	unsigned idx = snic_reta_index(&h->conf, hash), queue = h->conf.reta[idx];
	char hex[11];
	struct cli_json j;

	if (!h->cli->json) {
		if (frame)
			printf("%lu ", frame);
		if (t)
			print_tuple(t);
		printf("hash 0x%08x reta %u queue %u\n", hash, idx, queue);
		return;
	}
	snprintf(hex, sizeof(hex), "0x%08x", hash);
	cli_json_open(&j, stdout);
	if (frame)
		cli_json_uint(&j, "frame", frame);
	if (t)
		json_tuple(&j, t);
	cli_json_str(&j, "hash", hex);
	cli_json_uint(&j, "reta_index", idx);
	cli_json_uint(&j, "queue", queue);
	cli_json_close(&j);
}

static void hash_frame(const struct hash_ctx *h, const uint8_t *data, uint32_t len,
		       unsigned long frame)
{
	struct snic_pkt pkt;
	struct tuple t;

	snic_parse(data, len, &pkt);
	tuple_of(h, &pkt, &t);
	print_result(h, frame, &t, snic_rss_hash(h->rss, &pkt));
}

/* ---- a flow from the command line ---- */

static const struct {
	const char *name;
	uint8_t proto;
} protos[] = {
	{"tcp", 6},
	{"udp", 17},
	{"sctp", 132},
};

static int parse_proto(struct cli *cli, const char *s, bool ports, uint8_t *out)
{
	unsigned long v;

	*out = ports ? protos[0].proto : HASH_PROTO_NOPORTS;
	if (!s)
		return 0;
	for (size_t i = 0; i < sizeof(protos) / sizeof(protos[0]); i++) {
		if (!strcmp(s, protos[i].name)) {
			*out = protos[i].proto;
			return ports ? 0 : cli_err(cli, "--proto %s needs SPORT DPORT", s);
		}
	}
	if (cli_parse_uint(s, 255, &v))
		return cli_err(cli, "bad protocol '%s' (tcp, udp, sctp or 0..255)", s);
	*out = (uint8_t)v;
	return ports ? cli_err(cli, "ports need tcp, udp or sctp, not protocol '%s'", s) : 0;
}

static int parse_port(struct cli *cli, const char *s, uint16_t *out)
{
	unsigned long v;

	if (cli_parse_uint(s, UINT16_MAX, &v))
		return cli_err(cli, "bad port '%s'", s);
	*out = (uint16_t)v;
	return 0;
}

static int parse_addrs(struct cli *cli, char **pos, struct snic_craft_hdr *c)
{
	struct cli_addr a[2];

	for (int i = 0; i < 2; i++)
		if (cli_parse_addr(pos[i], &a[i]))
			return cli_err(cli, "bad address '%s'", pos[i]);
	if (a[0].family != a[1].family)
		return cli_err(cli, "'%s' and '%s' are not of the same address family", pos[0],
			       pos[1]);
	c->ip_ver = a[0].family == AF_INET ? 4 : 6;
	memcpy(c->ip_src, a[0].b, sizeof(c->ip_src));
	memcpy(c->ip_dst, a[1].b, sizeof(c->ip_dst));
	return 0;
}

static int flow_args(struct cli *cli, const struct hash_opts *o, char **pos, int npos,
		     struct snic_craft_hdr *c)
{
	if (npos < 2)
		return npos ? cli_err(cli, "missing DST after '%s'", pos[0])
			    : cli_err(cli, "missing SRC DST (see snic hash --help)");
	if (npos == 3)
		return cli_err(cli, "missing DPORT after '%s'", pos[2]);
	if (npos > 4)
		return cli_err(cli, "unexpected argument '%s'", pos[4]);
	if (parse_addrs(cli, pos, c) || parse_proto(cli, o->proto, npos == 4, &c->l4_proto))
		return CLI_EXIT_USAGE;
	if (npos == 4 && (parse_port(cli, pos[2], &c->sport) || parse_port(cli, pos[3], &c->dport)))
		return CLI_EXIT_USAGE;
	return 0;
}

static int hash_flow(struct hash_ctx *h, const struct hash_opts *o, char **pos, int npos)
{
	struct snic_craft c = {0};
	uint8_t frame[256];
	int len = flow_args(h->cli, o, pos, npos, &c.outer);

	if (len)
		return len;
	len = snic_craft_frame(&c, frame, sizeof(frame));
	if (len < 0)
		return cli_fail(h->cli, "can't build a frame for this flow: %s", strerror(-len));
	hash_frame(h, frame, (uint32_t)len, 0);
	return 0;
}

/* ---- raw bytes ---- */

static bool hfunc_keyed(uint8_t hfunc)
{
	return hfunc != SNIC_HFUNC_XOR && hfunc != SNIC_HFUNC_CRC32;
}

static int hash_input(struct hash_ctx *h, const struct hash_opts *o)
{
	uint8_t in[HASH_INPUT_MAX];
	int n = cli_parse_hex(o->input, in, sizeof(in)), rc;

	if (n == -ENOSPC)
		return cli_err(h->cli, "input '%.16s...' is longer than %d bytes", o->input,
			       HASH_INPUT_MAX);
	if (n < 0)
		return cli_err(h->cli, "bad input '%s': expected hex bytes", o->input);
	if (o->key && (rc = set_key(h, o->key)))
		return rc;
	if (hfunc_keyed(h->conf.hfunc) && (size_t)n + 4 > h->conf.key_len)
		return cli_err(h->cli,
			       "input is %d bytes: the key must have at least %d, it has %u", n,
			       n + 4, h->conf.key_len);
	print_result(h, 0, NULL, snic_rss_hfunc_raw(&h->conf, in, (size_t)n));
	return 0;
}

/* ---- captures ---- */

#ifdef SNIC_HAVE_PCAP
static int capture_open(struct cli *cli, const char *path, pcap_t **out)
{
	char errbuf[PCAP_ERRBUF_SIZE] = "";
	FILE *f = strcmp(path, "-") ? fopen(path, "rb") : stdin;
	const char *lt;

	if (!f)
		return cli_err(cli, "can't open '%s': %s", path, strerror(errno));
	*out = pcap_fopen_offline(f, errbuf);
	if (!*out) {
		if (f != stdin)
			fclose(f);
		return cli_err(cli, "'%s' is not a pcap or pcapng capture: %s", path, errbuf);
	}
	if (pcap_datalink(*out) == DLT_EN10MB)
		return 0;
	lt = pcap_datalink_val_to_name(pcap_datalink(*out));
	pcap_close(*out);
	return cli_err(cli, "'%s': link type %s is not supported, only Ethernet", path,
		       lt ? lt : "unknown");
}

static int hash_pcap(struct hash_ctx *h, const char *path)
{
	struct pcap_pkthdr *ph;
	const u_char *data;
	unsigned long frame = 0;
	pcap_t *p = NULL;
	int rc = capture_open(h->cli, path, &p);

	if (rc)
		return rc;
	while ((rc = pcap_next_ex(p, &ph, &data)) == 1)
		hash_frame(h, data, ph->caplen, ++frame);
	if (rc == PCAP_ERROR)
		rc = cli_fail(h->cli, "'%s': reading stopped at frame %lu: %s", path, frame + 1,
			      pcap_geterr(p));
	else
		rc = 0;
	pcap_close(p);
	return rc;
}
#else
static int hash_pcap(struct hash_ctx *h, const char *path)
{
	return cli_err(h->cli, "can't read '%s': this snic was built without libpcap", path);
}
#endif

/* ---- keys ---- */

static int random_bytes(uint8_t *b, size_t n)
{
	ssize_t got;

	while (n) {
		got = getrandom(b, n, 0);
		if (got < 0 && errno != EINTR)
			return -errno;
		if (got > 0) {
			b += got;
			n -= (size_t)got;
		}
	}
	return 0;
}

static void print_key(const struct cli *cli, const uint8_t *key, unsigned size, bool symmetric)
{
	char text[3 * SNIC_RSS_KEY_MAX];
	struct cli_json j;

	cli_format_hex(key, size, text, sizeof(text));
	if (!cli->json) {
		puts(text);
		return;
	}
	cli_json_open(&j, stdout);
	cli_json_str(&j, "key", text);
	cli_json_uint(&j, "size", size);
	cli_json_bool(&j, "symmetric", symmetric);
	cli_json_close(&j);
}

static int hash_gen_key(struct cli *cli, const struct hash_opts *o)
{
	const struct snic_profile *p = NULL;
	uint8_t key[SNIC_RSS_KEY_MAX];
	unsigned size = o->size;
	int rc = find_profile(cli, o->profile, &p);

	if (rc)
		return rc;
	size = size ? size : p->key_size;
	if (size < 4)
		return cli_err(cli, "bad key size %u (4..%d)", size, SNIC_RSS_KEY_MAX);
	for (unsigned i = 0; o->symmetric && i < size; i++)
		key[i] = i % 2 ? 0x5a : 0x6d;
	if (!o->symmetric && (rc = random_bytes(key, size)))
		return cli_fail(cli, "no random bytes: %s", strerror(-rc));
	print_key(cli, key, size, o->symmetric);
	return 0;
}

/* ---- the command ---- */

/* At most one of --gen-key, --input, --pcap; positional arguments only
 * for a flow; --size and --symmetric only with --gen-key. */
static int check_modes(struct cli *cli, const struct hash_opts *o, char **pos, int npos)
{
	const char *names[] = {"--gen-key", "--input", "--pcap"};
	bool set[] = {o->gen_key, o->input != NULL, o->pcap != NULL};
	int first = -1;

	for (int i = 0; i < 3; i++) {
		if (set[i] && first >= 0)
			return cli_err(cli, "%s and %s can't be used together", names[first],
				       names[i]);
		if (set[i])
			first = i;
	}
	if (first >= 0 && npos)
		return cli_err(cli, "unexpected argument '%s' with %s", pos[0], names[first]);
	if ((o->size || o->symmetric) && !o->gen_key)
		return cli_err(cli, "%s goes with --gen-key only",
			       o->size ? "--size" : "--symmetric");
	return 0;
}

int cmd_hash(struct cli *cli, int argc, char **argv)
{
	struct hash_opts o = {0};
	struct hash_ctx h;
	int npos, rc;

	rc = cli_parse(cli, &hash_spec, &o, argc, argv, &npos);
	if (rc != CLI_CONTINUE)
		return rc;
	if ((rc = check_modes(cli, &o, argv, npos)))
		return rc;
	if (o.gen_key)
		return hash_gen_key(cli, &o);
	if ((rc = hash_setup(cli, &o, &h)))
		return rc;
	if (o.input)
		rc = hash_input(&h, &o);
	else if (o.pcap)
		rc = hash_pcap(&h, o.pcap);
	else
		rc = hash_flow(&h, &o, argv, npos);
	snic_rss_free(h.rss);
	return rc;
}
