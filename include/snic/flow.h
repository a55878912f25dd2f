/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Flow rules, as `ethtool -N DEV flow-type ...` and rte_flow make them: a
 * match on header fields of the frames a vport receives, and an action
 * (a queue, drop, an RSS context), optionally with a mark. Rules apply in
 * priority order (0 first); among equal priorities the older rule wins.
 */
#ifndef SNIC_FLOW_H
#define SNIC_FLOW_H

#include <stdbool.h>
#include <stdint.h>

#include "snic/parse.h"

/* What a rule matches on: bits of snic_flow_rule.match. */
#define SNIC_FM_DMAC	  (1u << 0)  /* dmac under dmac_mask */
#define SNIC_FM_ETHERTYPE (1u << 1)  /* ethertype after VLAN tags */
#define SNIC_FM_VLAN	  (1u << 2)  /* outer VLAN TCI under vlan_mask */
#define SNIC_FM_IP_SRC	  (1u << 3)  /* ip_src/src_plen, family ip_ver */
#define SNIC_FM_IP_DST	  (1u << 4)  /* ip_dst/dst_plen, family ip_ver */
#define SNIC_FM_L4_PROTO  (1u << 5)  /* IP protocol */
#define SNIC_FM_SPORT	  (1u << 6)  /* sport under sport_mask */
#define SNIC_FM_DPORT	  (1u << 7)  /* dport under dport_mask */
#define SNIC_FM_VNI	  (1u << 8)  /* VXLAN/GENEVE VNI */
#define SNIC_FM_TEID	  (1u << 9)  /* GTP-U TEID */
#define SNIC_FM_IP_VER	  (1u << 10) /* IPv4 or IPv6 at all */
#define SNIC_FM_ALL	  ((1u << 11) - 1)

enum snic_flow_action {
	SNIC_ACT_QUEUE = 0, /* deliver to `queue` of the rule's vport */
	SNIC_ACT_DROP,	    /* drop, counted as SNIC_DROP_RULE */
	SNIC_ACT_RSS,	    /* spread with RSS context `rss_ctx` */
	SNIC_ACT_MARK,	    /* mark only: the queue comes from the hook/RSS */
};

/* The rule's mark is carried in the destination when this flag is set,
 * whatever the action (rte_flow's MARK combined with QUEUE or RSS). */
#define SNIC_FLOW_F_MARK (1u << 0)

struct snic_flow_rule {
	uint16_t vport; /* the pool whose received frames it applies to */
	uint16_t queue; /* SNIC_ACT_QUEUE */
	uint32_t match; /* SNIC_FM_* */
	uint32_t priority;
	uint32_t rss_ctx; /* SNIC_ACT_RSS: a context id from snic_nic_rss_ctx_new */
	uint32_t mark;
	uint8_t action; /* enum snic_flow_action */
	uint8_t flags;	/* SNIC_FLOW_F_* */
	uint8_t ip_ver; /* 4 or 6, with IP_SRC/IP_DST/IP_VER */
	uint8_t l4_proto;
	uint8_t src_plen; /* prefix length, 0..32 or 0..128 */
	uint8_t dst_plen;
	uint8_t dmac[6];
	uint8_t dmac_mask[6];
	uint16_t ethertype;
	uint16_t vlan_tci;
	uint16_t vlan_mask;
	uint16_t sport, sport_mask;
	uint16_t dport, dport_mask;
	uint8_t ip_src[16];
	uint8_t ip_dst[16];
	uint32_t vni;
	uint32_t teid;
};

/*
 * Whether @r's match holds for the parsed frame @pkt: the plain matcher,
 * field by field, that the data path's compiled rules are tested against.
 * Fields are those of the outer headers as the frame came to the switch
 * (before a port VLAN is stripped): DMAC under dmac_mask, the ethertype
 * after the tags, the outer tag's TCI under vlan_mask (a frame without a
 * tag never matches), IP version, source and destination prefixes, the
 * L4 protocol, ports under their masks (only when the ports were read: a
 * later fragment has none), the VXLAN/GENEVE VNI and the GTP-U TEID.
 * snic_flow_validate requires TCP, UDP or SCTP with ports.
 */
bool snic_flow_match(const struct snic_flow_rule *r, const struct snic_pkt *pkt);

/* One rule as `ethtool -n` would list it, with its id and hits. */
struct snic_flow_info {
	uint32_t id;
	uint32_t slot; /* index into snic_ctr.rule_hits */
	struct snic_flow_rule rule;
};

#endif
