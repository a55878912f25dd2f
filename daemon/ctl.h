/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * snicd's control socket: a Unix stream socket (default
 * /run/snic/snic.sock, mode 0660) carrying JSON, one object per line:
 *
 *	request: {"cmd": "vf.set", "args": {"vf": 0, "mac": "02:..."}}
 *	reply:   {"ok": true, "result": {...}}
 *	         {"ok": false, "error": "vf 7: no such VF (numvfs is 2)", "errno": 22}
 *
 * "args" may be left out ({}); an "id" in a request comes back in its
 * reply. "errno" is the positive errno of the failure. Requests on one
 * connection are answered in order; a client may keep its connection open
 * (snic top does).
 *
 * Each module registers its own commands (as OVS's unixctl does). A
 * request longer than SNICD_CTL_MSG_MAX, one that is not JSON, or one that
 * names no known command gets an error reply; the daemon stays up (an
 * oversize request also closes its connection). All of it runs on the
 * control thread.
 *
 * Access: the socket is mode 0660 (group "snic" when it exists), so the
 * file mode decides who may connect. The peer's SO_PEERCRED pid/uid/gid
 * are named in the log lines (stderr) about refused connections, bad
 * requests and failed commands; no peer is refused beyond the file mode.
 */
#ifndef SNICD_CTL_H
#define SNICD_CTL_H

#include <jansson.h>

#include "snic/err.h"

#define SNICD_CTL_MSG_MAX (64 * 1024)
#define SNICD_CTL_PATH	  "/run/snic/snic.sock"

struct snicd;
struct snicd_ctl;

/*
 * A command handler: read @args (a JSON object, never NULL), act on @d,
 * and either set *result (a new reference; NULL means {}) and return 0, or
 * return a negative errno with @err naming the bad value.
 */
typedef int (*snicd_ctl_fn)(struct snicd *d, json_t *args, json_t **result, struct snic_err *err);

/* Add a command; @usage is one line for `help`. Call before snicd_ctl_open. */
int snicd_ctl_register(const char *name, const char *usage, snicd_ctl_fn fn);

/* Register the commands of snicd's modules (daemon/cmd_*.c): sriov.*,
 * vf.*, rss.*, flow.*, stats, apply. Call once, before snicd_ctl_open. */
int snicd_cmds_register(void);

/* Listen on @path (creating its directory). */
int snicd_ctl_open(struct snicd *d, const char *path, struct snicd_ctl **out, struct snic_err *err);

/* Serve what is pending, waiting at most @timeout_ms for something. */
void snicd_ctl_poll(struct snicd_ctl *c, int timeout_ms);

void snicd_ctl_close(struct snicd_ctl *c);

#endif
