/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Flow rules as words, the way `ethtool -N DEV flow-type ...` writes them,
 * shared by the config file, `snic flow add` and `snic export`:
 *
 *	flow-type tcp4 src-ip 10.0.0.0/8 dst-port 80 [m 0x000f] action 3
 *	flow-type udp4 dst-port 2152 teid 0x1234 vf 1 queue 2
 *	flow-type ether dst 02:00:00:00:00:01 vlan 100 action -1
 *	flow-type vxlan4 vni 42 context 1 mark 7 prio 5
 *
 * Words: flow-type ether|ip4|tcp4|udp4|sctp4|ip6|tcp6|udp6|sctp6 (vxlan4 …
 * allowed where a tunnel match is given); src-ip/dst-ip ADDR[/PLEN] [m
 * MASK]; src-port/dst-port N [m MASK]; proto N (ip4/ip6); dst MAC [m MASK];
 * proto/ethertype; vlan VID [m MASK]; vni N; teid N; action Q | -1 (drop);
 * context N; vf N (the vport; pf when absent); queue Q (with vf); mark N;
 * prio N. Each bad word gets one message naming it.
 *
 * As in ethtool, a mask may also be written NAME-mask MASK, and a bit set
 * in a mask is a bit ignored ("dst-port 80 m 0x000f" takes 80..95). An IP
 * mask must be a prefix. "vlan N" alone matches the VID (TCI & 0x0fff).
 * vxlan4/vxlan6/geneve4/geneve6 are UDP with "vni N" (either tunnel),
 * gtpu4/gtpu6 UDP with "teid N". No action word means queue 0, as in
 * ethtool, except that "mark N" alone only marks. docs/config.md lists
 * every word.
 */
#ifndef SNIC_FLOWSPEC_H
#define SNIC_FLOWSPEC_H

#include <stddef.h>

#include "snic/err.h"
#include "snic/flow.h"
#include "snic/nic.h"

/*
 * Parse @argc words into @r for @nic (which resolves "vf N" and the PF's
 * vport). Returns 0 or -EINVAL with @err naming the bad word.
 */
int snic_flowspec_parse(const struct snic_nic *nic, char *const *argv, int argc,
			struct snic_flow_rule *r, struct snic_err *err);

/* The same from one string, split on blanks. */
int snic_flowspec_parse_str(const struct snic_nic *nic, const char *s, struct snic_flow_rule *r,
			    struct snic_err *err);

/* Write @r back as words (as parse takes them) into @buf; returns @buf. */
char *snic_flowspec_format(const struct snic_nic *nic, const struct snic_flow_rule *r, char *buf,
			   size_t size);

#endif
