/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * snic gen's capture writer: pcap with nanosecond timestamps (magic
 * a1b23c4d) or pcapng with an if_tsresol of 9, Ethernet link type. Every
 * field is written little-endian, so a trace is the same bytes on every
 * machine.
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "gen.h"

#define LINKTYPE_ETHERNET 1
#define PCAP_MAGIC_NS	  0xa1b23c4du
#define PCAP_SNAPLEN	  262144u
#define PCAPNG_SHB	  0x0a0d0d0au
#define PCAPNG_IDB	  1u
#define PCAPNG_EPB	  6u
#define PCAPNG_BOM	  0x1a2b3c4du
#define PCAPNG_TSRESOL	  9u /* option if_tsresol: 10^-9 s */
#define OUT_BUF		  (1u << 20)

static uint8_t *le16(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	return p + 2;
}

static uint8_t *le32(uint8_t *p, uint32_t v)
{
	return le16(le16(p, v), v >> 16);
}

static int put(struct gen_out *o, const void *p, size_t n)
{
	return fwrite(p, 1, n, o->f) == n ? 0 : -(errno ? errno : EIO);
}

static int pcap_header(struct gen_out *o)
{
	uint8_t h[24], *p = h;

	p = le32(p, PCAP_MAGIC_NS);
	p = le16(p, 2);
	p = le16(p, 4);
	p = le32(p, 0); /* thiszone */
	p = le32(p, 0); /* sigfigs */
	p = le32(p, PCAP_SNAPLEN);
	le32(p, LINKTYPE_ETHERNET);
	return put(o, h, sizeof(h));
}

/* A section header, then one Ethernet interface in nanoseconds. */
static int pcapng_header(struct gen_out *o)
{
	uint8_t h[28 + 32], *p = h;

	p = le32(p, PCAPNG_SHB);
	p = le32(p, 28);
	p = le32(p, PCAPNG_BOM);
	p = le16(p, 1);
	p = le16(p, 0);
	p = le32(p, UINT32_MAX); /* section length: unknown */
	p = le32(p, UINT32_MAX);
	p = le32(p, 28);
	p = le32(p, PCAPNG_IDB);
	p = le32(p, 32);
	p = le16(p, LINKTYPE_ETHERNET);
	p = le16(p, 0);
	p = le32(p, PCAP_SNAPLEN);
	p = le16(p, 9); /* if_tsresol */
	p = le16(p, 1);
	p = le32(p, PCAPNG_TSRESOL); /* the value, then 3 bytes of padding */
	p = le32(p, 0);		     /* opt_endofopt */
	le32(p, 32);
	return put(o, h, sizeof(h));
}

int gen_out_open(struct gen_out *o, const char *path, bool pcapng)
{
	o->pcapng = pcapng;
	o->own = strcmp(path, "-") != 0;
	o->f = o->own ? fopen(path, "wb") : stdout;
	if (!o->f)
		return -errno;
	setvbuf(o->f, NULL, _IOFBF, OUT_BUF);
	return pcapng ? pcapng_header(o) : pcap_header(o);
}

static int pcap_frame(struct gen_out *o, uint64_t ts_ns, const uint8_t *data, uint32_t len)
{
	uint8_t h[16], *p = h;
	int rc;

	p = le32(p, (uint32_t)(ts_ns / GEN_NS));
	p = le32(p, (uint32_t)(ts_ns % GEN_NS));
	p = le32(p, len);
	le32(p, len);
	rc = put(o, h, sizeof(h));
	return rc ? rc : put(o, data, len);
}

static int pcapng_frame(struct gen_out *o, uint64_t ts_ns, const uint8_t *data, uint32_t len)
{
	static const uint8_t pad[4];
	uint32_t padded = (len + 3) & ~3u, total = 32 + padded;
	uint8_t h[28], t[4], *p = h;
	int rc;

	p = le32(p, PCAPNG_EPB);
	p = le32(p, total);
	p = le32(p, 0); /* interface */
	p = le32(p, (uint32_t)(ts_ns >> 32));
	p = le32(p, (uint32_t)ts_ns);
	p = le32(p, len);
	le32(p, len);
	le32(t, total);
	rc = put(o, h, sizeof(h));
	if (!rc)
		rc = put(o, data, len);
	if (!rc)
		rc = put(o, pad, padded - len);
	return rc ? rc : put(o, t, sizeof(t));
}

int gen_out_frame(struct gen_out *o, uint64_t ts_ns, const uint8_t *data, uint32_t len)
{
	return o->pcapng ? pcapng_frame(o, ts_ns, data, len) : pcap_frame(o, ts_ns, data, len);
}

int gen_out_close(struct gen_out *o)
{
	int rc = fflush(o->f) || ferror(o->f) ? -(errno ? errno : EIO) : 0;

	if (o->own && fclose(o->f) && !rc)
		rc = -(errno ? errno : EIO);
	o->f = NULL;
	return rc;
}
