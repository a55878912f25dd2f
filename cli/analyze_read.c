/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The capture reader of snic analyze. A thread reads the captures with
 * libpcap, file after file, copies each frame into a chunk and computes
 * its flow key; the frame loop takes full chunks. Reading a capture is
 * mostly copying bytes in the kernel and in libpcap, so with the model on
 * another core the analysis costs little more than the read itself.
 *
 * A few chunks circulate between the two threads: memory does not grow
 * with the capture. A frame libpcap can't read (a cut or damaged file)
 * ends that file: the reason and the frame number are kept for the report,
 * and reading goes on with the next file.
 */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio_ext.h>
#include <stdlib.h>
#include <string.h>
#ifdef SNIC_HAVE_PCAP
#include <pcap/pcap.h>
#endif

#include "analyze.h"
#include "cli.h"

#define AN_NCHUNKS 4

/* The stream buffer of a capture. stdio's own is one block, 4 KiB on most
 * file systems: a read() call for every fifty 64-byte frames. */
#define AN_STREAM_BUF (128u << 10)

struct an_reader {
	unsigned ntraces;
	struct an_trace *traces;
#ifdef SNIC_HAVE_PCAP
	pcap_t **pcap;
	char **sbuf; /* [ntraces] stream buffers, freed after the captures */
#endif
	pthread_t thread;
	bool started;
	pthread_mutex_t lock;
	pthread_cond_t filled;	/* a chunk is ready for the loop */
	pthread_cond_t emptied; /* a chunk is free for the reader */
	struct an_chunk *chunk[AN_NCHUNKS];
	unsigned head;	   /* next chunk the loop takes */
	unsigned count;	   /* chunks ready */
	bool done;	   /* the reader wrote its last chunk */
	bool held;	   /* the loop holds chunk[head] */
	atomic_bool abort; /* the loop stopped taking chunks */
};

const struct an_trace *an_reader_traces(const struct an_reader *r, unsigned *n)
{
	*n = r->ntraces;
	return r->traces;
}

#ifdef SNIC_HAVE_PCAP

static int capture_open(struct cli *cli, struct an_trace *t, pcap_t **out, char **buf)
{
	char errbuf[PCAP_ERRBUF_SIZE] = "";
	FILE *f = strcmp(t->path, "-") ? fopen(t->path, "rb") : stdin;
	const char *lt;

	if (!f)
		return cli_err(cli, "can't open trace '%s': %s", t->path, strerror(errno));
	/* Only the reader thread touches the stream: without this, every one
	 * of libpcap's two freads a frame would take the stream's lock, as
	 * the process has threads. */
	__fsetlocking(f, FSETLOCKING_BYCALLER);
	/* stdin keeps its own buffer: it outlives the capture. */
	*buf = f != stdin ? malloc(AN_STREAM_BUF) : NULL;
	if (*buf)
		setvbuf(f, *buf, _IOFBF, AN_STREAM_BUF);
	*out = pcap_fopen_offline_with_tstamp_precision(f, PCAP_TSTAMP_PRECISION_NANO, errbuf);
	if (!*out) {
		if (f != stdin)
			fclose(f);
		return cli_err(cli, "trace '%s' is not a pcap or pcapng capture: %s", t->path,
			       errbuf);
	}
	if (pcap_datalink(*out) == DLT_EN10MB)
		return 0;
	lt = pcap_datalink_val_to_name(pcap_datalink(*out));
	pcap_close(*out);
	*out = NULL;
	return cli_err(cli, "trace '%s': link type %s is not supported, only Ethernet", t->path,
		       lt ? lt : "unknown");
}

static int reader_alloc(struct an_reader *r, unsigned n)
{
	r->traces = calloc(n, sizeof(*r->traces));
	r->pcap = calloc(n, sizeof(*r->pcap));
	r->sbuf = calloc(n, sizeof(*r->sbuf));
	if (!r->traces || !r->pcap || !r->sbuf)
		return -ENOMEM;
	for (unsigned i = 0; i < AN_NCHUNKS; i++) {
		r->chunk[i] = malloc(sizeof(*r->chunk[i]));
		if (!r->chunk[i])
			return -ENOMEM;
	}
	return 0;
}

int an_reader_open(struct cli *cli, char **paths, unsigned n, struct an_reader **out)
{
	struct an_reader *r = calloc(1, sizeof(*r));
	int rc;

	if (!r || reader_alloc(r, n)) {
		an_reader_free(r);
		return cli_fail(cli, "out of memory");
	}
	r->ntraces = n;
	for (unsigned i = 0; i < n; i++) {
		r->traces[i].path = paths[i];
		rc = capture_open(cli, &r->traces[i], &r->pcap[i], &r->sbuf[i]);
		if (rc) {
			an_reader_free(r);
			return rc;
		}
	}
	pthread_mutex_init(&r->lock, NULL);
	pthread_cond_init(&r->filled, NULL);
	pthread_cond_init(&r->emptied, NULL);
	*out = r;
	return 0;
}

/* ---- the reader's side ---- */

/* The chunk being filled. Its counts are kept here, where the compiler
 * can hold them in registers across libpcap's calls, and written into the
 * chunk when it is handed over. */
struct fill {
	struct an_chunk *c;
	unsigned n;
	uint32_t off; /* bytes of data[] used */
	uint64_t ts_min, ts_max;
};

/* Wait for a free chunk; the loop frees them in order. */
static struct fill chunk_get(struct an_reader *r)
{
	struct an_chunk *c;

	pthread_mutex_lock(&r->lock);
	while (r->count == AN_NCHUNKS && !r->abort)
		pthread_cond_wait(&r->emptied, &r->lock);
	/* After an abort nobody reads the chunks: any one will do. */
	c = r->chunk[(r->head + r->count) % AN_NCHUNKS];
	pthread_mutex_unlock(&r->lock);
	return (struct fill){.c = c, .ts_min = UINT64_MAX};
}

static void chunk_put(struct an_reader *r, const struct fill *f, bool last)
{
	f->c->n = f->n;
	f->c->bytes = f->off;
	f->c->ts_min = f->ts_min;
	f->c->ts_max = f->ts_max;
	pthread_mutex_lock(&r->lock);
	r->count++;
	r->done = last;
	pthread_cond_signal(&r->filled);
	pthread_mutex_unlock(&r->lock);
}

/* Copy a frame. Short frames, the most common, are moved in two
 * overlapping fixed-size copies that compile to a few vector moves. */
static inline void frame_copy(uint8_t *dst, const uint8_t *src, uint32_t len)
{
	if (len >= 32 && len <= 64) {
		memcpy(dst, src, 32);
		memcpy(dst + len - 32, src + len - 32, 32);
	} else if (len >= 16 && len < 32) {
		memcpy(dst, src, 16);
		memcpy(dst + len - 16, src + len - 16, 16);
	} else {
		memcpy(dst, src, len);
	}
}

static inline void chunk_add(struct fill *f, const struct pcap_pkthdr *h, const u_char *data)
{
	struct an_chunk *c = f->c;
	uint64_t ts = (uint64_t)h->ts.tv_sec * AN_NS + (uint64_t)h->ts.tv_usec;
	uint32_t len = h->caplen;
	uint8_t *dst = c->data + f->off;
	unsigned i = f->n++;

	/* The key first: read from libpcap's buffer, not from the copy being
	 * written. */
	c->fkey[i] = an_flow_key_frame(data, len);
	frame_copy(dst, data, len);
	c->fr[i] = (struct snic_frame){dst, len};
	c->ts[i] = ts;
	f->off += len;
	f->ts_min = ts < f->ts_min ? ts : f->ts_min;
	f->ts_max = ts > f->ts_max ? ts : f->ts_max;
}

static void trace_error(struct an_trace *t, const char *why)
{
	snprintf(t->error, sizeof(t->error), "damaged at frame %llu: %s",
		 (unsigned long long)t->frames + 1, why);
}

/*
 * Copy the frames of one capture into chunks. The chunk being filled is
 * passed from file to file; a full one goes to the loop.
 */
static void read_trace(struct an_reader *r, unsigned i, struct fill *fp)
{
	struct an_trace *t = &r->traces[i];
	struct fill f = *fp;
	struct pcap_pkthdr *h;
	const u_char *data;
	uint64_t frames = 0;
	int rc;

	while ((rc = pcap_next_ex(r->pcap[i], &h, &data)) == 1 && !r->abort) {
		if (h->caplen > AN_CHUNK_BYTES) {
			t->frames = frames;
			trace_error(t, "frame longer than the reader takes");
			*fp = f;
			return;
		}
		if (f.n == AN_CHUNK_FRAMES || f.off + h->caplen > AN_CHUNK_BYTES) {
			chunk_put(r, &f, false);
			f = chunk_get(r);
		}
		chunk_add(&f, h, data);
		frames++;
	}
	t->frames = frames;
	if (rc == PCAP_ERROR && !r->abort)
		trace_error(t, pcap_geterr(r->pcap[i]));
	*fp = f;
}

static void *reader_main(void *arg)
{
	struct an_reader *r = arg;
	struct fill f = chunk_get(r);

	for (unsigned i = 0; i < r->ntraces; i++)
		read_trace(r, i, &f);
	chunk_put(r, &f, true);
	return NULL;
}

#else /* !SNIC_HAVE_PCAP */

int an_reader_open(struct cli *cli, char **paths, unsigned n, struct an_reader **out)
{
	(void)n;
	(void)out;
	return cli_err(cli, "can't read trace '%s': this snic was built without libpcap", paths[0]);
}

static void *reader_main(void *arg)
{
	return arg;
}

#endif

int an_reader_start(struct an_reader *r)
{
	int rc = pthread_create(&r->thread, NULL, reader_main, r);

	r->started = rc == 0;
	return -rc;
}

/* ---- the loop's side ---- */

const struct an_chunk *an_reader_next(struct an_reader *r)
{
	const struct an_chunk *c = NULL;

	pthread_mutex_lock(&r->lock);
	if (r->held) {
		r->head = (r->head + 1) % AN_NCHUNKS;
		r->count--;
		r->held = false;
		pthread_cond_signal(&r->emptied);
	}
	while (!r->count && !r->done)
		pthread_cond_wait(&r->filled, &r->lock);
	if (r->count) {
		c = r->chunk[r->head];
		r->held = true;
	}
	pthread_mutex_unlock(&r->lock);
	return c;
}

void an_reader_finish(struct an_reader *r)
{
	if (r->started) {
		pthread_mutex_lock(&r->lock);
		r->abort = !r->done;
		pthread_cond_broadcast(&r->emptied);
		pthread_mutex_unlock(&r->lock);
		pthread_join(r->thread, NULL);
	}
	r->started = false;
#ifdef SNIC_HAVE_PCAP
	for (unsigned i = 0; r->pcap && i < r->ntraces; i++) {
		if (r->pcap[i])
			pcap_close(r->pcap[i]);
		r->pcap[i] = NULL;
	}
#endif
}

void an_reader_free(struct an_reader *r)
{
	if (!r)
		return;
	an_reader_finish(r);
	for (unsigned i = 0; i < AN_NCHUNKS; i++)
		free(r->chunk[i]);
#ifdef SNIC_HAVE_PCAP
	for (unsigned i = 0; r->sbuf && i < r->ntraces; i++)
		free(r->sbuf[i]);
	free(r->sbuf);
	free(r->pcap);
#endif
	free(r->traces);
	free(r);
}
