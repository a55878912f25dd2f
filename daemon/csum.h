/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Transmit checksum completion, as a NIC's TCP/UDP checksum offload does.
 *
 * A veth or TAP end hands over TCP and UDP frames whose L4 checksum the
 * kernel left unfinished (CHECKSUM_PARTIAL: the field holds the
 * pseudo-header sum). Over AF_XDP or AF_PACKET the offset the kernel would
 * have finished it from is lost, so snicd recomputes the whole L4 checksum
 * of every IPv4/IPv6 TCP/UDP frame it receives on a port with `csum` on.
 *
 * Handled: Ethernet, up to two VLAN tags (802.1Q, 802.1ad, 0x9100), IPv4
 * with options, IPv6 with hop-by-hop and destination options headers, TCP
 * and UDP. Left alone: fragments, IPv6 routing headers (the pseudo-header
 * would need the final destination), jumbograms, a UDP length that
 * disagrees with the IP length, anything truncated, and an IPv4 UDP
 * checksum of zero (the sender asked for none). A UDP sum of zero is sent
 * as 0xffff.
 *
 * No allocation, no state: safe on any thread.
 */
#ifndef SNICD_CSUM_H
#define SNICD_CSUM_H

#include <stdint.h>

/* Complete the checksum of @frame (@len bytes) in place. Returns 1 when it
 * changed the frame, 0 when the checksum was right or the frame is not one
 * it handles. */
int snicd_csum_fix(uint8_t *frame, uint32_t len);

/* The same, written plainly (RFC 1071, one 16-bit word at a time over a
 * copy of the pseudo-header and segment), to check snicd_csum_fix. */
int snicd_csum_fix_ref(uint8_t *frame, uint32_t len);

#endif
