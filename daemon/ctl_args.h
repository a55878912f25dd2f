/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * What the control commands share: readers of a request's arguments that
 * name the key and the bad value in @err, and the registration of every
 * module's commands.
 *
 * A number may be given as a JSON integer or as a string ("42", "0x2a"), a
 * boolean as true/false or "on"/"off" (also yes/no), so that a client may
 * pass the words its user typed and leave the parsing to snicd. Each
 * reader returns 0 or -EINVAL; a missing key is an error for the ctl_arg_*
 * readers.
 */
#ifndef SNICD_CTL_ARGS_H
#define SNICD_CTL_ARGS_H

#include <jansson.h>
#include <stdbool.h>

#include "snic/ctr.h"
#include "snic/err.h"
#include "snic/nic.h"

struct snicd;

int ctl_val_uint(json_t *v, const char *key, unsigned long max, unsigned long *out,
		 struct snic_err *err);
int ctl_val_bool(json_t *v, const char *key, bool *out, struct snic_err *err);
int ctl_val_str(json_t *v, const char *key, const char **out, struct snic_err *err);

int ctl_arg_uint(json_t *args, const char *key, unsigned long max, unsigned long *out,
		 struct snic_err *err);
int ctl_arg_str(json_t *args, const char *key, const char **out, struct snic_err *err);

/* A vport: a number, or "pf", "vf3"; the PF's when @key is absent. */
int ctl_arg_vport(const struct snic_nic *nic, json_t *args, const char *key, unsigned *out,
		  struct snic_err *err);

/* Refuse keys of @args not in @known (NULL-terminated), naming them. */
int ctl_args_only(json_t *args, const char *cmd, const char *const *known, struct snic_err *err);

/* Hand @obj (a new reference, NULL when it could not be made) back as the
 * result: 0, or -ENOMEM. */
int ctl_result(json_t **result, json_t *obj, struct snic_err *err);

/* Every flow rule as flow.list gives it, with its hits from @sum; NULL
 * with @err set when out of memory. */
json_t *ctl_flow_rules_json(const struct snic_nic *nic, const struct snic_ctr *sum,
			    struct snic_err *err);

/* Each module's commands (snicd_cmds_register calls them all). */
int ctl_sriov_register(void);
int ctl_vf_register(void);
int ctl_rss_register(void);
int ctl_flow_register(void);
int ctl_stats_register(void);
int ctl_apply_register(void);

#endif
