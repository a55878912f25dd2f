/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The frame shape of the parser's fast path (parse.c), shared with
 * snic_rx's lane (rx.c), which reads such frames without the parse: one
 * test, so that the two take exactly the same frames.
 */
#ifndef SNIC_PARSE_IMPL_H
#define SNIC_PARSE_IMPL_H

#include <stdint.h>

#include "snic/parse.h"

#define SNIC_SHAPE_OK	 (1u << 0) /* the frame has the shape */
#define SNIC_SHAPE_UDP	 (1u << 1) /* else TCP */
#define SNIC_SHAPE_V6	 (1u << 2) /* else IPv4 */
/* Not of the fast shape but plainer still: an untagged frame whose
 * ethertype is neither IP nor a VLAN tag (snic_l2_shape). */
#define SNIC_SHAPE_L2	 (1u << 3)
/* Of the fast shape, UDP to the VXLAN port (snic_shape_tunnel). */
#define SNIC_SHAPE_VXLAN (1u << 4)
/* ... with a whole VXLAN header whose I flag is set: it has a VNI. */
#define SNIC_SHAPE_VNI	 (1u << 5)

/* Offsets in a frame of the shape. */
#define SNIC_SHAPE_L3	  14u
#define SNIC_SHAPE_L4_V4  34u /* after a 20-byte IPv4 header */
#define SNIC_SHAPE_L4_V6  54u /* after the 40-byte IPv6 header */
#define SNIC_SHAPE_SRC_V4 26u /* IPv4 source address, then destination */
#define SNIC_SHAPE_SRC_V6 22u /* IPv6 source address, then destination */

static inline uint16_t snic_rd16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

/*
 * Has the @len bytes at @f the fast shape: an untagged Ethernet frame with
 * IPv4 (no options, not a fragment) or IPv6 (no extension header) whose
 * length fields fit the frame, carrying a whole TCP or UDP header whose
 * own length fits the IP packet? @len is at most SNIC_PARSE_LEN_MAX.
 * Returns SNIC_SHAPE_* bits, 0 when not; @l3_end gets the end of the IP
 * packet by its length field. Reads only bytes below @len.
 */
static inline __attribute__((always_inline)) unsigned snic_fast_shape(const uint8_t *f,
								      uint32_t len,
								      uint32_t *l3_end)
{
	const uint8_t *ip = f + SNIC_SHAPE_L3, *l4;
	unsigned shape = SNIC_SHAPE_OK;
	uint32_t tot, avail;
	uint16_t type;
	uint8_t proto;

	if (len < SNIC_SHAPE_L4_V6)
		return 0;
	type = snic_rd16(f + 12);
	if (type == 0x0800) {
		tot = snic_rd16(ip + 2);
		/* version 4 with IHL 5; neither MF nor a fragment offset */
		if (ip[0] != 0x45 || (snic_rd16(ip + 6) & 0x3fff) || tot < 20 ||
		    tot > len - SNIC_SHAPE_L3)
			return 0;
		proto = ip[9];
		l4 = f + SNIC_SHAPE_L4_V4;
		avail = tot - 20;
		*l3_end = SNIC_SHAPE_L3 + tot;
	} else if (type == 0x86dd) {
		tot = snic_rd16(ip + 4);
		if (ip[0] >> 4 != 6 || tot > len - SNIC_SHAPE_L4_V6)
			return 0;
		proto = ip[6];
		l4 = f + SNIC_SHAPE_L4_V6;
		avail = tot;
		*l3_end = SNIC_SHAPE_L4_V6 + tot;
		shape |= SNIC_SHAPE_V6;
	} else {
		return 0;
	}
	if (proto == 6) /* TCP: data offset 5..15 words, inside the packet */
		return avail >= 20 && l4[12] >> 4 >= 5 && (uint32_t)(l4[12] >> 4) * 4 <= avail
			       ? shape
			       : 0;
	if (proto == 17) /* UDP: its length 8.. and inside the packet */
		return avail >= 8 && snic_rd16(l4 + 4) >= 8 && snic_rd16(l4 + 4) <= avail
			       ? shape | SNIC_SHAPE_UDP
			       : 0;
	return 0;
}

/*
 * The tunnel behind a frame of the fast shape @shape, as parse.c reads it
 * (parse_tunnel, parse_vxlan): 0 for none; SNIC_SHAPE_VXLAN for UDP to
 * 4789, with SNIC_SHAPE_VNI and *@vni set when the UDP payload holds the
 * whole 8-byte VXLAN header with its I flag; ~0u for the other tunnels
 * (GENEVE, GTP-U), which only the parser reads.
 */
static inline unsigned snic_shape_tunnel(const uint8_t *f, unsigned shape, uint32_t *vni)
{
	const uint8_t *l4 = f + (shape & SNIC_SHAPE_V6 ? SNIC_SHAPE_L4_V6 : SNIC_SHAPE_L4_V4);
	uint16_t dport;

	if (!(shape & SNIC_SHAPE_UDP))
		return 0;
	dport = snic_rd16(l4 + 2);
	if (dport == SNIC_PORT_GENEVE || dport == SNIC_PORT_GTPU)
		return ~0u;
	if (dport != SNIC_PORT_VXLAN)
		return 0;
	/* the UDP length, checked against the packet by snic_fast_shape(),
	 * bounds the VXLAN header */
	if (snic_rd16(l4 + 4) < 16 || !(l4[8] & 0x08))
		return SNIC_SHAPE_VXLAN;
	*vni = (uint32_t)l4[12] << 16 | (uint32_t)l4[13] << 8 | l4[14];
	return SNIC_SHAPE_VXLAN | SNIC_SHAPE_VNI;
}

/*
 * SNIC_SHAPE_L2 when the @len bytes at @f are a whole Ethernet header
 * whose ethertype is neither IPv4, IPv6 nor a VLAN TPID (802.1Q, 802.1ad,
 * 0x9100): the parser reads the Ethernet header and stops (SNIC_L3_OTHER).
 * Else 0.
 */
static inline unsigned snic_l2_shape(const uint8_t *f, uint32_t len)
{
	uint16_t type;

	if (len < SNIC_SHAPE_L3)
		return 0;
	type = snic_rd16(f + 12);
	if (type == 0x0800 || type == 0x86dd || type == 0x8100 || type == 0x88a8 || type == 0x9100)
		return 0;
	return SNIC_SHAPE_L2;
}

#endif
