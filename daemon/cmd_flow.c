/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Flow rules, in the words of `ethtool -N DEV flow-type ...` (cli/flowspec.h
 * reads them, here in snicd, so that there is one parser).
 *
 *	flow.add  {"rule": "flow-type tcp4 dst-port 80 action 2"}
 *		  (or "rule": ["flow-type", "tcp4", ...])  -> {"id", "rule"}
 *	flow.del  {"id": N}
 *	flow.list {}  -> {"rules": [{"id", "vport", "priority", "rule", "hits"}]}
 *
 * A rule the data path can't take (the commit is refused) is removed
 * again, so that the NIC and the running config agree.
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>

#include "config.h"
#include "ctl.h"
#include "ctl_args.h"
#include "flowspec.h"
#include "snicd.h"

#define FLOW_TEXT_MAX  512
#define FLOW_WORDS_MAX 64

static int rule_words(const struct snic_nic *nic, json_t *v, struct snic_flow_rule *r,
		      struct snic_err *err)
{
	char *argv[FLOW_WORDS_MAX];
	size_t i;
	json_t *w;

	if (json_array_size(v) > FLOW_WORDS_MAX)
		return snic_errf(err, -EINVAL, "rule: more than %d words", FLOW_WORDS_MAX);
	json_array_foreach(v, i, w)
	{
		if (!json_is_string(w))
			return snic_errf(err, -EINVAL, "rule: word %zu is not a string", i + 1);
		argv[i] = (char *)json_string_value(w);
	}
	return snic_flowspec_parse(nic, argv, (int)json_array_size(v), r, err);
}

static int rule_read(const struct snic_nic *nic, json_t *args, struct snic_flow_rule *r,
		     struct snic_err *err)
{
	json_t *v = json_object_get(args, "rule");

	if (json_is_string(v))
		return snic_flowspec_parse_str(nic, json_string_value(v), r, err);
	if (json_is_array(v))
		return rule_words(nic, v, r, err);
	return snic_errf(err, -EINVAL, "flow.add: missing \"rule\": \"flow-type ...\"");
}

static int cmd_add(struct snicd *d, json_t *args, json_t **result, struct snic_err *err)
{
	static const char *const keys[] = {"rule", NULL};
	struct snic_nic *nic = snicd_nic(d);
	struct snic_flow_rule r;
	char text[FLOW_TEXT_MAX];
	int id = ctl_args_only(args, "flow.add", keys, err), rc;

	if (!id)
		id = rule_read(nic, args, &r, err);
	if (!id)
		id = snic_flow_create(nic, &r, err);
	if (id < 0)
		return id;
	rc = snicd_publish(d, err);
	if (rc) {
		snic_flow_destroy(nic, (unsigned)id, NULL);
		return rc;
	}
	snic_flowspec_format(nic, &r, text, sizeof(text));
	return ctl_result(result, json_pack("{s:i, s:s}", "id", id, "rule", text), err);
}

static int cmd_del(struct snicd *d, json_t *args, json_t **result, struct snic_err *err)
{
	static const char *const keys[] = {"id", NULL};
	unsigned long id;
	int rc = ctl_args_only(args, "flow.del", keys, err);

	(void)result;
	if (!rc)
		rc = ctl_arg_uint(args, "id", UINT_MAX, &id, err);
	if (!rc)
		rc = snic_flow_destroy(snicd_nic(d), (unsigned)id, err);
	return rc ? rc : snicd_publish(d, err);
}

static json_t *rule_json(const struct snic_nic *nic, const struct snic_flow_info *f, uint64_t hits)
{
	char text[FLOW_TEXT_MAX], vport[16];

	return json_pack("{s:I, s:s, s:I, s:s, s:I}", "id", (json_int_t)f->id, "vport",
			 snic_config_vport_name(nic, f->rule.vport, vport, sizeof(vport)),
			 "priority", (json_int_t)f->rule.priority, "rule",
			 snic_flowspec_format(nic, &f->rule, text, sizeof(text)), "hits",
			 (json_int_t)hits);
}

json_t *ctl_flow_rules_json(const struct snic_nic *nic, const struct snic_ctr *sum,
			    struct snic_err *err)
{
	struct snic_flow_info *v = calloc(SNIC_CTR_MAX_RULES, sizeof(*v));
	json_t *list = json_array();
	int n = v && list ? snic_flow_list(nic, v, SNIC_CTR_MAX_RULES) : -ENOMEM;

	for (int i = 0; i < n && i < SNIC_CTR_MAX_RULES; i++)
		json_array_append_new(list, rule_json(nic, &v[i], sum->rule_hits[v[i].slot]));
	free(v);
	if (n >= 0)
		return list;
	json_decref(list);
	snic_errf(err, n, "can't list the flow rules: out of memory");
	return NULL;
}

static int cmd_list(struct snicd *d, json_t *args, json_t **result, struct snic_err *err)
{
	static const char *const keys[] = {NULL};
	const struct snic_nic *nic = snicd_nic(d);
	struct snic_ctr *sum = NULL;
	json_t *list;
	int rc = ctl_args_only(args, "flow.list", keys, err);

	if (!rc)
		rc = snic_ctr_new(snic_nic_profile(nic), &sum, err);
	if (rc)
		return rc;
	snicd_stats(d, sum);
	list = ctl_flow_rules_json(nic, sum, err);
	snic_ctr_free(sum);
	if (!list)
		return err->code ? err->code : -ENOMEM;
	return ctl_result(result, json_pack("{s:o}", "rules", list), err);
}

int ctl_flow_register(void)
{
	int rc = snicd_ctl_register("flow.add", "rule: \"flow-type ...\" -- add a flow rule",
				    cmd_add);

	if (!rc)
		rc = snicd_ctl_register("flow.del", "id: N -- remove a flow rule", cmd_del);
	if (!rc)
		rc = snicd_ctl_register("flow.list", "-- the rules in order, with their hits",
					cmd_list);
	return rc;
}
