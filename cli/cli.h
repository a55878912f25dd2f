/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Helpers shared by the subcommands of `snic`: typed option tables with
 * generated help, the strict word readers of words.h as the subcommands
 * take them, error lines, and JSON output.
 *
 * Exit statuses, the same for every subcommand: 0 success, 1 a failure
 * while running (a damaged capture, a write error), 2 a bad command line
 * or bad input (the one stderr line names the bad value).
 */
#ifndef SNIC_CLI_H
#define SNIC_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define CLI_EXIT_OK    0
#define CLI_EXIT_FAIL  1
#define CLI_EXIT_USAGE 2

/* What cli_parse() returns when the command should go on and run. */
#define CLI_CONTINUE (-1)

/* State shared by main and the subcommand it runs. */
struct cli {
	const char *cmd; /* the subcommand's name, for "snic CMD: ..." */
	bool json;	 /* -j: JSON output */
};

/* A subcommand: what main's table holds. */
struct cli_cmd {
	const char *name;
	int (*run)(struct cli *cli, int argc, char **argv); /* returns an exit status */
	const char *help;				    /* one line */
};

enum cli_opt_type {
	CLI_FLAG, /* bool, set to true */
	CLI_STR,  /* const char *, the argument itself */
	CLI_UINT, /* unsigned, 0..max */
	CLI_FUNC, /* fn(cli, opts, arg): one argument */
	CLI_ARGS, /* args(cli, opts, argv, argc): takes as many arguments as it wants */
};

struct cli_opt {
	const char *name; /* long name without "--" */
	char short_name;  /* 0 for none */
	uint8_t type;	  /* enum cli_opt_type */
	size_t off;	  /* offset of the value in the command's option struct */
	unsigned max;	  /* CLI_UINT: largest value accepted */
	const char *arg;  /* argument placeholder for the help; NULL for a flag */
	const char *help; /* one line */
	/* CLI_FUNC: returns 0, or an exit status after printing the error. */
	int (*fn)(struct cli *cli, void *opts, const char *arg);
	/* CLI_ARGS: returns how many of argv[0..argc) it took, or -1 after
	 * printing the error. */
	int (*args)(struct cli *cli, void *opts, char **argv, int argc);
};

#define CLI_OPT_FLAG(n, s, st, field, h)                                                           \
	{                                                                                          \
		.name = n, .short_name = s, .type = CLI_FLAG, .off = offsetof(st, field),          \
		.help = h                                                                          \
	}
#define CLI_OPT_STR(n, s, st, field, a, h)                                                         \
	{                                                                                          \
		.name = n, .short_name = s, .type = CLI_STR, .off = offsetof(st, field), .arg = a, \
		.help = h                                                                          \
	}
#define CLI_OPT_UINT(n, s, st, field, m, a, h)                                                     \
	{                                                                                          \
		.name = n, .short_name = s, .type = CLI_UINT, .off = offsetof(st, field),          \
		.max = m, .arg = a, .help = h                                                      \
	}
#define CLI_OPT_FUNC(n, s, f, a, h)                                                                \
	{                                                                                          \
		.name = n, .short_name = s, .type = CLI_FUNC, .fn = f, .arg = a, .help = h         \
	}
#define CLI_OPT_ARGS(n, s, f, a, h)                                                                \
	{                                                                                          \
		.name = n, .short_name = s, .type = CLI_ARGS, .args = f, .arg = a, .help = h       \
	}

/* A subcommand's command line: the help is generated from it. */
struct cli_spec {
	const char *const *usage; /* synopsis lines after "snic CMD ", NULL-terminated */
	const char *desc;	  /* a paragraph after the synopsis */
	const struct cli_opt *opts;
	size_t nopts;
	const char *notes; /* a paragraph after the options, or NULL */
};

/*
 * Parse argv[1..argc) (argv[0] is the subcommand) against @spec. Options
 * may come before, between or after the positional arguments; "--" ends
 * the options. -h/--help and -j/--json are known to every subcommand.
 * The positional arguments are moved to argv[0..*npos).
 *
 * Returns CLI_CONTINUE when the command should run, or an exit status:
 * 0 after printing the help, 2 after printing an error.
 */
int cli_parse(struct cli *cli, const struct cli_spec *spec, void *opts, int argc, char **argv,
	      int *npos);

/* Print the generated help of @spec to @f. */
void cli_usage(const struct cli *cli, const struct cli_spec *spec, FILE *f);

/* Print "snic CMD: <message>" as one line on stderr and return 2 (or 1). */
int cli_err(const struct cli *cli, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int cli_fail(const struct cli *cli, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* A decimal (or 0x-prefixed hex) number in 0..max (snic_word_uint).
 * Returns 0 or -EINVAL. */
int cli_parse_uint(const char *s, unsigned long max, unsigned long *out);

/*
 * Hex bytes, "6d5a56..." or "6d:5a:56:..." as ethtool prints them, with an
 * optional "0x" (snic_word_hex, but for "" and "0x": no bytes). Returns
 * the byte count, -EINVAL for bad hex or -ENOSPC when it is longer than
 * @cap.
 */
int cli_parse_hex(const char *s, uint8_t *out, size_t cap);

/* Write @n bytes as "6d:5a:..." into @buf (3 * n bytes suffice); returns @buf. */
char *cli_format_hex(const uint8_t *b, size_t n, char *buf, size_t size);

/* An IPv4 or IPv6 address: family AF_INET or AF_INET6, bytes in network
 * order (IPv4 in the first 4). Returns 0 or -EINVAL. */
struct cli_addr {
	int family;
	uint8_t b[16];
};
int cli_parse_addr(const char *s, struct cli_addr *a);

/* One JSON object on one line. */
struct cli_json {
	FILE *f;
	unsigned n; /* members written so far */
};

void cli_json_open(struct cli_json *j, FILE *f);
void cli_json_str(struct cli_json *j, const char *key, const char *val); /* NULL: null */
void cli_json_uint(struct cli_json *j, const char *key, unsigned long long val);
void cli_json_bool(struct cli_json *j, const char *key, bool val);
void cli_json_close(struct cli_json *j);
/* @s as a JSON string: quoted, with '"', '\\' and control bytes escaped. */
void cli_json_string(FILE *f, const char *s);

#endif
