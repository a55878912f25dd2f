/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * What snicd's own files share: the daemon, its ports, the snapshot the
 * data lcores read, and each lcore's state.
 *
 * Threads: the control thread (the EAL main lcore) owns struct snicd and
 * everything reachable from it except the struct snicd_lcore of a running
 * data lcore, which that lcore alone writes (the control thread only reads
 * its counters). The data lcores read d->snap, published with one atomic
 * store and freed after an RCU grace period (rcu.c).
 *
 * Accounting of what the model delivered but snicd could not (dataplane.c):
 * a copy that a tx burst refuses, that can't be made (mempool empty, no
 * headroom for a VLAN tag) or whose vport has no port, is a queue_full
 * refusal. It is taken back from the queue's counters (frames, bytes,
 * bcast, mcast, loopback) and counted in vport[].rx_drop[queue_full], so
 * that a queue's frames are the copies really handed to its ring. A wire
 * copy refused takes back the sender's tx_wire. When every copy of a frame
 * is refused the frame moves from `delivered` to drop[queue_full] of its
 * direction (and the sender's tx_local is taken back), so that
 * in == delivered + dropped holds exactly. Buckets and rule hits keep
 * counting what the model decided.
 */
#ifndef SNICD_IMPL_H
#define SNICD_IMPL_H

#include <net/if.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include <rte_mbuf.h>
#include <rte_rcu_qsbr.h>
#include <rte_spinlock.h>

#include "config.h"
#include "snic/dp.h"
#include "snicd.h"

#define SNICD_BURST	     32
#define SNICD_TXB_MAX	     64	  /* a tx buffer is flushed when full */
#define SNICD_RXD	     4096 /* descriptors per rx queue */
#define SNICD_TXD	     1024 /* ... per tx queue */
#define SNICD_MBUF_CACHE     256
#define SNICD_RETIRED_MAX    16 /* snapshots waiting for their grace period */
#define SNICD_PORT_NONE	     0xffffu
#define SNICD_VPORT_DETACHED 0xfffeu /* a VF port whose VF does not exist now */
#define SNICD_IDLE_POLL_US   20000   /* an lcore polls this long after a frame... */
#define SNICD_IDLE_SLEEP_US  10	     /* ... then sleeps this long between rounds */
#define SNICD_IDLE_SLEEP_MAX 10000   /* the most --idle-sleep takes */
#define SNICD_IDLE_POLL_MAX  1000000 /* the most --idle-poll takes */
#define SNICD_SHARED_GAP_US  500     /* an lcore preempted this long twice... */
#define SNICD_SHARED_WIN_US  100000  /* ... within this time counts its core as */
#define SNICD_SHARED_US	     1000000 /* shared for this long, and meanwhile polls */
#define SNICD_SHARED_POLL_US 200     /* without pause only this long after a frame */
#define SNICD_WARM_US	     1000    /* an idle lcore warms its pipeline this often */
#define SNICD_WARM_MAX	     1000000 /* the most --warm takes */
#define SNICD_WARM_BYTES     256     /* of a frame kept for that */

enum snicd_role {
	SNICD_ROLE_UPLINK,
	SNICD_ROLE_PF,
	SNICD_ROLE_VF,
};

/* Longest namespace name, with its NUL. */
#define SNICD_NETNS_MAX 64

/* The veth snicd made for a port with `netns` (veth.c), if it made one. */
struct snicd_veth {
	char link[IFNAMSIZ];	  /* the near end: the port's interface */
	char ns[SNICD_NETNS_MAX]; /* the namespace of the far end, eth0 */
	bool made_link;		  /* snicd made the veth: it removes it */
	bool made_ns;		  /* ... and the namespace */
};

struct snicd_port {
	char name[SNIC_CONFIG_NAME_MAX]; /* "uplink", "pf", "vf0", ... */
	struct snicd_veth veth;		 /* with the config's netns */
	char *devargs;
	enum snicd_role role;
	unsigned vf;	      /* VF number, with SNICD_ROLE_VF */
	unsigned queues;      /* rx and tx queues to open */
	unsigned queues_conf; /* the config's queues, 0 when not given */
	int csum_conf;	      /* the config's csum: -1 default, 0, 1 */
	bool csum;	      /* complete TCP/UDP checksums of frames it receives */
	bool probed;	      /* holds a DPDK port */
	bool started;
	uint16_t port_id;
	uint16_t nrxd, ntxd;	/* descriptors per queue */
	unsigned txb_base;	/* its first tx buffer in a lcore's txb[] */
	rte_spinlock_t *txlock; /* [queues] when several lcores send, else NULL */
};

/* What the data path reads: one pointer, published atomically. */
struct snicd_snap {
	struct snic_cfg *cfg;
	uint16_t npools;
	uint16_t pf_vport;
	uint16_t *vport_port; /* [npools]: port index, or SNICD_PORT_NONE */
	uint16_t *port_vport; /* [nports]: the vport it sends as, SNIC_VPORT_WIRE, or
			       * SNICD_VPORT_DETACHED */
	bool hook;	      /* cfg calls a plugin */
};

/* One port as one lcore saw it. */
struct snicd_pctr {
	uint64_t rx;	   /* frames received */
	uint64_t tx;	   /* copies a tx burst took */
	uint64_t full;	   /* copies a tx burst refused */
	uint64_t nomem;	   /* copies not made: mempool empty or no headroom */
	uint64_t csum;	   /* frames whose checksum was completed */
	uint64_t detached; /* frames from a VF port whose VF does not exist */
};

/* Frames on their way to one tx queue of one port. */
struct snicd_txb {
	uint16_t port; /* index in d->port */
	uint16_t queue;
	uint16_t n;
	bool dirty; /* listed in lc->dirty */
	rte_spinlock_t *lock;
	struct rte_mbuf *pkts[SNICD_TXB_MAX];
	const struct snic_dest *dest[SNICD_TXB_MAX];
};

struct snicd_rxq {
	uint16_t port; /* index in d->port */
	uint16_t port_id;
	uint16_t queue;
	bool csum;
};

/* One received burst while it is handled. */
struct snicd_burst {
	unsigned n;
	unsigned sender; /* vport, SNIC_VPORT_WIRE, or SNICD_VPORT_DETACHED */
	bool lost;	 /* a copy was refused */
	unsigned nfree;
	struct rte_mbuf *pkts[SNICD_BURST];
	struct snic_frame frames[SNICD_BURST];
	uint16_t lost_local[SNICD_BURST]; /* copies to local vports refused */
	uint8_t lost_wire[SNICD_BURST];	  /* the wire copy was refused */
	struct rte_mbuf *free[SNICD_BURST];
};

/* When an lcore that finds no frame sleeps (dataplane.c). TSC values. */
struct snicd_idle {
	uint64_t since;	       /* the first round of this quiet time, 0 after a frame */
	uint64_t last;	       /* the last empty round, 0 after a frame or a sleep */
	uint64_t preempted_at; /* the last time it found itself preempted */
	uint64_t shared_until; /* its core counts as shared until then */
	uint64_t poll;	       /* d->idle_poll_us */
	uint64_t shared_poll;  /* SNICD_SHARED_POLL_US */
	uint64_t gap;	       /* SNICD_SHARED_GAP_US */
	uint64_t win;	       /* SNICD_SHARED_WIN_US */
	uint64_t shared;       /* SNICD_SHARED_US */
	uint64_t sleeps;       /* counters: sleeps */
	uint64_t preempted;    /* ... and times it found itself preempted */
};

/* A frame an lcore keeps to warm its pipeline with while idle (dataplane.c). */
struct snicd_warm_frame {
	struct snic_frame f;	       /* len 0: none */
	unsigned sender;	       /* as struct snicd_burst.sender */
	const struct snicd_snap *snap; /* it was kept under; warmed only under it */
	uint8_t buf[SNICD_WARM_BYTES];
};

struct snicd_warm {
	bool quiet;			     /* the last round found no frame */
	uint64_t period;		     /* d->warm_us, TSC; 0: off */
	uint64_t last;			     /* the last warm-up, TSC */
	struct snic_ctr *ctr;		     /* what the warm-ups count, never read */
	struct snicd_warm_frame wire, local; /* from the wire, from a vport */
	uint64_t runs;			     /* counter: frames run through the pipeline */
};

struct snicd_lcore {
	struct snicd *d;
	unsigned lcore_id;
	unsigned idx; /* RCU thread id */
	unsigned nrxq;
	struct snicd_rxq *rxq;
	uint16_t wire_txq; /* the uplink's tx queue this lcore uses */
	struct snic_ctr *ctr;
	struct snicd_pctr *pctr; /* [nports] */
	uint64_t no_port;	 /* copies for a vport (or the wire) without a port */
	struct snicd_txb *txb;	 /* [d->ntxb] */
	uint16_t *dirty;	 /* tx buffers holding frames */
	unsigned ndirty;
	struct snic_dest *dests;
	unsigned cap;
	struct snicd_idle idle;
	struct snicd_warm warm;
	struct snicd_burst b;
};

struct snicd_retired {
	struct snicd_snap *snap;
	uint64_t token;
};

struct snicd {
	struct snic_config *conf; /* owns the NIC (conf->nic) */
	unsigned nports;
	struct snicd_port *port;
	uint16_t uplink; /* index, or SNICD_PORT_NONE */
	unsigned ntxb;	 /* tx queues of all ports */
	struct rte_mempool *pool;
	struct snicd_snap *snap; /* the published one; atomic */
	struct rte_rcu_qsbr *rcu;
	struct snicd_retired retired[SNICD_RETIRED_MAX];
	unsigned nretired;
	unsigned nlcores;
	struct snicd_lcore **lc;
	bool running;
	bool stop;		/* atomic: data lcores quit */
	unsigned idle_sleep_us; /* sleep of an idle lcore; 0: poll without pause */
	unsigned idle_poll_us;	/* it polls this long after a frame before it sleeps */
	unsigned warm_us;	/* an idle lcore warms its pipeline this often; 0: never */
	uint64_t start_tsc;
	uint64_t ns_mult; /* ns = tsc * ns_mult >> 32 */
};

/* snicd.c: lifetime. Takes @conf (freed with the daemon, also on error). */
int snicd_new(struct snic_config *conf, struct snicd **out, struct snic_err *err);
int snicd_start(struct snicd *d, struct snic_err *err);
void snicd_stop(struct snicd *d);
void snicd_free(struct snicd *d);

/* veth.c */

/* For port @port (devargs @devargs, a net_af_xdp or net_af_packet port
 * with iface=NAME) whose far end is in namespace @ns: when NAME does not
 * exist, make the veth NAME -- eth0 in @ns (and @ns when missing), the far
 * end with @mac unless NULL, both up; @v records what was made. 0, or a
 * negative errno with a message naming the port and the bad value (then
 * nothing is left made). */
int snicd_veth_make(const char *port, const char *devargs, const char *ns, const uint8_t *mac,
		    struct snicd_veth *v, struct snic_err *err);
/* Remove what snicd_veth_make() made; nothing else. */
void snicd_veth_remove(struct snicd_veth *v);

/* port.c */
int snicd_ports_init(struct snicd *d, struct snic_err *err);
int snicd_ports_probe(struct snicd *d, struct snic_err *err);
int snicd_pool_create(struct snicd *d, struct snic_err *err);
int snicd_ports_start(struct snicd *d, struct snic_err *err);
void snicd_ports_drain(struct snicd *d);
void snicd_ports_close(struct snicd *d);
/* Whether @devargs names a PCI device ("0000:01:00.0,..." or "01:00.0"). */
bool snicd_devargs_is_pci(const char *devargs);

/* rcu.c */
int snicd_rcu_init(struct snicd *d, struct snic_err *err);
void snicd_rcu_fini(struct snicd *d);
int snicd_snap_build(struct snicd *d, struct snic_nic *nic, struct snicd_snap **out,
		     struct snic_err *err);
void snicd_snap_free(struct snicd_snap *s);
/* Publish @s and retire the snapshot it replaces. */
void snicd_snap_swap(struct snicd *d, struct snicd_snap *s);
/* Free retired snapshots whose grace period is over (all, waiting, with @wait). */
void snicd_reclaim(struct snicd *d, bool wait);

/* dataplane.c */
int snicd_lcores_init(struct snicd *d, struct snic_err *err);
void snicd_lcores_free(struct snicd *d);
int snicd_lcore_main(void *arg);

/* stats.c: the final counters and their conservation checks; returns
 * true when they hold. */
bool snicd_print_final(struct snicd *d, FILE *f);

#endif
