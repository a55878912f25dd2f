/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The peer of bench/analyze.sh: a plain libpcap read loop, which reads
 * every frame of a capture with pcap_next_ex() and touches its first byte.
 * It is the least any pcap-based analysis must do.
 *
 *	pcap_read FILE
 *
 * Prints the number of frames read. bench/analyze.sh times the whole
 * process, as it times snic analyze.
 */
#include <pcap/pcap.h>
#include <stdio.h>

/* What the loop read lands here, so that the reads are not optimised away. */
static volatile unsigned char sink;

int main(int argc, char **argv)
{
	char errbuf[PCAP_ERRBUF_SIZE];
	struct pcap_pkthdr *h;
	const u_char *data;
	unsigned long long frames = 0;
	pcap_t *p;
	int rc;

	if (argc != 2) {
		fputs("usage: pcap_read FILE\n", stderr);
		return 2;
	}
	p = pcap_open_offline(argv[1], errbuf);
	if (!p) {
		fprintf(stderr, "pcap_read: %s\n", errbuf);
		return 2;
	}
	while ((rc = pcap_next_ex(p, &h, &data)) == 1) {
		frames++;
		if (h->caplen)
			sink = data[0];
	}
	pcap_close(p);
	if (rc == PCAP_ERROR) {
		fprintf(stderr, "pcap_read: damaged at frame %llu\n", frames + 1);
		return 1;
	}
	printf("%llu\n", frames);
	return 0;
}
