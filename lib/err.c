/* SPDX-License-Identifier: BSD-3-Clause */
#include <stdarg.h>
#include <stdio.h>

#include "snic/err.h"

int snic_errf(struct snic_err *err, int code, const char *fmt, ...)
{
	va_list ap;

	if (!err)
		return code;
	err->code = code;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	return code;
}

void snic_err_clear(struct snic_err *err)
{
	if (!err)
		return;
	err->code = 0;
	err->msg[0] = '\0';
}
