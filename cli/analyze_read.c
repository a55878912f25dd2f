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

struct an_reader {
	unsigned ntraces;
	struct an_trace *traces;
#ifdef SNIC_HAVE_PCAP
	pcap_t **pcap;
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

static int capture_open(struct cli *cli, struct an_trace *t, pcap_t **out)
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
	if (!r->traces || !r->pcap)
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
		rc = capture_open(cli, &r->traces[i], &r->pcap[i]);
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

/* Wait for a free chunk; the loop frees them in order. */
static struct an_chunk *chunk_get(struct an_reader *r)
{
	struct an_chunk *c;

	pthread_mutex_lock(&r->lock);
	while (r->count == AN_NCHUNKS && !r->abort)
		pthread_cond_wait(&r->emptied, &r->lock);
	/* After an abort nobody reads the chunks: any one will do. */
	c = r->chunk[(r->head + r->count) % AN_NCHUNKS];
	pthread_mutex_unlock(&r->lock);
	c->n = 0;
	c->bytes = 0;
	c->ts_min = UINT64_MAX;
	c->ts_max = 0;
	return c;
}

static void chunk_put(struct an_reader *r, bool last)
{
	pthread_mutex_lock(&r->lock);
	r->count++;
	r->done = last;
	pthread_cond_signal(&r->filled);
	pthread_mutex_unlock(&r->lock);
}

static void chunk_add(struct an_chunk *c, const struct pcap_pkthdr *h, const u_char *data,
		      uint32_t off)
{
	uint64_t ts = (uint64_t)h->ts.tv_sec * AN_NS + (uint64_t)h->ts.tv_usec;
	unsigned i = c->n++;

	/* The key first: read from libpcap's buffer, not from the copy being
	 * written. */
	c->fkey[i] = an_flow_key_frame(data, h->caplen);
	memcpy(c->data + off, data, h->caplen);
	c->fr[i] = (struct snic_frame){c->data + off, h->caplen};
	c->ts[i] = ts;
	c->bytes += h->caplen;
	c->ts_min = ts < c->ts_min ? ts : c->ts_min;
	c->ts_max = ts > c->ts_max ? ts : c->ts_max;
}

static void trace_error(struct an_trace *t, const char *why)
{
	snprintf(t->error, sizeof(t->error), "damaged at frame %llu: %s",
		 (unsigned long long)t->frames + 1, why);
}

/*
 * Copy the frames of one capture into chunks. The chunk in use is passed
 * from file to file; a full one goes to the loop.
 */
static struct an_chunk *read_trace(struct an_reader *r, unsigned i, struct an_chunk *c,
				   uint32_t *off)
{
	struct an_trace *t = &r->traces[i];
	struct pcap_pkthdr *h;
	const u_char *data;
	int rc;

	while ((rc = pcap_next_ex(r->pcap[i], &h, &data)) == 1 && !r->abort) {
		if (h->caplen > AN_CHUNK_BYTES) {
			trace_error(t, "frame longer than the reader takes");
			return c;
		}
		if (c->n == AN_CHUNK_FRAMES || *off + h->caplen > AN_CHUNK_BYTES) {
			chunk_put(r, false);
			c = chunk_get(r);
			*off = 0;
		}
		chunk_add(c, h, data, *off);
		*off += h->caplen;
		t->frames++;
	}
	if (rc == PCAP_ERROR && !r->abort)
		trace_error(t, pcap_geterr(r->pcap[i]));
	return c;
}

static void *reader_main(void *arg)
{
	struct an_reader *r = arg;
	struct an_chunk *c = chunk_get(r);
	uint32_t off = 0;

	for (unsigned i = 0; i < r->ntraces; i++)
		c = read_trace(r, i, c, &off);
	chunk_put(r, true);
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
	free(r->pcap);
#endif
	free(r->traces);
	free(r);
}
