/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Strict readers of the words that configs, flow rules, command lines and
 * control requests are made of: numbers, MAC addresses, hex strings, IP
 * addresses, on/off, and a line split into words; and the writers of the
 * same words. The one place for them: the static library snicconf holds
 * them for snic, snicd and the tests. Each reader returns 0 (or a count)
 * or a negative errno and writes nothing on failure.
 */
#ifndef SNIC_WORDS_H
#define SNIC_WORDS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "snic/err.h"

/* Decimal, or hex after "0x"; no sign, no blanks. -EINVAL when not a
 * number, -ERANGE above @max. */
int snic_word_uint(const char *s, unsigned long max, unsigned long *out);

/* snic_word_uint, and on failure a message in @err that names @key and
 * the value: "vlan 5000 is out of range 0..4095", "mtu 'x1' is not a
 * number". Returns what snic_word_uint does. */
int snic_word_uint_named(const char *key, const char *s, unsigned long max, unsigned long *out,
			 struct snic_err *err);

/* "02:00:00:00:00:01" (also with '-'), two hex digits a byte. */
int snic_word_mac(const char *s, uint8_t mac[6]);

/* "02:00:00:00:00:01" into @buf (18 bytes); returns @buf. */
char *snic_word_mac_str(const uint8_t mac[6], char buf[18]);

/* Hex bytes "6d:5a:56" or "6d5a56", an optional "0x". Returns the byte
 * count, -EINVAL for bad hex or nothing, -ENOSPC above @cap. */
int snic_word_hex(const char *s, uint8_t *out, size_t cap);

/* @n bytes as two hex digits each, @sep between them unless it is '\0'
 * ("6d:5a:56", "6d5a56"): the whole bytes that fit @size. Returns @buf. */
char *snic_word_hex_str(const uint8_t *b, size_t n, char sep, char *buf, size_t size);

/* on|off, true|false, yes|no, in any case. */
int snic_word_bool(const char *s, bool *out);

/* snic_word_bool, and on failure "KEY 'VALUE' is not on or off
 * (true/false, yes/no)" in @err. Returns 0 or -EINVAL. */
int snic_word_bool_named(const char *key, const char *s, bool *out, struct snic_err *err);

/* An IPv4 or IPv6 address; *ver receives 4 or 6, @b the bytes in network
 * order (IPv4 in the first 4, the rest zero). */
int snic_word_ip(const char *s, uint8_t *ver, uint8_t b[16]);

/* Replace control bytes in @s with '?', so that a message quoting what a
 * user wrote stays one printable line. Returns @s. */
char *snic_word_printable(char *s);

/* Split @s in place on blanks into at most @cap words. Returns the count
 * or -E2BIG when there are more. */
int snic_word_split(char *s, char **argv, int cap);

#endif
