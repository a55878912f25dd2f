/* SPDX-License-Identifier: BSD-3-Clause */
#include <stdio.h>
int main(void)
{
	fputs("snic: not built yet\n", stderr);
	return 1;
}
