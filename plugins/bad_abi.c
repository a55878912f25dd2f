/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * bad_abi: a plugin that claims an ABI version snic does not speak. It is
 * built for the unit tests only (never installed): loading it must fail.
 */
#include "snic/plugin.h"

static int bad_steer(const void *state, const struct snic_steer_ctx *ctx)
{
	(void)state;
	(void)ctx;
	return 0;
}

static const struct snic_plugin bad_plugin = {
	.abi = SNIC_PLUGIN_ABI + 1,
	.name = "bad_abi",
	.steer = bad_steer,
};

const struct snic_plugin *snic_plugin_entry(void);

const struct snic_plugin *snic_plugin_entry(void)
{
	return &bad_plugin;
}
