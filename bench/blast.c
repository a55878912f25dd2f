/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * blast: the traffic source of bench/forward.sh. It sends minimum-size
 * IPv4/UDP frames out of one interface as fast as an AF_PACKET socket
 * takes them, for a fixed time, and prints how many it sent.
 *
 *	blast IFACE DST_MAC DST_IP [SECONDS [FLOWS]]
 *
 * The frames (60 bytes before the FCS) go from the interface's own MAC and
 * 10.0.0.1 (10.0.0.2 when that is DST_IP) to DST_MAC, DST_IP, UDP port 9
 * (discard: nothing listens, the receiver's kernel drops them). FLOWS
 * (default 64, at most 4096) source ports give as many 5-tuples, so RSS
 * spreads them. The IP checksum is right and the UDP checksum zero (none),
 * so nothing on the way needs to complete it. The socket bypasses the qdisc and sends
 * batches of 64 with sendmmsg(); a full device just makes it try again.
 *
 * Prints one line: "sent N frames in S s: P pps (E refused)".
 */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define FRAME_LEN 60
#define BATCH	  64
#define FLOWS_MAX 4096
#define SRC_PORT  10000
#define DST_PORT  9

struct blast {
	int fd;
	unsigned nflows;
	uint8_t (*frames)[FRAME_LEN];
	struct mmsghdr msg[BATCH];
	struct iovec iov[BATCH];
};

static int parse_mac(const char *s, uint8_t mac[6])
{
	unsigned b[6];
	char end;

	if (sscanf(s, "%x:%x:%x:%x:%x:%x%c", &b[0], &b[1], &b[2], &b[3], &b[4], &b[5], &end) != 6)
		return -1;
	for (int i = 0; i < 6; i++) {
		if (b[i] > 0xff)
			return -1;
		mac[i] = (uint8_t)b[i];
	}
	return 0;
}

static uint16_t ip_csum(const uint8_t *h, unsigned len)
{
	uint32_t sum = 0;

	for (unsigned i = 0; i < len; i += 2)
		sum += (uint32_t)(h[i] << 8 | h[i + 1]);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

/* One frame of flow @flow: Ethernet, IPv4 (20 bytes), UDP, zero padding. */
static void frame_build(uint8_t *f, const uint8_t dst[6], const uint8_t src[6], uint32_t sip,
			uint32_t dip, unsigned flow)
{
	uint8_t *ip = f + 14, *udp = ip + 20;
	const unsigned iplen = FRAME_LEN - 14;

	memset(f, 0, FRAME_LEN);
	memcpy(f, dst, 6);
	memcpy(f + 6, src, 6);
	put16(f + 12, ETHERTYPE_IP);
	ip[0] = 0x45;
	put16(ip + 2, (uint16_t)iplen);
	ip[8] = 64; /* TTL */
	ip[9] = IPPROTO_UDP;
	memcpy(ip + 12, &sip, 4);
	memcpy(ip + 16, &dip, 4);
	put16(ip + 10, ip_csum(ip, 20));
	put16(udp, (uint16_t)(SRC_PORT + flow));
	put16(udp + 2, DST_PORT);
	put16(udp + 4, (uint16_t)(iplen - 20));
}

static int sock_open(const char *ifname, uint8_t mac[6])
{
	struct sockaddr_ll sll;
	struct ifreq ifr;
	int one = 1;
	int fd = socket(AF_PACKET, SOCK_RAW, 0);

	if (fd < 0)
		return -1;
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifname);
	if (ioctl(fd, SIOCGIFHWADDR, &ifr) < 0)
		goto err;
	memcpy(mac, ifr.ifr_hwaddr.sa_data, 6);
	memset(&sll, 0, sizeof(sll));
	sll.sll_family = AF_PACKET;
	sll.sll_ifindex = (int)if_nametoindex(ifname);
	if (!sll.sll_ifindex || bind(fd, (struct sockaddr *)&sll, sizeof(sll)) < 0)
		goto err;
	/* Without a qdisc a full device refuses at once instead of queueing. */
	setsockopt(fd, SOL_PACKET, PACKET_QDISC_BYPASS, &one, sizeof(one));
	return fd;
err:
	close(fd);
	return -1;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void batch_init(struct blast *b)
{
	for (unsigned i = 0; i < BATCH; i++) {
		b->iov[i].iov_len = FRAME_LEN;
		b->msg[i].msg_hdr.msg_iov = &b->iov[i];
		b->msg[i].msg_hdr.msg_iovlen = 1;
	}
}

/* Point the batch at frames @next.. of the flow table. */
static void batch_fill(struct blast *b, unsigned next)
{
	for (unsigned i = 0; i < BATCH; i++)
		b->iov[i].iov_base = b->frames[(next + i) % b->nflows];
}

static void run(struct blast *b, double seconds)
{
	unsigned long long sent = 0, refused = 0;
	unsigned next = 0;
	double t0 = now_s(), t = t0;

	while (t - t0 < seconds) {
		for (unsigned k = 0; k < 64; k++) {
			int n;

			batch_fill(b, next);
			n = sendmmsg(b->fd, b->msg, BATCH, 0);
			if (n > 0) {
				sent += (unsigned)n;
				next = (next + (unsigned)n) % b->nflows;
			} else if (errno == ENOBUFS || errno == EAGAIN || errno == EINTR) {
				refused++;
			} else {
				perror("blast: sendmmsg");
				return;
			}
		}
		t = now_s();
	}
	printf("sent %llu frames in %.2f s: %.0f pps (%llu refused)\n", sent, t - t0,
	       (double)sent / (t - t0), refused);
}

int main(int argc, char **argv)
{
	struct blast b = {0};
	uint8_t dst[6], src[6];
	struct in_addr dip, sip;
	double seconds = argc > 4 ? atof(argv[4]) : 10;

	b.nflows = argc > 5 ? (unsigned)atoi(argv[5]) : 64;
	if (argc < 4 || argc > 6 || parse_mac(argv[2], dst) || !inet_aton(argv[3], &dip) ||
	    seconds <= 0 || !b.nflows || b.nflows > FLOWS_MAX) {
		fputs("usage: blast IFACE DST_MAC DST_IP [SECONDS [FLOWS (1..4096)]]\n", stderr);
		return 2;
	}
	b.fd = sock_open(argv[1], src);
	if (b.fd < 0) {
		fprintf(stderr, "blast: %s: %s\n", argv[1], strerror(errno));
		return 1;
	}
	b.frames = calloc(b.nflows, FRAME_LEN);
	if (!b.frames) {
		fputs("blast: out of memory\n", stderr);
		return 1;
	}
	inet_aton("10.0.0.1", &sip);
	if (sip.s_addr == dip.s_addr)
		inet_aton("10.0.0.2", &sip);
	for (unsigned i = 0; i < b.nflows; i++)
		frame_build(b.frames[i], dst, src, sip.s_addr, dip.s_addr, i);
	batch_init(&b);
	run(&b, seconds);
	free(b.frames);
	close(b.fd);
	return 0;
}
