/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Shared helpers of the `snic` subcommands: the option parser and the help
 * it generates, value parsers, error lines and JSON output.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cli.h"
#include "words.h"

/* Options every subcommand knows; they act on struct cli, not on opts. */
enum {
	COMMON_JSON,
	COMMON_HELP,
	COMMON_COUNT
};

static const struct cli_opt common_opts[COMMON_COUNT] = {
	[COMMON_JSON] = {.name = "json",
			 .short_name = 'j',
			 .type = CLI_FLAG,
			 .help = "print JSON: one object per line"},
	[COMMON_HELP] = {.name = "help",
			 .short_name = 'h',
			 .type = CLI_FLAG,
			 .help = "show this help and exit"},
};

/* Where cli_parse() is in the command line. */
struct scan {
	struct cli *cli;
	const struct cli_spec *spec;
	void *opts;
	int argc;
	char **argv;
	int i;	  /* the argument being read */
	int npos; /* positional arguments moved to the front so far */
};

static int vreport(const struct cli *cli, int status, const char *fmt, va_list ap)
{
	fflush(stdout);
	if (cli && cli->cmd)
		fprintf(stderr, "snic %s: ", cli->cmd);
	else
		fputs("snic: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	return status;
}

int cli_err(const struct cli *cli, const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = vreport(cli, CLI_EXIT_USAGE, fmt, ap);
	va_end(ap);
	return rc;
}

int cli_fail(const struct cli *cli, const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = vreport(cli, CLI_EXIT_FAIL, fmt, ap);
	va_end(ap);
	return rc;
}

/* ---- help ---- */

/* Widest option label the help lines up its text after. */
#define HELP_LABEL_MAX 22

/* "-j, --json" or "    --key HEX": the left column of an option's line. */
static void opt_label(const struct cli_opt *o, char *buf, size_t size)
{
	char s[5] = "    ";

	if (o->short_name)
		snprintf(s, sizeof(s), "-%c, ", o->short_name);
	snprintf(buf, size, "%s--%s%s%s", s, o->name, o->arg ? " " : "", o->arg ? o->arg : "");
}

static size_t label_width(const struct cli_opt *opts, size_t n, size_t width)
{
	char buf[128];

	for (size_t i = 0; i < n; i++) {
		opt_label(&opts[i], buf, sizeof(buf));
		if (strlen(buf) > width)
			width = strlen(buf);
	}
	return width;
}

/* An option whose label is wider than the column gets a line of its own. */
static void print_opts(FILE *f, const struct cli_opt *opts, size_t n, int width)
{
	char buf[128];

	for (size_t i = 0; i < n; i++) {
		opt_label(&opts[i], buf, sizeof(buf));
		if ((int)strlen(buf) > width)
			fprintf(f, "  %s\n  %-*s  %s\n", buf, width, "", opts[i].help);
		else
			fprintf(f, "  %-*s  %s\n", width, buf, opts[i].help);
	}
}

void cli_usage(const struct cli *cli, const struct cli_spec *spec, FILE *f)
{
	size_t width = label_width(spec->opts, spec->nopts, 0);

	width = label_width(common_opts, COMMON_COUNT, width);
	if (width > HELP_LABEL_MAX)
		width = HELP_LABEL_MAX;
	for (size_t i = 0; spec->usage[i]; i++)
		fprintf(f, "%s snic %s %s\n", i ? "   or:" : "usage:", cli->cmd, spec->usage[i]);
	fprintf(f, "\n%s\n\noptions:\n", spec->desc);
	print_opts(f, spec->opts, spec->nopts, (int)width);
	print_opts(f, common_opts, COMMON_COUNT, (int)width);
	if (spec->notes)
		fprintf(f, "\n%s\n", spec->notes);
}

/* ---- the option parser ---- */

static const struct cli_opt *find_in(const struct cli_opt *opts, size_t n, const char *name,
				     size_t len, char short_name)
{
	for (size_t i = 0; i < n; i++) {
		if (short_name && opts[i].short_name == short_name)
			return &opts[i];
		if (!short_name && strlen(opts[i].name) == len && !strncmp(opts[i].name, name, len))
			return &opts[i];
	}
	return NULL;
}

/* The option @a names ("--key", "--key=HEX", "-j"); *val gets the text
 * after '=' when there is one. */
static const struct cli_opt *opt_lookup(const struct cli_spec *spec, const char *a,
					const char **val)
{
	const struct cli_opt *o;
	const char *name = a + 1, *eq;
	size_t len = 0;
	char short_name = 0;

	*val = NULL;
	if (a[1] == '-') {
		name = a + 2;
		eq = strchr(name, '=');
		len = eq ? (size_t)(eq - name) : strlen(name);
		*val = eq ? eq + 1 : NULL;
	} else if (a[2] == '\0') {
		short_name = a[1];
	} else {
		return NULL;
	}
	o = find_in(spec->opts, spec->nopts, name, len, short_name);
	return o ? o : find_in(common_opts, COMMON_COUNT, name, len, short_name);
}

static void *field(void *opts, const struct cli_opt *o)
{
	return (char *)opts + o->off;
}

/* The argument of an option that takes one: after '=' or the next word. */
static int take_value(struct scan *s, const struct cli_opt *o, const char **val)
{
	if (*val)
		return CLI_CONTINUE;
	if (s->i + 1 >= s->argc)
		return cli_err(s->cli, "option '--%s' needs %s", o->name, o->arg);
	*val = s->argv[++s->i];
	return CLI_CONTINUE;
}

static int set_uint(struct scan *s, const struct cli_opt *o, const char *val)
{
	unsigned long v;

	if (cli_parse_uint(val, o->max, &v))
		return cli_err(s->cli, "bad value '%s' for --%s (0..%u)", val, o->name, o->max);
	*(unsigned *)field(s->opts, o) = (unsigned)v;
	return CLI_CONTINUE;
}

static int set_value(struct scan *s, const struct cli_opt *o, const char *val)
{
	int rc = take_value(s, o, &val);

	if (rc != CLI_CONTINUE)
		return rc;
	switch (o->type) {
	case CLI_STR:
		*(const char **)field(s->opts, o) = val;
		return CLI_CONTINUE;
	case CLI_UINT:
		return set_uint(s, o, val);
	default:
		rc = o->fn(s->cli, s->opts, val);
		return rc ? rc : CLI_CONTINUE;
	}
}

/* A CLI_ARGS option: it reads the words that follow (the text after '='
 * being the first of them) and says how many it took. */
static int set_args(struct scan *s, const struct cli_opt *o, const char *val)
{
	char **argv = s->argv + s->i + 1;
	int argc = s->argc - s->i - 1, n;

	if (val) {
		s->argv[s->i] = (char *)val;
		argv--;
		argc++;
	}
	n = o->args(s->cli, s->opts, argv, argc);
	if (n < 0)
		return CLI_EXIT_USAGE;
	if (val && n == 0)
		return cli_err(s->cli, "option '--%s' takes no '=', got '%s'", o->name, val);
	s->i += n - (val ? 1 : 0);
	return CLI_CONTINUE;
}

static int set_flag(struct scan *s, const struct cli_opt *o, const char *val)
{
	if (val)
		return cli_err(s->cli, "option '--%s' takes no value, got '%s'", o->name, val);
	if (o == &common_opts[COMMON_HELP]) {
		cli_usage(s->cli, s->spec, stdout);
		return CLI_EXIT_OK;
	}
	if (o == &common_opts[COMMON_JSON])
		s->cli->json = true;
	else
		*(bool *)field(s->opts, o) = true;
	return CLI_CONTINUE;
}

static int scan_opt(struct scan *s)
{
	const char *a = s->argv[s->i], *val;
	const struct cli_opt *o = opt_lookup(s->spec, a, &val);
	int rc;

	if (!o)
		return cli_err(s->cli, "unknown option '%s' (see snic %s --help)", a, s->cli->cmd);
	if (o->type == CLI_FLAG)
		rc = set_flag(s, o, val);
	else if (o->type == CLI_ARGS)
		rc = set_args(s, o, val);
	else
		rc = set_value(s, o, val);
	s->i++;
	return rc;
}

int cli_parse(struct cli *cli, const struct cli_spec *spec, void *opts, int argc, char **argv,
	      int *npos)
{
	struct scan s = {.cli = cli, .spec = spec, .opts = opts, .argc = argc, .argv = argv};
	bool opts_done = false;
	int rc;

	for (s.i = 1; s.i < argc;) {
		char *a = argv[s.i];

		if (opts_done || a[0] != '-' || a[1] == '\0') {
			argv[s.npos++] = a;
			s.i++;
		} else if (!strcmp(a, "--")) {
			opts_done = true;
			s.i++;
		} else if ((rc = scan_opt(&s)) != CLI_CONTINUE) {
			return rc;
		}
	}
	*npos = s.npos;
	return CLI_CONTINUE;
}

/* ---- values: the readers of words.h, as the subcommands take them ---- */

int cli_parse_uint(const char *s, unsigned long max, unsigned long *out)
{
	return snic_word_uint(s, max, out) ? -EINVAL : 0;
}

/* Unlike a config's hkey, no bytes at all ("", "0x") is an input here. */
int cli_parse_hex(const char *s, uint8_t *out, size_t cap)
{
	if (!strcmp(s, "") || !strcasecmp(s, "0x"))
		return 0;
	return snic_word_hex(s, out, cap);
}

char *cli_format_hex(const uint8_t *b, size_t n, char *buf, size_t size)
{
	return snic_word_hex_str(b, n, ':', buf, size);
}

int cli_parse_addr(const char *s, struct cli_addr *a)
{
	uint8_t ver;

	memset(a, 0, sizeof(*a));
	if (snic_word_ip(s, &ver, a->b))
		return -EINVAL;
	a->family = ver == 4 ? AF_INET : AF_INET6;
	return 0;
}

/* ---- JSON ---- */

void cli_json_string(FILE *f, const char *s)
{
	static const char short_esc[] = {
		['\b'] = 'b', ['\f'] = 'f', ['\n'] = 'n', ['\r'] = 'r', ['\t'] = 't'};

	putc('"', f);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c < sizeof(short_esc) && short_esc[c])
			fprintf(f, "\\%c", short_esc[c]);
		else if (c < 0x20)
			fprintf(f, "\\u%04x", c);
		else
			putc(c, f);
	}
	putc('"', f);
}

static void json_key(struct cli_json *j, const char *key)
{
	if (j->n++)
		putc(',', j->f);
	cli_json_string(j->f, key);
	putc(':', j->f);
}

void cli_json_open(struct cli_json *j, FILE *f)
{
	j->f = f;
	j->n = 0;
	putc('{', f);
}

void cli_json_str(struct cli_json *j, const char *key, const char *val)
{
	json_key(j, key);
	if (val)
		cli_json_string(j->f, val);
	else
		fputs("null", j->f);
}

void cli_json_uint(struct cli_json *j, const char *key, unsigned long long val)
{
	json_key(j, key);
	fprintf(j->f, "%llu", val);
}

void cli_json_bool(struct cli_json *j, const char *key, bool val)
{
	json_key(j, key);
	fputs(val ? "true" : "false", j->f);
}

void cli_json_close(struct cli_json *j)
{
	fputs("}\n", j->f);
}
