/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A loaded steering plugin, shared by the snic_nic that loaded it and every
 * snapshot committed while it was set. The last reference runs the
 * plugin's fini and unloads it. References may be dropped from any thread
 * (a front-end frees old snapshots after a grace period); the count is
 * atomic, everything else is immutable after load.
 */
#ifndef SNIC_PLUGIN_IMPL_H
#define SNIC_PLUGIN_IMPL_H

#include <stdatomic.h>

#include "snic/err.h"
#include "snic/plugin.h"

struct snic_plug {
	atomic_uint refs;
	void *dl;
	const struct snic_plugin *ops;
	void *state;
};

/* Load @path, check its ABI and run its init with @args. One reference. */
int snic_plug_load(const char *path, const char *args, struct snic_plug **out,
		   struct snic_err *err);
struct snic_plug *snic_plug_get(struct snic_plug *pl);
/* Drop a reference; NULL is a no-op. */
void snic_plug_put(struct snic_plug *pl);

#endif
