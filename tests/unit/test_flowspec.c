/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Flow rules as words (cli/flowspec.c): each word into the rule field it
 * names, ethtool's masks (set bits ignored), the implied matches of each
 * flow type, the action words and the vport, one message per bad word, and
 * format -> parse giving the same rule back.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "snic/nic.h"
#include "snic/profile.h"
#include "flowspec.h"

static const uint8_t PF_MAC[6] = {0x02, 0, 0, 0, 0, 0xfe};

static struct snic_nic *nic;
static struct snic_err err;
static struct snic_flow_rule rule;

/* A generic NIC with 2 VFs (PF vport 2) and one RSS context on the PF. */
static void setup(void)
{
	struct snic_rss_conf c;

	cr_assert_eq(snic_nic_new(snic_profile_find("generic"), PF_MAC, &nic, &err), 0, "%s",
		     err.msg);
	cr_assert_eq(snic_nic_set_numvfs(nic, 2, &err), 0, "%s", err.msg);
	cr_assert_eq(snic_nic_rss_get(nic, 2, &c, &err), 0, "%s", err.msg);
	cr_assert_eq(snic_nic_rss_ctx_new(nic, 2, &c, &err), 1, "%s", err.msg);
}

static void teardown(void)
{
	snic_nic_free(nic);
}

TestSuite(flowspec, .init = setup, .fini = teardown);

static void parse_ok(const char *s)
{
	memset(&rule, 0xa5, sizeof(rule));
	cr_assert_eq(snic_flowspec_parse_str(nic, s, &rule, &err), 0, "'%s': %s", s, err.msg);
}

static void parse_bad(const char *s, const char *needle)
{
	snic_err_clear(&err);
	cr_assert_eq(snic_flowspec_parse_str(nic, s, &rule, &err), -EINVAL, "'%s' parsed", s);
	cr_assert_not_null(strstr(err.msg, needle), "'%s': \"%s\" does not name \"%s\"", s, err.msg,
			   needle);
}

Test(flowspec, tcp4_rule_of_the_header)
{
	static const uint8_t net[4] = {10, 0, 0, 0};

	parse_ok("flow-type tcp4 src-ip 10.0.0.0/8 dst-port 80 m 0x000f action 3");
	cr_assert_eq(rule.match,
		     SNIC_FM_IP_VER | SNIC_FM_L4_PROTO | SNIC_FM_IP_SRC | SNIC_FM_DPORT);
	cr_assert_eq(rule.ip_ver, 4);
	cr_assert_eq(rule.l4_proto, 6);
	cr_assert_eq(memcmp(rule.ip_src, net, 4), 0);
	cr_assert_eq(rule.src_plen, 8);
	cr_assert_eq(rule.dport, 80);
	cr_assert_eq(rule.dport_mask, 0xfff0, "ethtool's mask: set bits are ignored");
	cr_assert_eq(rule.action, SNIC_ACT_QUEUE);
	cr_assert_eq(rule.queue, 3);
	cr_assert_eq(rule.vport, 2, "no vf word: the PF's vport");
	cr_assert_eq(rule.flags, 0);
	cr_assert_eq(rule.priority, 0);
}

Test(flowspec, vf_queue_teid_mark_prio)
{
	parse_ok("flow-type udp4 dst-port 2152 teid 0x1234 vf 1 queue 2 mark 7 prio 5");
	cr_assert_eq(rule.vport, 1);
	cr_assert_eq(rule.action, SNIC_ACT_QUEUE);
	cr_assert_eq(rule.queue, 2);
	cr_assert_eq(rule.match & SNIC_FM_TEID, SNIC_FM_TEID);
	cr_assert_eq(rule.teid, 0x1234);
	cr_assert_eq(rule.dport_mask, 0xffff);
	cr_assert_eq(rule.flags, SNIC_FLOW_F_MARK);
	cr_assert_eq(rule.mark, 7);
	cr_assert_eq(rule.priority, 5);
}

Test(flowspec, ether_dst_vlan_drop)
{
	static const uint8_t mac[6] = {2, 0, 0, 0, 0, 1};

	parse_ok("flow-type ether dst 02:00:00:00:00:01 vlan 100 proto 0x0806 action -1");
	cr_assert_eq(rule.match, SNIC_FM_DMAC | SNIC_FM_VLAN | SNIC_FM_ETHERTYPE);
	cr_assert_eq(memcmp(rule.dmac, mac, 6), 0);
	cr_assert_eq(rule.dmac_mask[0], 0xff);
	cr_assert_eq(rule.vlan_tci, 100);
	cr_assert_eq(rule.vlan_mask, 0x0fff, "vlan alone matches the VID");
	cr_assert_eq(rule.ethertype, 0x0806);
	cr_assert_eq(rule.action, SNIC_ACT_DROP);
}

Test(flowspec, masks_written_as_name_mask_and_m)
{
	parse_ok(
		"flow-type ether dst 01:00:5e:00:00:00 dst-mask 00:00:00:7f:ff:ff vlan 5 m 0xe000");
	cr_assert_eq(rule.dmac_mask[2], 0xff);
	cr_assert_eq(rule.dmac_mask[3], 0x80);
	cr_assert_eq(rule.dmac_mask[5], 0x00);
	cr_assert_eq(rule.vlan_mask, 0x1fff);
	parse_ok("flow-type tcp6 dst-port-mask 0xff dst-port 0x1200 action 1");
	cr_assert_eq(rule.dport, 0x1200);
	cr_assert_eq(rule.dport_mask, 0xff00);
}

Test(flowspec, ip_masks_are_prefixes)
{
	parse_ok("flow-type ip4 dst-ip 192.168.0.0 m 0.0.255.255");
	cr_assert_eq(rule.dst_plen, 16);
	parse_ok("flow-type ip6 src-ip 2001:db8:: m ::ffff:ffff:ffff:ffff:ffff:ffff");
	cr_assert_eq(rule.src_plen, 32);
	cr_assert_eq(rule.ip_src[0], 0x20);
	parse_ok("flow-type ip6 src-ip 2001:db8::1");
	cr_assert_eq(rule.src_plen, 128);
	parse_bad("flow-type ip4 dst-ip 10.0.0.0 m 0.255.0.255", "is not a prefix");
	parse_bad("flow-type ip4 dst-ip 10.0.0.0/8 m 0.255.255.255", "not both");
	parse_bad("flow-type ip4 dst-ip 10.0.0.0/33", "prefix length '33'");
	parse_bad("flow-type tcp4 dst-ip 2001::1", "is not an IPv4 address");
	parse_bad("flow-type tcp6 src-ip 10.0.0.1", "is not an IPv6 address");
}

Test(flowspec, l4proto_on_raw_ip)
{
	parse_ok("flow-type ip4 l4proto 47 action 1");
	cr_assert_eq(rule.match, SNIC_FM_IP_VER | SNIC_FM_L4_PROTO);
	cr_assert_eq(rule.l4_proto, 47);
	parse_ok("flow-type ip6 proto 58 action 1");
	cr_assert_eq(rule.l4_proto, 58);
	cr_assert_eq(rule.ip_ver, 6);
}

Test(flowspec, tunnel_types)
{
	parse_ok("flow-type vxlan4 vni 42 context 1 mark 7 prio 5");
	cr_assert_eq(rule.match, SNIC_FM_IP_VER | SNIC_FM_L4_PROTO | SNIC_FM_VNI);
	cr_assert_eq(rule.l4_proto, 17);
	cr_assert_eq(rule.vni, 42);
	cr_assert_eq(rule.action, SNIC_ACT_RSS);
	cr_assert_eq(rule.rss_ctx, 1);
	parse_ok("flow-type gtpu6 teid 7");
	cr_assert_eq(rule.ip_ver, 6);
	cr_assert_eq(rule.teid, 7);
	parse_bad("flow-type vxlan4 dst-port 4789", "needs 'vni N'");
	parse_bad("flow-type gtpu4 action 1", "needs 'teid N'");
	parse_bad("flow-type vxlan4 vni 16777216", "0..16777215");
}

Test(flowspec, actions)
{
	parse_ok("flow-type tcp4 dst-port 80");
	cr_assert_eq(rule.action, SNIC_ACT_QUEUE, "no action: queue 0, as ethtool");
	cr_assert_eq(rule.queue, 0);
	parse_ok("flow-type tcp4 dst-port 80 mark 9");
	cr_assert_eq(rule.action, SNIC_ACT_MARK, "mark alone only marks");
	cr_assert_eq(rule.mark, 9);
	parse_ok("flow-type tcp4 dst-port 80 vf 0 action -1");
	cr_assert_eq(rule.action, SNIC_ACT_DROP);
	cr_assert_eq(rule.vport, 0);
	parse_ok("flow-type tcp4 vf 1");
	cr_assert_eq(rule.vport, 1);
	cr_assert_eq(rule.queue, 0);
	parse_bad("flow-type tcp4 action 1 queue 2", "'action' and 'queue' can't be combined");
	parse_bad("flow-type tcp4 action 1 context 1", "'action' and 'context'");
	parse_bad("flow-type tcp4 context 0", "context 0");
	parse_bad("flow-type tcp4 action -2", "action '-2' is not a queue 0..65535 or -1");
	parse_bad("flow-type tcp4 action 65536", "action '65536'");
}

Test(flowspec, vf_must_exist)
{
	parse_bad("flow-type tcp4 vf 2 queue 0", "vf 2 does not exist (VFs 0..1)");
	parse_bad("flow-type tcp4 vf x", "vf 'x' is not a number");
}

Test(flowspec, each_bad_word_is_named)
{
	parse_bad("", "empty rule");
	parse_bad("tcp4 dst-port 80", "starts with 'flow-type TYPE', not 'tcp4'");
	parse_bad("flow-type", "'flow-type' needs a type");
	parse_bad("flow-type tcp5", "unknown flow-type 'tcp5' (known: ether, ip4");
	parse_bad("flow-type tcp4 dst-prot 80", "unknown word 'dst-prot' (known: dst, dst-mac,");
	parse_bad("flow-type tcp4 dst-port", "'dst-port' needs a value");
	parse_bad("flow-type tcp4 dst-port http", "dst-port 'http' is not a number 0..65535");
	parse_bad("flow-type tcp4 dst-port 80 m", "'m' after dst-port 80 needs a mask");
	parse_bad("flow-type tcp4 dst-port 80 m 0x10000", "dst-port mask '0x10000'");
	parse_bad("flow-type tcp4 dst-port 80 dst-port 81", "'dst-port' is given twice");
	parse_bad("flow-type tcp4 dst-port 80 m 1 dst-port-mask 2",
		  "mask of 'dst-port' is given twice");
	parse_bad("flow-type ip4 dst-port 80", "'dst-port' goes with flow-type tcp4, udp4, sctp4");
	parse_bad("flow-type ether src-ip 10.0.0.1", "'src-ip' goes with flow-type ip4");
	parse_bad("flow-type tcp4 dst 02:00:00:00:00:01", "'dst' goes with flow-type ether");
	parse_bad("flow-type tcp4 vni 1", "'vni' goes with flow-type udp4");
	parse_bad("flow-type tcp4 action-mask 1", "unknown word 'action-mask'");
	parse_bad("flow-type ether dst 02:00:00:00:00", "dst '02:00:00:00:00' is not a MAC");
	parse_bad("flow-type ether dst-mac 02:00:00:00:00:01:02", "is not a MAC");
	parse_bad("flow-type udp4 teid 0x100000000", "teid '0x100000000'");
}

Test(flowspec, words_split_on_any_blank_and_are_bounded)
{
	char many[64 * 4 + 32] = "flow-type tcp4";

	parse_ok("  flow-type\ttcp4\n dst-port  80\r\naction 1 ");
	cr_assert_eq(rule.dport, 80);
	for (int i = 0; i < 64; i++)
		strcat(many, " x");
	parse_bad(many, "at most 64 words");
}

Test(flowspec, argv_form)
{
	char *argv[] = {"flow-type", "udp6", "src-port", "53", "action", "2"};

	cr_assert_eq(snic_flowspec_parse(nic, argv, 6, &rule, &err), 0, "%s", err.msg);
	cr_assert_eq(rule.sport, 53);
	cr_assert_eq(rule.ip_ver, 6);
}

/* Rules the library accepts or refuses after the words were fine. */
Test(flowspec, parsed_rules_meet_the_library)
{
	parse_ok("flow-type tcp4 dst-port 80 action 3");
	cr_assert_eq(snic_flow_validate(nic, &rule, &err), 0, "%s", err.msg);
	parse_ok("flow-type tcp4 dst-port 80 vf 1 queue 9");
	cr_assert_lt(snic_flow_validate(nic, &rule, &err), 0);
	cr_assert_not_null(strstr(err.msg, "queue 9"), "%s", err.msg);
	parse_ok("flow-type tcp4 vf 1 context 1");
	cr_assert_lt(snic_flow_validate(nic, &rule, &err), 0, "context 1 is the PF's");
}

static const char *const roundtrip[] = {
	"flow-type tcp4 src-ip 10.0.0.0/8 dst-port 80 m 0x000f action 3",
	"flow-type udp4 dst-port 2152 teid 0x1234 vf 1 queue 2 mark 7 prio 5",
	"flow-type ether dst 02:00:00:00:00:01 m 00:00:00:00:00:ff proto 0x0806 vlan 100 action -1",
	"flow-type ether vlan 7 m 0xe000 mark 3",
	"flow-type ip4 l4proto 47 action 1",
	"flow-type ip6 src-ip 2001:db8::/32 dst-ip ::1 action 0",
	"flow-type sctp6 src-port 1 m 0x00ff dst-port 2 context 1 mark 1",
	"flow-type udp4 dst-mac 02:00:00:00:00:02 vni 42 action -1",
	"flow-type tcp4 vf 0 queue 3",
	"flow-type tcp4 vf 1 action -1 prio 4294967295",
};

Test(flowspec, format_then_parse_gives_the_same_rule)
{
	struct snic_flow_rule a, b;
	char text[256];

	for (size_t i = 0; i < sizeof(roundtrip) / sizeof(roundtrip[0]); i++) {
		cr_assert_eq(snic_flowspec_parse_str(nic, roundtrip[i], &a, &err), 0, "'%s': %s",
			     roundtrip[i], err.msg);
		snic_flowspec_format(nic, &a, text, sizeof(text));
		cr_assert_str_eq(text, roundtrip[i]);
		cr_assert_eq(snic_flowspec_parse_str(nic, text, &b, &err), 0, "'%s': %s", text,
			     err.msg);
		cr_assert_eq(memcmp(&a, &b, sizeof(a)), 0, "'%s' came back different", text);
	}
}

Test(flowspec, format_truncates_safely)
{
	char text[12];

	parse_ok(roundtrip[0]);
	memset(text, 'x', sizeof(text));
	snic_flowspec_format(nic, &rule, text, sizeof(text));
	cr_assert_eq(strlen(text), sizeof(text) - 1);
	cr_assert_eq(strncmp(text, "flow-type t", 11), 0, "%s", text);
	snic_flowspec_format(nic, &rule, text, 1);
	cr_assert_eq(text[0], '\0');
}
