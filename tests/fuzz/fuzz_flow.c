/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer target for the flow-rule words: the input is one rule as
 * `snic flow add` or a config takes it. A rule that parses must come back
 * the same from its formatted words, and the library must either take it
 * or refuse it with a message; one it takes can be destroyed again.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "snic/nic.h"
#include "snic/profile.h"
#include "flowspec.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Longest rule tried: far more words than a rule may have. */
#define INPUT_MAX 4096

static struct snic_nic *nic;

static void fail(const char *what, const char *detail)
{
	fprintf(stderr, "fuzz_flow: %s: %s\n", what, detail);
	abort();
}

/* A generic NIC with 2 VFs and one RSS context on the PF. */
static void nic_init(void)
{
	static const uint8_t mac[6] = {2, 0, 0, 0, 0, 1};
	struct snic_rss_conf c;
	struct snic_err err = {0};

	if (snic_nic_new(snic_profile_find("generic"), mac, &nic, &err) ||
	    snic_nic_set_numvfs(nic, 2, &err) || snic_nic_rss_get(nic, 2, &c, &err) ||
	    snic_nic_rss_ctx_new(nic, 2, &c, &err) != 1)
		fail("setup", err.msg);
}

static void check_roundtrip(const struct snic_flow_rule *r)
{
	struct snic_flow_rule back;
	struct snic_err err = {0};
	char text[512];

	snic_flowspec_format(nic, r, text, sizeof(text));
	if (strlen(text) + 1 >= sizeof(text))
		fail("formatted rule fills the buffer", text);
	if (snic_flowspec_parse_str(nic, text, &back, &err))
		fail("formatted rule does not parse", err.msg);
	if (memcmp(r, &back, sizeof(back)))
		fail("formatted rule parses to another rule", text);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct snic_flow_rule r;
	struct snic_err err = {0};
	char *s;
	int rc, id;

	if (size > INPUT_MAX)
		return 0;
	if (!nic)
		nic_init();
	s = malloc(size + 1);
	if (!s)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	rc = snic_flowspec_parse_str(nic, s, &r, &err);
	free(s);
	if (rc) {
		if (rc != -EINVAL || err.code != rc || !err.msg[0])
			fail("a refusal without its message", err.msg);
		return 0;
	}
	check_roundtrip(&r);
	id = snic_flow_create(nic, &r, &err);
	if (id < 0 && !err.msg[0])
		fail("the library refused without a message", "");
	if (id >= 0 && snic_flow_destroy(nic, (unsigned)id, &err))
		fail("a created rule can't be destroyed", err.msg);
	return 0;
}
