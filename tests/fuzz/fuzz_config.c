/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer target for the config reader: the input is a config file. Any
 * input gives either a NIC that commits, or one error line that names the
 * file; never both, never neither. LeakSanitizer checks that a refused
 * file leaves nothing behind.
 *
 * A plugin path in the input is opened as snic would open it; loading a
 * plugin of this build (from plugins/) is part of what is tried.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "snic/nic.h"
#include "config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define NAME "fuzz.yaml"

static void fail(const char *what, const char *msg)
{
	fprintf(stderr, "fuzz_config: %s: %s\n", what, msg);
	abort();
}

static void check_refusal(int rc, const struct snic_config *c, const struct snic_err *err)
{
	if (c)
		fail("a config with an error", err->msg);
	if (err->code != rc)
		fail("err.code is not the return value", err->msg);
	if (strncmp(err->msg, NAME ":", strlen(NAME ":")))
		fail("the message does not start with the file name", err->msg);
	if (strchr(err->msg, '\n'))
		fail("the message is not one line", err->msg);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct snic_config *c = NULL;
	struct snic_cfg *snap = NULL;
	struct snic_err err = {0};
	int rc = snic_config_parse((const char *)data, size, NAME, NULL, &c, &err);

	if (rc < 0) {
		check_refusal(rc, c, &err);
		return 0;
	}
	if (rc || !c || !c->nic)
		fail("no NIC and no error", err.msg);
	if (snic_nic_commit(c->nic, &snap, &err))
		fail("a loaded config does not commit", err.msg);
	snic_cfg_free(snap);
	snic_config_free(c);
	return 0;
}
