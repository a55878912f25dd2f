/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * systool: what the system tests need that a shell lacks.
 *
 *	systool send IFACE COUNT HEX...     send a frame COUNT times (AF_PACKET)
 *	systool recv IFACE SECONDS TAG [READY]  count the test frames carrying TAG
 *	systool json PATH                   a value of the JSON on stdin
 *	systool ctl SOCKET TEXT             one request line to snicd, its reply
 *	systool ctl SOCKET --oversize N     N bytes with no newline, the reply
 *
 * A test frame is DST SRC [8100 TCI] 88b5 TAG(4 bytes) ...: EtherType
 * 0x88b5 (local experimental) then a 4-byte tag, so that a receiver counts
 * exactly the frames of one check. send takes the frame as hex words
 * ("02:5e:00:00:00:10", "88b5", ...; ':' and '.' are ignored) and pads it
 * to 60 bytes. recv counts frames received (not sent) on IFACE for
 * SECONDS, whether or not the kernel took a VLAN tag off, and prints the
 * count; it creates the file READY once it listens.
 *
 * JSON paths are words joined by '.': a member name, an array index, '*'
 * for every element (one value per line), or NAME=VALUE for the array
 * element whose member NAME is VALUE: `vports.vport=vf0.queues.*.frames`.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#define FRAME_MAX      1518
#define FRAME_MIN      60
#define TEST_ETHERTYPE 0x88b5
#define TAG_LEN	       4
#define CTL_REPLY_MAX  65536
#define CTL_WAIT_MS    5000

static int usage(void)
{
	fputs("usage: systool send IFACE COUNT HEX...\n"
	      "       systool recv IFACE SECONDS TAG [READY]\n"
	      "       systool json PATH < JSON\n"
	      "       systool ctl SOCKET TEXT | --oversize N\n",
	      stderr);
	return 2;
}

/* ---- frames ---- */

static int hex_val(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Append the hex word @w to @buf; the new length, or -1. */
static int hex_word(const char *w, unsigned char *buf, int len, int cap)
{
	int hi = -1;

	for (; *w; w++) {
		int v = hex_val(*w);

		if (*w == ':' || *w == '.')
			continue;
		if (v < 0 || len == cap) {
			fprintf(stderr, "systool: bad hex word '%s'\n", w);
			return -1;
		}
		if (hi < 0) {
			hi = v;
			continue;
		}
		buf[len++] = (unsigned char)(hi << 4 | v);
		hi = -1;
	}
	if (hi >= 0) {
		fprintf(stderr, "systool: odd number of hex digits in '%s'\n", w);
		return -1;
	}
	return len;
}

static int packet_socket(const char *ifname, int *ifindex)
{
	struct sockaddr_ll sll = {.sll_family = AF_PACKET, .sll_protocol = htons(ETH_P_ALL)};
	int fd;

	*ifindex = (int)if_nametoindex(ifname);
	if (!*ifindex) {
		fprintf(stderr, "systool: no interface '%s'\n", ifname);
		return -1;
	}
	fd = socket(AF_PACKET, SOCK_RAW, htons(ETH_P_ALL));
	sll.sll_ifindex = *ifindex;
	if (fd < 0 || bind(fd, (struct sockaddr *)&sll, sizeof(sll))) {
		fprintf(stderr, "systool: %s: %s\n", ifname, strerror(errno));
		return -1;
	}
	return fd;
}

static int cmd_send(int argc, char **argv)
{
	unsigned char frame[FRAME_MAX] = {0};
	int len = 0, ifindex, fd;
	long count;

	if (argc < 4)
		return usage();
	count = strtol(argv[1], NULL, 10);
	for (int i = 2; i < argc && len >= 0; i++)
		len = hex_word(argv[i], frame, len, FRAME_MAX);
	if (len < 14 || count <= 0)
		return len < 0 ? 2 : usage();
	fd = packet_socket(argv[0], &ifindex);
	if (fd < 0)
		return 1;
	if (len < FRAME_MIN)
		len = FRAME_MIN;
	for (long i = 0; i < count; i++)
		if (send(fd, frame, (size_t)len, 0) != len) {
			fprintf(stderr, "systool: send on %s: %s\n", argv[0], strerror(errno));
			return 1;
		}
	close(fd);
	return 0;
}

/* Whether @f is a test frame with @tag (after at most two VLAN tags). */
static bool test_frame(const unsigned char *f, size_t len, const unsigned char *tag)
{
	size_t off = 12;

	while (off + 2 <= len &&
	       ((f[off] == 0x81 && f[off + 1] == 0x00) || (f[off] == 0x88 && f[off + 1] == 0xa8)))
		off += 4;
	if (off + 2 + TAG_LEN > len)
		return false;
	if ((f[off] << 8 | f[off + 1]) != TEST_ETHERTYPE)
		return false;
	return !memcmp(f + off + 2, tag, TAG_LEN);
}

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int ready_file(const char *path)
{
	FILE *f = fopen(path, "w");

	if (!f || fclose(f)) {
		fprintf(stderr, "systool: %s: %s\n", path, strerror(errno));
		return -1;
	}
	return 0;
}

static int cmd_recv(int argc, char **argv)
{
	unsigned char tag[TAG_LEN], frame[FRAME_MAX + 64];
	struct sockaddr_ll from;
	socklen_t fl;
	long long end;
	unsigned long n = 0;
	int ifindex, fd;

	if (argc < 3 || argc > 4 || hex_word(argv[2], tag, 0, TAG_LEN) != TAG_LEN)
		return usage();
	fd = packet_socket(argv[0], &ifindex);
	if (fd < 0)
		return 1;
	if (argc == 4 && ready_file(argv[3]))
		return 1;
	end = now_ms() + (long long)(strtod(argv[1], NULL) * 1000);
	while (now_ms() < end) {
		struct pollfd p = {.fd = fd, .events = POLLIN};
		ssize_t len;

		if (poll(&p, 1, (int)(end - now_ms())) <= 0)
			continue;
		fl = sizeof(from);
		len = recvfrom(fd, frame, sizeof(frame), 0, (struct sockaddr *)&from, &fl);
		if (len > 0 && from.sll_pkttype != PACKET_OUTGOING &&
		    test_frame(frame, (size_t)len, tag))
			n++;
	}
	printf("%lu\n", n);
	close(fd);
	return 0;
}

/* ---- JSON ---- */

static void json_put(json_t *v)
{
	if (json_is_string(v))
		puts(json_string_value(v));
	else if (json_is_integer(v))
		printf("%lld\n", (long long)json_integer_value(v));
	else if (json_is_real(v))
		printf("%.6g\n", json_real_value(v));
	else if (json_is_true(v) || json_is_false(v))
		puts(json_is_true(v) ? "true" : "false");
	else if (json_is_null(v))
		puts("null");
	else {
		json_dumpf(v, stdout, JSON_COMPACT);
		putchar('\n');
	}
}

/* Whether member @key of @o reads as @want. */
static bool member_is(json_t *o, const char *key, const char *want)
{
	json_t *m = json_object_get(o, key);
	char buf[64];

	if (json_is_string(m))
		return !strcmp(json_string_value(m), want);
	if (json_is_integer(m)) {
		snprintf(buf, sizeof(buf), "%lld", (long long)json_integer_value(m));
		return !strcmp(buf, want);
	}
	return false;
}

static json_t *select_in(json_t *a, char *word)
{
	char *eq = strchr(word, '=');
	size_t i;
	json_t *x;

	*eq = '\0';
	json_array_foreach(a, i, x)
	{
		if (member_is(x, word, eq + 1))
			return x;
	}
	return NULL;
}

/* Where @word leads from @v, or NULL. */
static json_t *step(json_t *v, char *word)
{
	unsigned long idx;
	char *end;

	if (strchr(word, '=') && json_is_array(v))
		return select_in(v, word);
	if (!json_is_array(v))
		return json_object_get(v, word);
	idx = strtoul(word, &end, 10);
	return *end || end == word ? NULL : json_array_get(v, idx);
}

/* Print what @path leads to from @v; the count of values printed. */
static int walk(json_t *v, const char *path)
{
	const char *rest;
	char word[128];
	size_t len, i;
	json_t *x;
	int n = 0;

	if (!path) {
		json_put(v);
		return 1;
	}
	len = strcspn(path, ".");
	rest = path[len] ? path + len + 1 : NULL;
	snprintf(word, sizeof(word), "%.*s", (int)len, path);
	if (!strcmp(word, "*") && json_is_array(v)) {
		json_array_foreach(v, i, x)
		{
			n += walk(x, rest);
		}
		return n;
	}
	x = step(v, word);
	return x ? walk(x, rest) : 0;
}

static int cmd_json(int argc, char **argv)
{
	json_error_t e;
	json_t *root;
	int n;

	if (argc != 1)
		return usage();
	root = json_loadf(stdin, JSON_DISABLE_EOF_CHECK, &e);
	if (!root) {
		fprintf(stderr, "systool: json: %s (line %d)\n", e.text, e.line);
		return 1;
	}
	n = walk(root, argv[0]);
	json_decref(root);
	if (!n)
		fprintf(stderr, "systool: json: nothing at '%s'\n", argv[0]);
	return n ? 0 : 1;
}

/* ---- the control socket ---- */

static int ctl_connect(const char *path)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);

	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa))) {
		fprintf(stderr, "systool: ctl: %s: %s\n", path, strerror(errno));
		return -1;
	}
	return fd;
}

/* Write what the peer takes; it may close early (an oversize request). */
static void write_all(int fd, const char *buf, size_t len)
{
	while (len) {
		ssize_t n = send(fd, buf, len, MSG_NOSIGNAL);

		if (n <= 0)
			return;
		buf += n;
		len -= (size_t)n;
	}
}

/* Print the first reply line; 0 when there was one. */
static int read_reply(int fd)
{
	static char buf[CTL_REPLY_MAX];
	size_t len = 0;
	char *nl = NULL;

	while (!nl && len < sizeof(buf) - 1) {
		struct pollfd p = {.fd = fd, .events = POLLIN};
		ssize_t n;

		if (poll(&p, 1, CTL_WAIT_MS) <= 0)
			break;
		n = recv(fd, buf + len, sizeof(buf) - 1 - len, 0);
		if (n <= 0)
			break;
		len += (size_t)n;
		buf[len] = '\0';
		nl = strchr(buf, '\n');
	}
	if (!len) {
		fputs("systool: ctl: no reply\n", stderr);
		return 1;
	}
	printf("%.*s\n", (int)(nl ? nl - buf : (long)len), buf);
	return 0;
}

static int cmd_ctl(int argc, char **argv)
{
	char *req;
	size_t len;
	int fd, rc;

	if (argc != 2 && !(argc == 3 && !strcmp(argv[1], "--oversize")))
		return usage();
	fd = ctl_connect(argv[0]);
	if (fd < 0)
		return 1;
	if (argc == 3) {
		len = strtoul(argv[2], NULL, 10);
		req = malloc(len);
		if (!req)
			return 1;
		memset(req, 'x', len);
	} else {
		len = strlen(argv[1]) + 1;
		req = malloc(len + 1);
		if (!req)
			return 1;
		snprintf(req, len + 1, "%s\n", argv[1]);
	}
	write_all(fd, req, len);
	free(req);
	rc = read_reply(fd);
	close(fd);
	return rc;
}

static const struct {
	const char *name;
	int (*run)(int argc, char **argv);
} cmds[] = {
	{"send", cmd_send},
	{"recv", cmd_recv},
	{"json", cmd_json},
	{"ctl", cmd_ctl},
};

int main(int argc, char **argv)
{
	for (size_t i = 0; argc > 1 && i < sizeof(cmds) / sizeof(cmds[0]); i++)
		if (!strcmp(argv[1], cmds[i].name))
			return cmds[i].run(argc - 2, argv + 2);
	return usage();
}
