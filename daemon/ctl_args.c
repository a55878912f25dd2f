/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Readers of command arguments, and the list of modules whose commands
 * snicd registers.
 */
#include <errno.h>
#include <string.h>

#include "config.h"
#include "ctl.h"
#include "ctl_args.h"
#include "snicd.h"
#include "words.h"

int ctl_val_uint(json_t *v, const char *key, unsigned long max, unsigned long *out,
		 struct snic_err *err)
{
	struct snic_err why;
	json_int_t i;

	/* The config reader's words; out of range is -EINVAL, as for an integer. */
	if (json_is_string(v) && snic_word_uint_named(key, json_string_value(v), max, out, &why))
		return snic_errf(err, -EINVAL, "%s", why.msg);
	if (json_is_string(v))
		return 0;
	if (!json_is_integer(v))
		return snic_errf(err, -EINVAL, "%s: expected a number", key);
	i = json_integer_value(v);
	if (i < 0 || (unsigned long long)i > max)
		return snic_errf(err, -EINVAL, "%s %lld is out of range 0..%lu", key, (long long)i,
				 max);
	*out = (unsigned long)i;
	return 0;
}

int ctl_val_bool(json_t *v, const char *key, bool *out, struct snic_err *err)
{
	if (json_is_boolean(v)) {
		*out = json_is_true(v);
		return 0;
	}
	if (json_is_string(v))
		return snic_word_bool_named(key, json_string_value(v), out, err);
	return snic_errf(err, -EINVAL, "%s: expected on or off", key);
}

int ctl_val_str(json_t *v, const char *key, const char **out, struct snic_err *err)
{
	if (!json_is_string(v))
		return snic_errf(err, -EINVAL, "%s: expected a string", key);
	*out = json_string_value(v);
	return 0;
}

static json_t *arg_get(json_t *args, const char *key, struct snic_err *err)
{
	json_t *v = json_object_get(args, key);

	if (!v)
		snic_errf(err, -EINVAL, "missing \"%s\"", key);
	return v;
}

int ctl_arg_uint(json_t *args, const char *key, unsigned long max, unsigned long *out,
		 struct snic_err *err)
{
	json_t *v = arg_get(args, key, err);

	return v ? ctl_val_uint(v, key, max, out, err) : -EINVAL;
}

int ctl_arg_str(json_t *args, const char *key, const char **out, struct snic_err *err)
{
	json_t *v = arg_get(args, key, err);

	return v ? ctl_val_str(v, key, out, err) : -EINVAL;
}

int ctl_arg_vport(const struct snic_nic *nic, json_t *args, const char *key, unsigned *out,
		  struct snic_err *err)
{
	json_t *v = json_object_get(args, key);
	unsigned long n;
	int rc;

	*out = snic_nic_pf_vport(nic);
	if (!v)
		return 0;
	if (json_is_integer(v) ||
	    (json_is_string(v) && !snic_word_uint(json_string_value(v), ~0ul, &n))) {
		rc = ctl_val_uint(v, key, snic_nic_pf_vport(nic), &n, err);
		*out = (unsigned)n;
		return rc;
	}
	if (!json_is_string(v))
		return snic_errf(err, -EINVAL, "%s: expected pf, vfN or a number", key);
	rc = snic_config_vport(nic, json_string_value(v), err);
	if (rc < 0)
		return rc;
	*out = (unsigned)rc;
	return 0;
}

static bool known_key(const char *key, const char *const *known)
{
	for (; *known; known++)
		if (!strcmp(key, *known))
			return true;
	return false;
}

static void list_keys(const char *const *known, char *buf, size_t size)
{
	size_t off = 0;

	buf[0] = '\0';
	for (unsigned i = 0; known[i] && off < size; i++)
		off += (size_t)snprintf(buf + off, size - off, "%s%s", i ? ", " : "", known[i]);
}

int ctl_args_only(json_t *args, const char *cmd, const char *const *known, struct snic_err *err)
{
	const char *key;
	json_t *v;
	char names[160];

	json_object_foreach(args, key, v)
	{
		if (known_key(key, known))
			continue;
		list_keys(known, names, sizeof(names));
		return snic_errf(err, -EINVAL, "%s: unknown argument \"%s\" (%s)", cmd, key,
				 names[0] ? names : "it takes none");
	}
	return 0;
}

int ctl_result(json_t **result, json_t *obj, struct snic_err *err)
{
	*result = obj;
	return obj ? 0 : snic_errf(err, -ENOMEM, "out of memory");
}

/* The modules, in the order help lists their commands. */
static int (*const modules[])(void) = {
	ctl_sriov_register, ctl_vf_register,	ctl_rss_register,
	ctl_flow_register,  ctl_stats_register, ctl_apply_register,
};

int snicd_cmds_register(void)
{
	int rc;

	for (size_t i = 0; i < sizeof(modules) / sizeof(modules[0]); i++) {
		rc = modules[i]();
		if (rc)
			return rc;
	}
	return 0;
}
