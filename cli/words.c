/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Strict word readers and writers: see words.h.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "words.h"

static int hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int snic_word_uint(const char *s, unsigned long max, unsigned long *out)
{
	unsigned base = 10;
	unsigned long v = 0;
	int d;

	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X') && s[2]) {
		base = 16;
		s += 2;
	}
	if (!*s)
		return -EINVAL;
	for (; *s; s++) {
		d = hex_digit(*s);
		if (d < 0 || (unsigned)d >= base)
			return -EINVAL;
		if ((unsigned long)d > max || v > (max - (unsigned long)d) / base)
			return -ERANGE;
		v = v * base + (unsigned long)d;
	}
	*out = v;
	return 0;
}

int snic_word_uint_named(const char *key, const char *s, unsigned long max, unsigned long *out,
			 struct snic_err *err)
{
	int rc = snic_word_uint(s, max, out);

	if (rc == -ERANGE)
		return snic_errf(err, rc, "%s %s is out of range 0..%lu", key, s, max);
	if (rc)
		return snic_errf(err, rc, "%s '%s' is not a number", key, s);
	return 0;
}

int snic_word_mac(const char *s, uint8_t mac[6])
{
	uint8_t m[6];

	for (int i = 0; i < 6; i++, s += 3) {
		int hi = hex_digit(s[0]), lo = hi < 0 ? -1 : hex_digit(s[1]);

		if (lo < 0)
			return -EINVAL;
		if (s[2] != (i == 5 ? '\0' : ':') && (i == 5 || s[2] != '-'))
			return -EINVAL;
		m[i] = (uint8_t)(hi << 4 | lo);
	}
	memcpy(mac, m, 6);
	return 0;
}

char *snic_word_mac_str(const uint8_t mac[6], char buf[18])
{
	return snic_word_hex_str(mac, 6, ':', buf, 18);
}

int snic_word_hex(const char *s, uint8_t *out, size_t cap)
{
	size_t n = 0;

	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
		s += 2;
	while (*s) {
		int hi = hex_digit(s[0]), lo = hi < 0 ? -1 : hex_digit(s[1]);

		if (lo < 0)
			return -EINVAL;
		if (n == cap)
			return -ENOSPC;
		out[n++] = (uint8_t)(hi << 4 | lo);
		s += 2;
		if (*s == ':' && s[1])
			s++;
	}
	return n ? (int)n : -EINVAL;
}

char *snic_word_hex_str(const uint8_t *b, size_t n, char sep, char *buf, size_t size)
{
	size_t off = 0;

	if (size)
		buf[0] = '\0';
	for (size_t i = 0; i < n; i++) {
		bool split = sep && i;

		if (off + split + 3 > size)
			break;
		if (split)
			buf[off++] = sep;
		off += (size_t)snprintf(buf + off, size - off, "%02x", b[i]);
	}
	return buf;
}

static const struct {
	const char *name;
	bool val;
} bools[] = {
	{"on", true},	  {"off", false}, {"true", true},
	{"false", false}, {"yes", true},  {"no", false},
};

int snic_word_bool(const char *s, bool *out)
{
	for (size_t i = 0; i < sizeof(bools) / sizeof(bools[0]); i++) {
		if (!strcasecmp(s, bools[i].name)) {
			*out = bools[i].val;
			return 0;
		}
	}
	return -EINVAL;
}

int snic_word_bool_named(const char *key, const char *s, bool *out, struct snic_err *err)
{
	if (snic_word_bool(s, out))
		return snic_errf(err, -EINVAL, "%s '%s' is not on or off (true/false, yes/no)", key,
				 s);
	return 0;
}

int snic_word_ip(const char *s, uint8_t *ver, uint8_t b[16])
{
	uint8_t a[16] = {0};

	if (inet_pton(AF_INET, s, a) == 1)
		*ver = 4;
	else if (inet_pton(AF_INET6, s, a) == 1)
		*ver = 6;
	else
		return -EINVAL;
	memcpy(b, a, 16);
	return 0;
}

char *snic_word_printable(char *s)
{
	for (char *c = s; *c; c++)
		if ((unsigned char)*c < 0x20 || *c == 0x7f)
			*c = '?';
	return s;
}

int snic_word_split(char *s, char **argv, int cap)
{
	int n = 0;

	for (;;) {
		while (isspace((unsigned char)*s))
			s++;
		if (!*s)
			return n;
		if (n == cap)
			return -E2BIG;
		argv[n++] = s;
		while (*s && !isspace((unsigned char)*s))
			s++;
		if (*s)
			*s++ = '\0';
	}
}
