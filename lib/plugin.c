/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Loading the steering plugin: dlopen by path, look up snic_plugin_entry,
 * refuse another ABI, run its init. The loaded plugin is reference counted
 * so that snapshots committed while it was set keep it alive after the NIC
 * moves on to another plugin or is freed.
 */
#include <dlfcn.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "plugin_impl.h"

static int plug_open(const char *path, void **dl, struct snic_err *err)
{
	if (access(path, R_OK))
		return snic_errf(err, -errno, "plugin %s: %s", path, strerror(errno));
	*dl = dlopen(path, RTLD_NOW | RTLD_LOCAL);
	if (!*dl)
		return snic_errf(err, -ELIBBAD, "plugin %s: %s", path, dlerror());
	return 0;
}

static int plug_describe(const char *path, void *dl, const struct snic_plugin **out,
			 struct snic_err *err)
{
	snic_plugin_entry_fn entry;
	const struct snic_plugin *ops;

	*(void **)&entry = dlsym(dl, SNIC_PLUGIN_ENTRY);
	if (!entry)
		return snic_errf(err, -ELIBBAD, "plugin %s: no symbol %s", path, SNIC_PLUGIN_ENTRY);
	ops = entry();
	if (!ops)
		return snic_errf(err, -ELIBBAD, "plugin %s: %s returned NULL", path,
				 SNIC_PLUGIN_ENTRY);
	if (ops->abi != SNIC_PLUGIN_ABI)
		return snic_errf(err, -EPROTONOSUPPORT, "plugin %s: abi %u, snic speaks abi %u",
				 path, ops->abi, SNIC_PLUGIN_ABI);
	if (!ops->steer)
		return snic_errf(err, -EINVAL, "plugin %s: no steer function", path);
	*out = ops;
	return 0;
}

static int plug_init(const char *path, struct snic_plug *pl, const char *args, struct snic_err *err)
{
	char msg[SNIC_ERR_MSG_MAX] = "";
	int rc;

	if (!pl->ops->init)
		return 0;
	rc = pl->ops->init(args, &pl->state, msg, sizeof(msg));
	if (!rc)
		return 0;
	if (rc > 0)
		rc = -EINVAL;
	msg[sizeof(msg) - 1] = '\0';
	return snic_errf(err, rc, "plugin %s: %s", pl->ops->name ? pl->ops->name : path,
			 msg[0] ? msg : strerror(-rc));
}

int snic_plug_load(const char *path, const char *args, struct snic_plug **out, struct snic_err *err)
{
	struct snic_plug *pl;
	int rc;

	pl = calloc(1, sizeof(*pl));
	if (!pl)
		return snic_errf(err, -ENOMEM, "plugin %s: out of memory", path);
	rc = plug_open(path, &pl->dl, err);
	if (rc)
		goto err_free;
	rc = plug_describe(path, pl->dl, &pl->ops, err);
	if (rc)
		goto err_close;
	rc = plug_init(path, pl, args, err);
	if (rc)
		goto err_close;
	atomic_init(&pl->refs, 1);
	*out = pl;
	return 0;

err_close:
	dlclose(pl->dl);
err_free:
	free(pl);
	return rc;
}

struct snic_plug *snic_plug_get(struct snic_plug *pl)
{
	if (pl)
		atomic_fetch_add_explicit(&pl->refs, 1, memory_order_relaxed);
	return pl;
}

void snic_plug_put(struct snic_plug *pl)
{
	if (!pl || atomic_fetch_sub_explicit(&pl->refs, 1, memory_order_acq_rel) != 1)
		return;
	if (pl->ops->fini)
		pl->ops->fini(pl->state);
	dlclose(pl->dl);
	free(pl);
}
