/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * heavy_flows: pin a few known heavy flows (elephants) to queues of their
 * own, so that they do not share a core with the many small flows RSS
 * spreads over the others.
 *
 * Arguments: flows separated by ';', each
 *
 *	[inner] PROTO SRC DST queue Q
 *
 *	PROTO	tcp4 udp4 sctp4 tcp6 udp6 sctp6
 *	SRC	source address and port: 10.0.0.1:1234 or [2001:db8::1]:1234
 *	DST	destination address and port, the same way
 *	Q	the queue of the receiving pool (0..65534)
 *	inner	match the headers a tunnel (VXLAN, GENEVE, GRE, GTP-U)
 *		carries rather than the outer ones
 *
 * e.g. "tcp4 10.0.0.1:1234 10.0.0.2:80 queue 3; udp6 [fd00::1]:53 [fd00::2]:5353 queue 1".
 *
 * A flow is one direction: the reply direction needs its own entry. The
 * first entry that matches wins. A frame whose ports were not read (a
 * non-first fragment, a short frame) matches nothing and is passed to RSS,
 * as are frames of any other flow. A queue the pool does not have is
 * returned as asked; snic counts it as steer_bad_queue and uses RSS.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "snic/plugin.h"

#define HEAVY_MAX	 256
#define HEAVY_QUEUE_MAX	 0xfffeu
#define HEAVY_TOKENS_MAX 8

struct heavy_flow {
	uint8_t l3; /* SNIC_L3_IPV4 or SNIC_L3_IPV6 */
	uint8_t l4_proto;
	bool inner;
	uint16_t queue;
	uint16_t sport, dport;
	uint8_t src[16];
	uint8_t dst[16];
};

struct heavy_state {
	unsigned n;
	struct heavy_flow flow[HEAVY_MAX];
};

static const struct {
	const char *name;
	uint8_t l3;
	uint8_t l4_proto;
} heavy_protos[] = {
	{"tcp4", SNIC_L3_IPV4, 6}, {"udp4", SNIC_L3_IPV4, 17}, {"sctp4", SNIC_L3_IPV4, 132},
	{"tcp6", SNIC_L3_IPV6, 6}, {"udp6", SNIC_L3_IPV6, 17}, {"sctp6", SNIC_L3_IPV6, 132},
};

#define N_PROTOS (sizeof(heavy_protos) / sizeof(heavy_protos[0]))

static int parse_port(const char *s, uint16_t *out)
{
	unsigned long v;
	char *end;

	if (*s < '0' || *s > '9')
		return -EINVAL;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || *end || v > 65535)
		return -EINVAL;
	*out = (uint16_t)v;
	return 0;
}

/* "10.0.0.1:80" or "[fd00::1]:80" for the family @l3. */
static int parse_endpoint(const char *tok, uint8_t l3, uint8_t addr[16], uint16_t *port)
{
	char buf[INET6_ADDRSTRLEN + 8];
	const char *colon;
	size_t alen;

	if (l3 == SNIC_L3_IPV6) {
		const char *close = strchr(tok, ']');

		if (tok[0] != '[' || !close || close[1] != ':')
			return -EINVAL;
		alen = (size_t)(close - tok - 1);
		tok++;
		colon = close + 1;
	} else {
		colon = strrchr(tok, ':');
		if (!colon)
			return -EINVAL;
		alen = (size_t)(colon - tok);
	}
	if (alen >= sizeof(buf))
		return -EINVAL;
	memcpy(buf, tok, alen);
	buf[alen] = '\0';
	memset(addr, 0, 16);
	if (inet_pton(l3 == SNIC_L3_IPV6 ? AF_INET6 : AF_INET, buf, addr) != 1)
		return -EINVAL;
	return parse_port(colon + 1, port);
}

/* Split @s (modified) at blanks into at most @max tokens; -1 when more. */
static int tokenize(char *s, char **tok, int max)
{
	char *save = NULL;
	int n = 0;

	for (char *p = strtok_r(s, " \t\n", &save); p; p = strtok_r(NULL, " \t\n", &save)) {
		if (n == max)
			return -1;
		tok[n++] = p;
	}
	return n;
}

static int parse_flow(struct heavy_flow *f, char *entry, char *msg, unsigned msg_size)
{
	char whole[128];
	char *tok[HEAVY_TOKENS_MAX];
	int n, i = 0;
	unsigned p;
	unsigned long q;
	char *end;

	entry += strspn(entry, " \t\n");
	snprintf(whole, sizeof(whole), "%s", entry);
	n = tokenize(entry, tok, HEAVY_TOKENS_MAX);
	if (n > 0 && !strcmp(tok[0], "inner")) {
		f->inner = true;
		i = 1;
	}
	if (n - i != 5) {
		snprintf(msg, msg_size, "bad flow '%s' (expected [inner] PROTO SRC DST queue Q)",
			 whole);
		return -EINVAL;
	}
	for (p = 0; p < N_PROTOS; p++)
		if (!strcmp(tok[i], heavy_protos[p].name))
			break;
	if (p == N_PROTOS) {
		snprintf(msg, msg_size, "bad protocol '%s' (tcp4 udp4 sctp4 tcp6 udp6 sctp6)",
			 tok[i]);
		return -EINVAL;
	}
	f->l3 = heavy_protos[p].l3;
	f->l4_proto = heavy_protos[p].l4_proto;
	if (parse_endpoint(tok[i + 1], f->l3, f->src, &f->sport)) {
		snprintf(msg, msg_size, "bad source '%s' for %s", tok[i + 1], tok[i]);
		return -EINVAL;
	}
	if (parse_endpoint(tok[i + 2], f->l3, f->dst, &f->dport)) {
		snprintf(msg, msg_size, "bad destination '%s' for %s", tok[i + 2], tok[i]);
		return -EINVAL;
	}
	if (strcmp(tok[i + 3], "queue")) {
		snprintf(msg, msg_size, "bad word '%s' (expected 'queue')", tok[i + 3]);
		return -EINVAL;
	}
	errno = 0;
	q = strtoul(tok[i + 4], &end, 10);
	if (tok[i + 4][0] < '0' || tok[i + 4][0] > '9' || errno || *end || q > HEAVY_QUEUE_MAX) {
		snprintf(msg, msg_size, "bad queue '%s' (0..%u)", tok[i + 4], HEAVY_QUEUE_MAX);
		return -EINVAL;
	}
	f->queue = (uint16_t)q;
	return 0;
}

static bool blank(const char *s)
{
	return s[strspn(s, " \t\n")] == '\0';
}

static int heavy_init(const char *args, void **state, char *msg, unsigned msg_size)
{
	struct heavy_state *st;
	char *copy, *entry, *save = NULL;
	int ret = 0;

	st = calloc(1, sizeof(*st));
	copy = strdup(args ? args : "");
	if (!st || !copy) {
		snprintf(msg, msg_size, "out of memory");
		ret = -ENOMEM;
		goto out;
	}
	if (blank(copy)) {
		snprintf(msg, msg_size,
			 "no flows given (e.g. 'tcp4 10.0.0.1:1234 "
			 "10.0.0.2:80 queue 3')");
		ret = -EINVAL;
		goto out;
	}
	for (entry = strtok_r(copy, ";", &save); entry; entry = strtok_r(NULL, ";", &save)) {
		if (blank(entry))
			continue;
		if (st->n == HEAVY_MAX) {
			snprintf(msg, msg_size, "more than %u flows at '%s'", HEAVY_MAX, entry);
			ret = -EINVAL;
			goto out;
		}
		ret = parse_flow(&st->flow[st->n], entry, msg, msg_size);
		if (ret)
			goto out;
		st->n++;
	}
	*state = st;
	st = NULL;
out:
	free(copy);
	free(st);
	return ret;
}

static void heavy_fini(void *state)
{
	free(state);
}

static bool flow_match(const struct heavy_flow *f, const struct snic_pkt *pkt)
{
	const struct snic_hdr *h;
	size_t alen = f->l3 == SNIC_L3_IPV6 ? 16 : 4;

	if (f->inner) {
		if (!pkt->has_inner || pkt->inner.l3 == SNIC_L3_NONE)
			return false;
		h = &pkt->inner;
	} else {
		h = &pkt->outer;
	}
	return h->l3 == f->l3 && h->l4_proto == f->l4_proto && (h->flags & SNIC_HF_L4) &&
	       !(h->flags & SNIC_HF_FRAG_LATER) && h->sport == f->sport && h->dport == f->dport &&
	       !memcmp(h->ip_src, f->src, alen) && !memcmp(h->ip_dst, f->dst, alen);
}

static int heavy_steer(const void *state, const struct snic_steer_ctx *ctx)
{
	const struct heavy_state *st = state;

	for (unsigned i = 0; i < st->n; i++)
		if (flow_match(&st->flow[i], ctx->pkt))
			return st->flow[i].queue;
	return SNIC_STEER_PASS;
}

static const struct snic_plugin heavy_plugin = {
	.abi = SNIC_PLUGIN_ABI,
	.name = "heavy_flows",
	.init = heavy_init,
	.fini = heavy_fini,
	.steer = heavy_steer,
};

const struct snic_plugin *snic_plugin_entry(void);

const struct snic_plugin *snic_plugin_entry(void)
{
	return &heavy_plugin;
}
