/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The steering hook: the programmable part of snic's queue selection.
 *
 * A plugin is a shared object that exports one function,
 *
 *	const struct snic_plugin *snic_plugin_entry(void);
 *
 * returning a static description whose `abi` is SNIC_PLUGIN_ABI. snic loads
 * it by path (dlopen), refuses another ABI version, and calls `steer` for
 * each frame that no flow rule placed, after the RSS hash is computed and
 * before the RETA is consulted. `steer` returns a queue of the frame's vport,
 * or SNIC_STEER_PASS to leave the frame to RSS. A queue the vport does not
 * have is counted (steer_bad_queue) and ignored.
 *
 * Threads: `init` and `fini` run on the control thread. `steer` runs on
 * data-path threads, several at once on the same state: it must not change
 * shared state without its own synchronisation, and must not block,
 * allocate or log. The frame and headers are read-only.
 */
#ifndef SNIC_PLUGIN_H
#define SNIC_PLUGIN_H

#include <stdint.h>

#include "snic/parse.h"

#define SNIC_PLUGIN_ABI	  1
#define SNIC_STEER_PASS	  (-1)
#define SNIC_PLUGIN_ENTRY "snic_plugin_entry"

/* What a plugin sees of one frame. */
struct snic_steer_ctx {
	const uint8_t *data; /* the frame */
	uint32_t len;
	const struct snic_pkt *pkt; /* its parsed headers */
	uint32_t hash;		    /* the RSS hash of the frame's vport */
	uint16_t vport;		    /* the pool that receives it */
	uint16_t nqueues;	    /* queues of that pool */
};

struct snic_plugin {
	uint32_t abi;	  /* SNIC_PLUGIN_ABI */
	const char *name; /* short, for messages and `snic stats` */
	/* Parse @args (may be NULL or "") into *state. 0 or a negative errno;
	 * on error, write one line naming the bad value into msg[msg_size]. */
	int (*init)(const char *args, void **state, char *msg, unsigned msg_size);
	void (*fini)(void *state);
	int (*steer)(const void *state, const struct snic_steer_ctx *ctx);
};

typedef const struct snic_plugin *(*snic_plugin_entry_fn)(void);

#endif
