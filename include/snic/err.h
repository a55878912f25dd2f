/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The one error convention of libsnic.
 *
 * Functions return 0 (or a count) on success and a negative errno on
 * failure. Control-plane calls also take a struct snic_err, which they fill
 * with one line naming the bad value ("vf 3: vlan 5000 is out of range
 * 0..4095"). The pointer may be NULL when the caller does not want the text.
 */
#ifndef SNIC_ERR_H
#define SNIC_ERR_H

#include <stddef.h>

#define SNIC_ERR_MSG_MAX 256

struct snic_err {
	int code;		    /* negative errno, 0 when clear */
	char msg[SNIC_ERR_MSG_MAX]; /* one line, no trailing newline */
};

/*
 * Record an error and return @code (a negative errno) so that a caller can
 * write `return snic_errf(err, -EINVAL, "bad key %s", s);`. @err may be NULL.
 */
int snic_errf(struct snic_err *err, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Empty @err (may be NULL). */
void snic_err_clear(struct snic_err *err);

#endif
