/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * gtpu_teid: steer GTP-U traffic by its tunnel id (TEID), so that all user
 * plane packets of one bearer land on one queue whatever their inner
 * addresses.
 *
 * Arguments: a comma-separated list of
 *
 *	queues=N	spread unmapped TEIDs over N queues (TEID % N); without it,
 *			over all the queues of the receiving pool
 *	TEID=Q		pin one TEID (decimal or 0x hex) to queue Q
 *	unmapped=mod	unmapped TEIDs go to TEID % N (the default)
 *	unmapped=pass	unmapped TEIDs are left to flow rules' fallback, RSS
 *
 * e.g. "queues=4", "0x100=1,0x200=2", "queues=2,0x100=3,unmapped=pass".
 * A frame that is not GTP-U (or whose TEID was not read) is passed to RSS.
 * A queue the pool does not have is returned as asked; snic counts it as
 * steer_bad_queue and falls back to RSS.
 */
#include <ctype.h>
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "snic/plugin.h"

#define GTPU_MAP_MAX   4096
#define GTPU_QUEUE_MAX 0xffffu

struct gtpu_map {
	uint32_t teid;
	uint16_t queue;
};

struct gtpu_state {
	unsigned nqueues; /* 0: the pool's own count */
	bool pass_unmapped;
	unsigned nmap;
	struct gtpu_map map[]; /* sorted by teid */
};

/* A whole token, decimal or 0x hex, as an unsigned number no larger than @max. */
static int parse_uint(const char *s, size_t len, unsigned long max, unsigned long *out)
{
	const char *digits;
	char buf[32];
	char *end;
	int base = 10;

	if (!len || len >= sizeof(buf))
		return -EINVAL;
	memcpy(buf, s, len);
	buf[len] = '\0';
	digits = buf;
	if (buf[0] == '0' && (buf[1] == 'x' || buf[1] == 'X')) {
		digits = buf + 2;
		base = 16;
	}
	if (!(base == 16 ? isxdigit((unsigned char)*digits) : isdigit((unsigned char)*digits)))
		return -EINVAL;
	errno = 0;
	*out = strtoul(digits, &end, base);
	if (errno || *end || *out > max)
		return -EINVAL;
	return 0;
}

static int cmp_map(const void *a, const void *b)
{
	const struct gtpu_map *x = a, *y = b;

	return (x->teid > y->teid) - (x->teid < y->teid);
}

/* One "key=value" item of @len bytes. */
static int parse_item(struct gtpu_state *st, const char *s, size_t len, char *msg,
		      unsigned msg_size)
{
	const char *eq = memchr(s, '=', len);
	size_t klen, vlen;
	const char *v;
	unsigned long a, b;

	if (!eq)
		goto bad;
	klen = (size_t)(eq - s);
	v = eq + 1;
	vlen = len - klen - 1;
	if (klen == 6 && !memcmp(s, "queues", 6)) {
		if (parse_uint(v, vlen, GTPU_QUEUE_MAX, &a) || !a) {
			snprintf(msg, msg_size, "bad queue count '%.*s' (1..%u)", (int)vlen, v,
				 GTPU_QUEUE_MAX);
			return -EINVAL;
		}
		st->nqueues = (unsigned)a;
		return 0;
	}
	if (klen == 8 && !memcmp(s, "unmapped", 8)) {
		if (vlen == 4 && !memcmp(v, "pass", 4))
			st->pass_unmapped = true;
		else if (vlen == 3 && !memcmp(v, "mod", 3))
			st->pass_unmapped = false;
		else {
			snprintf(msg, msg_size, "bad unmapped '%.*s' (pass or mod)", (int)vlen, v);
			return -EINVAL;
		}
		return 0;
	}
	if (!klen || s[0] < '0' || s[0] > '9')
		goto bad;
	if (parse_uint(s, klen, UINT32_MAX, &a)) {
		snprintf(msg, msg_size, "bad TEID '%.*s' (0..0xffffffff)", (int)klen, s);
		return -EINVAL;
	}
	if (parse_uint(v, vlen, GTPU_QUEUE_MAX - 1, &b)) {
		snprintf(msg, msg_size, "bad queue '%.*s' for TEID %.*s (0..%u)", (int)vlen, v,
			 (int)klen, s, GTPU_QUEUE_MAX - 1);
		return -EINVAL;
	}
	for (unsigned i = 0; i < st->nmap; i++) {
		if (st->map[i].teid == a) {
			snprintf(msg, msg_size, "TEID '%.*s' mapped twice", (int)klen, s);
			return -EINVAL;
		}
	}
	if (st->nmap == GTPU_MAP_MAX) {
		snprintf(msg, msg_size, "more than %u TEIDs at '%.*s'", GTPU_MAP_MAX, (int)len, s);
		return -EINVAL;
	}
	st->map[st->nmap].teid = (uint32_t)a;
	st->map[st->nmap].queue = (uint16_t)b;
	st->nmap++;
	return 0;
bad:
	snprintf(msg, msg_size, "bad argument '%.*s' (queues=N, TEID=Q, unmapped=pass|mod)",
		 (int)len, s);
	return -EINVAL;
}

static int gtpu_init(const char *args, void **state, char *msg, unsigned msg_size)
{
	struct gtpu_state *st;
	const char *p = args ? args : "";
	int ret;

	st = calloc(1, sizeof(*st) + GTPU_MAP_MAX * sizeof(st->map[0]));
	if (!st) {
		snprintf(msg, msg_size, "out of memory");
		return -ENOMEM;
	}
	while (*p) {
		size_t len = strcspn(p, ",");

		ret = parse_item(st, p, len, msg, msg_size);
		if (ret) {
			free(st);
			return ret;
		}
		p += len;
		if (*p == ',' && !*++p) {
			snprintf(msg, msg_size, "trailing ',' in '%s'", args);
			free(st);
			return -EINVAL;
		}
	}
	qsort(st->map, st->nmap, sizeof(st->map[0]), cmp_map);
	*state = st;
	return 0;
}

static void gtpu_fini(void *state)
{
	free(state);
}

static const struct gtpu_map *map_find(const struct gtpu_state *st, uint32_t teid)
{
	unsigned lo = 0, hi = st->nmap;

	while (lo < hi) {
		unsigned mid = lo + (hi - lo) / 2;

		if (st->map[mid].teid == teid)
			return &st->map[mid];
		if (st->map[mid].teid < teid)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

static int gtpu_steer(const void *state, const struct snic_steer_ctx *ctx)
{
	const struct gtpu_state *st = state;
	const struct gtpu_map *m;
	unsigned n;

	if (ctx->pkt->tunnel != SNIC_TUN_GTPU || !ctx->pkt->tun_id_valid)
		return SNIC_STEER_PASS;
	m = map_find(st, ctx->pkt->tun_id);
	if (m)
		return m->queue;
	if (st->pass_unmapped)
		return SNIC_STEER_PASS;
	n = st->nqueues ? st->nqueues : ctx->nqueues;
	if (!n)
		return SNIC_STEER_PASS;
	return (int)(ctx->pkt->tun_id % n);
}

static const struct snic_plugin gtpu_plugin = {
	.abi = SNIC_PLUGIN_ABI,
	.name = "gtpu_teid",
	.init = gtpu_init,
	.fini = gtpu_fini,
	.steer = gtpu_steer,
};

const struct snic_plugin *snic_plugin_entry(void);

const struct snic_plugin *snic_plugin_entry(void)
{
	return &gtpu_plugin;
}
