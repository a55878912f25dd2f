/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The config reader (cli/config.c): each key reaches the control plane as
 * the matching `ip link`/`ethtool` call would, each bad file gives one
 * message with file, line and column, the bad value and what is allowed,
 * and every example in examples/ loads and commits.
 */
#include <criterion/criterion.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "snic/nic.h"
#include "snic/profile.h"
#include "config.h"

static struct snic_config *cfg;
static struct snic_err err;

static void teardown(void)
{
	snic_config_free(cfg);
	cfg = NULL;
}

TestSuite(config, .fini = teardown);

static void load_ok(const char *text)
{
	snic_config_free(cfg);
	cfg = NULL;
	cr_assert_eq(snic_config_parse(text, strlen(text), "t.yaml", NULL, &cfg, &err), 0,
		     "%s\n---\n%s", err.msg, text);
	cr_assert_not_null(cfg->nic);
}

/* Loading fails with a message containing @want. */
static void load_bad(const char *text, const char *want)
{
	struct snic_config *c = (struct snic_config *)0x1;
	int rc;

	snic_err_clear(&err);
	rc = snic_config_parse(text, strlen(text), "t.yaml", NULL, &c, &err);
	cr_assert_lt(rc, 0, "loaded:\n%s", text);
	cr_assert_null(c);
	cr_assert_eq(err.code, rc);
	cr_assert_not_null(strstr(err.msg, want), "\"%s\" does not have \"%s\"", err.msg, want);
	cr_assert_null(strchr(err.msg, '\n'), "not one line: %s", err.msg);
}

static struct snic_vf_info vf(unsigned n)
{
	struct snic_vf_info i;

	cr_assert_eq(snic_vf_get(cfg->nic, n, &i, &err), 0, "%s", err.msg);
	return i;
}

static void rss_of(unsigned vport, struct snic_rss_conf *c)
{
	cr_assert_eq(snic_nic_rss_get(cfg->nic, vport, c, &err), 0, "%s", err.msg);
}

static void commit_ok(void)
{
	struct snic_cfg *snap;

	cr_assert_eq(snic_nic_commit(cfg->nic, &snap, &err), 0, "%s", err.msg);
	snic_cfg_free(snap);
}

/* ---- what a good file builds ---- */

static const char seed[] =
	"profile: ixgbe-82599\n"
	"pf:\n"
	"  mac: 02:00:00:00:00:01\n"
	"  link: up\n"
	"  mtu: 1500\n"
	"  rxmode: multi\n"
	"  multicast: [01:00:5e:00:00:fb]\n"
	"  vlans: [100, 200]\n"
	"numvfs: 2\n"
	"vfs:\n"
	"  vf0:\n"
	"    mac: 02:00:00:00:00:10\n"
	"    vlan: 100\n"
	"    qos: 3\n"
	"    proto: 802.1Q\n"
	"    spoofchk: on\n"
	"    trust: off\n"
	"    state: disable\n"
	"    max_tx_rate: 1000\n"
	"    query_rss: true\n"
	"    assigned: true\n"
	"    guest:\n"
	"      multicast: [01:00:5e:00:00:01, 01:00:5e:00:00:02]\n"
	"      rxmode: allmulti\n"
	"  vf1:\n"
	"    spoofchk: off\n"
	"    guest:\n"
	"      mac: 02:00:00:00:00:21\n"
	"      vlans: [7, 8]\n"
	"      macvlans: [02:00:00:00:00:22]\n"
	"rss:\n"
	"  hfunc: toeplitz\n"
	"  hkey: 6d5a56da255b0ec24167253d43a38fb0d0ca2bcbae7b30b477cb2da38030f20c"
	"6a42b73bbeac01fb\n"
	"  rx-flow-hash: {udp4: sdfn, udp6: sdfn}\n"
	"  equal: 3\n"
	"flows:\n"
	"  - flow-type tcp4 dst-port 80 action 3\n"
	"  - flow-type udp4 dst-port 53 vf 1 queue 1\n"
	"balance: {policy: rsspp, period: 2s}\n"
	"ports:\n"
	"  uplink: {devargs: 'net_af_xdp0,iface=snic-up'}\n"
	"  pf: {devargs: net_tap0, queues: 2}\n"
	"  vf0: {devargs: 'net_af_xdp1,iface=snic-vf0', netns: snic-vm0, csum: on}\n";

Test(config, seed_builds_the_nic)
{
	struct snic_vf_info i;

	load_ok(seed);
	cr_assert_str_eq(snic_nic_profile(cfg->nic)->name, "ixgbe-82599");
	cr_assert_eq(snic_nic_numvfs(cfg->nic), 2);
	i = vf(0);
	cr_assert_eq(i.mac[5], 0x10);
	cr_assert(i.admin_mac);
	cr_assert_eq(i.vlan, 100);
	cr_assert_eq(i.qos, 3);
	cr_assert_eq(i.vlan_proto, SNIC_VLAN_PROTO_8021Q);
	cr_assert(i.spoofchk);
	cr_assert_not(i.trust);
	cr_assert_eq(i.link_state, SNIC_LINK_DISABLE);
	cr_assert_eq(i.max_tx_rate, 1000);
	cr_assert(i.query_rss);
	cr_assert(i.assigned);
	cr_assert_eq(i.n_mc, 2);
	cr_assert_eq(i.rxmode, SNIC_RXMODE_ALLMULTI);
	cr_assert_eq(i.rxmode_eff, SNIC_RXMODE_MULTI, "untrusted: capped");
	i = vf(1);
	cr_assert_not(i.admin_mac);
	cr_assert_eq(i.mac[5], 0x21, "the guest's own MAC");
	cr_assert_not(i.spoofchk);
	cr_assert_eq(i.n_vlan_filter, 2);
	cr_assert_eq(i.n_macvlan, 1);
	cr_assert_eq(cfg->nflows, 2);
	cr_assert_eq(snic_flow_list(cfg->nic, NULL, 0), 2);
	commit_ok();
}

Test(config, seed_rss_balance_ports)
{
	struct snic_rss_conf c;

	load_ok(seed);
	rss_of(2, &c);
	cr_assert_eq(c.key_len, 40);
	cr_assert_eq(c.key[0], 0x6d);
	cr_assert_eq(c.key[39], 0xfb);
	cr_assert_eq(c.fields[SNIC_FT_UDP4],
		     SNIC_RXH_IP_SRC | SNIC_RXH_IP_DST | SNIC_RXH_L4_B_0_1 | SNIC_RXH_L4_B_2_3);
	cr_assert_eq(c.reta_size, 128);
	for (unsigned e = 0; e < c.reta_size; e++)
		cr_assert_eq(c.reta[e], e % 3);
	cr_assert_eq(c.nqueues, 3);
	cr_assert_str_eq(cfg->balance_policy, "rsspp");
	cr_assert_eq(cfg->balance_period_ns, 2000000000ull);
	cr_assert_eq(cfg->nports, 3);
	cr_assert_str_eq(cfg->ports[0].name, "uplink");
	cr_assert_eq(cfg->ports[0].vport, SNIC_CONFIG_VPORT_UPLINK);
	cr_assert_eq(cfg->ports[0].csum_offload, -1);
	cr_assert_null(cfg->ports[0].netns);
	cr_assert_eq(cfg->ports[1].vport, SNIC_CONFIG_VPORT_PF);
	cr_assert_eq(cfg->ports[1].queues, 2);
	cr_assert_eq(cfg->ports[2].vport, 0);
	cr_assert_str_eq(cfg->ports[2].devargs, "net_af_xdp1,iface=snic-vf0");
	cr_assert_str_eq(cfg->ports[2].netns, "snic-vm0");
	cr_assert_eq(cfg->ports[2].csum_offload, 1);
	cr_assert_str_eq(cfg->path, "t.yaml");
}

Test(config, minimal_file_is_the_profile_default)
{
	struct snic_rss_conf c, d;

	load_ok("profile: generic\n");
	cr_assert_eq(snic_nic_numvfs(cfg->nic), 0);
	rss_of(0, &c);
	snic_profile_rss_default(snic_profile_find("generic"), snic_nic_vport_queues(cfg->nic, 0),
				 &d);
	cr_assert_eq(memcmp(&c, &d, sizeof(c)), 0);
	cr_assert_null(cfg->plugin_path);
	cr_assert_null(cfg->balance_policy);
	cr_assert_eq(cfg->nports, 0);
	commit_ok();
}

Test(config, keys_apply_in_driver_order_whatever_the_file_order)
{
	/* vfs before numvfs, guest before the admin knobs, flows before contexts. */
	load_ok("flows: ['flow-type tcp4 context web']\n"
		"vfs:\n"
		"  vf0:\n"
		"    guest: {mac: 02:00:00:00:00:33}\n"
		"    trust: on\n"
		"    mac: 02:00:00:00:00:10\n"
		"contexts: [{name: web, equal: 2}]\n"
		"numvfs: 1\n"
		"profile: generic\n");
	cr_assert_eq(vf(0).mac[5], 0x33, "trusted: the guest may change the admin MAC");
	commit_ok();
}

Test(config, profile_override)
{
	const char *text = "profile: ixgbe-82599\nnumvfs: 2\n";

	cr_assert_eq(snic_config_parse(text, strlen(text), "t.yaml", "mlx5", &cfg, &err), 0, "%s",
		     err.msg);
	cr_assert_str_eq(snic_nic_profile(cfg->nic)->name, "mlx5");
	cr_assert_eq(snic_nic_numvfs(cfg->nic), 2);
	snic_config_free(cfg);
	cfg = NULL;
	text = "numvfs: 1\n";
	cr_assert_eq(snic_config_parse(text, strlen(text), "t.yaml", "generic", &cfg, &err), 0,
		     "the override stands for a missing profile: %s", err.msg);
	snic_config_free(cfg);
	cr_assert_lt(snic_config_parse(text, strlen(text), "t.yaml", "nope", &cfg, &err), 0);
	cr_assert_not_null(strstr(err.msg, "unknown profile 'nope'"), "%s", err.msg);
}

Test(config, per_pool_rss_and_growing_reta)
{
	struct snic_rss_conf c;

	load_ok("profile: ixgbe-x550\nnumvfs: 2\n"
		"rss:\n  vports:\n    vf0: {equal: 2}\n    vf1: {weight: [3, 1]}\n");
	rss_of(0, &c);
	cr_assert_eq(c.reta_size, 64);
	cr_assert_eq(c.reta[0], 0);
	cr_assert_eq(c.reta[1], 1);
	cr_assert_eq(c.reta[2], 0);
	cr_assert_eq(c.nqueues, 2);
	rss_of(1, &c);
	for (unsigned e = 0, zeros = 0; e <= c.reta_size; e++)
		if (e == c.reta_size)
			cr_assert_eq(zeros, 48, "weights 3:1");
		else
			zeros += !c.reta[e];
	load_ok("profile: mlx5\nrss: {equal: 200}\n");
	rss_of(0, &c);
	cr_assert_eq(c.reta_size, 1024, "mlx5's RQT grows with the channels");
	cr_assert_eq(c.reta[199], 199);
	load_ok("profile: generic\nrss: {equal: 2, start: 2, inner: on, teid: off}\n");
	rss_of(0, &c);
	cr_assert_eq(c.reta[0], 2);
	cr_assert_eq(c.reta[1], 3);
	cr_assert_eq(c.flags, SNIC_RSS_INNER);
	load_bad("profile: generic\nrss: {reta: [1, 0, 1, 0]}\n",
		 "t.yaml:2:14: rss: generic: RETA of 4 entries, the device takes 128");
}

Test(config, explicit_reta)
{
	char text[1024] = "profile: generic\nrss:\n  reta: [";
	struct snic_rss_conf c;

	for (int i = 0; i < 128; i++)
		strcat(text, i % 2 ? "0, " : "5, ");
	strcat(text, "]\n");
	load_ok(text);
	rss_of(0, &c);
	cr_assert_eq(c.reta_size, 128);
	cr_assert_eq(c.reta[0], 5);
	cr_assert_eq(c.reta[1], 0);
	cr_assert_eq(c.nqueues, 6);
}

Test(config, contexts_and_flows_that_name_them)
{
	struct snic_flow_info fi[4];

	load_ok("profile: mlx5\n"
		"contexts:\n"
		"  - {name: web, start: 4, equal: 4}\n"
		"  - {equal: 2}\n"
		"  - {name: dns, hfunc: xor, equal: 1}\n"
		"flows:\n"
		"  - flow-type tcp4 dst-port 80 context web\n"
		"  - flow-type udp4 dst-port 53 context dns\n"
		"  - flow-type udp4 dst-port 54 context 2\n");
	cr_assert_eq(cfg->nctx, 3);
	cr_assert_str_eq(cfg->ctx[0].name, "web");
	cr_assert_eq(cfg->ctx[0].id, 1);
	cr_assert_str_eq(cfg->ctx[1].name, "");
	cr_assert_eq(snic_config_ctx_id(cfg, "dns"), 3);
	cr_assert_eq(snic_config_ctx_id(cfg, "nope"), -ENOENT);
	cr_assert_eq(snic_flow_list(cfg->nic, fi, 4), 3);
	cr_assert_eq(fi[0].rule.action, SNIC_ACT_RSS);
	cr_assert_eq(fi[0].rule.rss_ctx, 1);
	cr_assert_eq(fi[1].rule.rss_ctx, 3);
	cr_assert_eq(fi[2].rule.rss_ctx, 2);
	commit_ok();
}

Test(config, anchors_and_aliases)
{
	load_ok("profile: generic\nnumvfs: 2\n"
		"vfs:\n  vf0: &tenant {spoofchk: off, trust: on}\n  vf1: *tenant\n"
		"pf: {vlans: &v [1, 2], multicast: []}\n");
	cr_assert(vf(1).trust);
	cr_assert_not(vf(1).spoofchk);
}

Test(config, plugin_by_bare_name)
{
	load_ok("profile: generic\nplugin: {path: gtpu_teid.so, args: 'queues=4'}\n");
	cr_assert_not_null(strstr(cfg->plugin_path, "/gtpu_teid.so"), "%s", cfg->plugin_path);
	cr_assert_str_eq(cfg->plugin_args, "queues=4");
	commit_ok();
	load_bad("profile: generic\nplugin:\n  path: gtpu_teid.so\n  args: 'queues=x'\n",
		 "t.yaml:3:9: plugin gtpu_teid: bad queue count 'x'");
	load_bad("profile: generic\nplugin: {path: ./nope.so}\n",
		 "t.yaml:2:16: plugin ./nope.so: No such file or directory");
	load_bad("profile: generic\nplugin: {args: x}\n", "plugin: path is missing");
}

Test(config, durations)
{
	static const struct {
		const char *text;
		unsigned long long ns;
	} ok[] = {{"1ns", 1}, {"20us", 20000}, {"100ms", 100000000}, {"3s", 3000000000ull}};
	char text[128];

	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		snprintf(text, sizeof(text), "profile: generic\nbalance: {period: %s}\n",
			 ok[i].text);
		load_ok(text);
		cr_assert_eq(cfg->balance_period_ns, ok[i].ns, "%s", ok[i].text);
		cr_assert_null(cfg->balance_policy);
	}
	load_ok("profile: generic\nbalance: {policy: static}\n");
	cr_assert_eq(cfg->balance_period_ns, 100000000ull, "the default period");
	load_bad("profile: generic\nbalance: {period: 100}\n", "period '100' is not a duration");
	load_bad("profile: generic\nbalance: {period: 0ms}\n", "is not a duration above 0");
	load_bad("profile: generic\nbalance: {period: ms}\n", "period 'ms'");
	load_bad("profile: generic\nbalance: {period: 99999999999999999999s}\n",
		 "is not a duration");
	load_bad("profile: generic\nbalance: {policy: fair}\n",
		 "t.yaml:2:19: balance: policy 'fair' is not one of static, rsspp, snic");
}

Test(config, balance_pins)
{
	load_ok("profile: generic\nbalance: {policy: snic}\n");
	cr_assert_eq(cfg->balance_pins, 0, "no pins by default");
	load_ok("profile: generic\nbalance: {policy: snic, pins: 16}\n");
	cr_assert_eq(cfg->balance_pins, 16);
	load_bad("profile: generic\nbalance: {pins: 1025}\n", "1025");
	load_bad("profile: generic\nbalance: {pins: many}\n", "many");
}

Test(config, vport_names)
{
	char buf[16];

	load_ok("profile: generic\nnumvfs: 3\n");
	cr_assert_eq(snic_config_vport(cfg->nic, "pf", &err), 3);
	cr_assert_eq(snic_config_vport(cfg->nic, "vf2", &err), 2);
	cr_assert_eq(snic_config_vport(cfg->nic, "vf3", &err), -EINVAL);
	cr_assert_not_null(strstr(err.msg, "vf 3 does not exist (VFs 0..2)"), "%s", err.msg);
	cr_assert_eq(snic_config_vport(cfg->nic, "vf01", &err), -EINVAL);
	cr_assert_eq(snic_config_vport(cfg->nic, "vf", &err), -EINVAL);
	cr_assert_eq(snic_config_vport(cfg->nic, "eth0", &err), -EINVAL);
	cr_assert_not_null(strstr(err.msg, "'eth0' is not a vport (pf, vf0"), "%s", err.msg);
	cr_assert_str_eq(snic_config_vport_name(cfg->nic, 3, buf, sizeof(buf)), "pf");
	cr_assert_str_eq(snic_config_vport_name(cfg->nic, 1, buf, sizeof(buf)), "vf1");
}

/* ---- what a bad file gets ---- */

Test(config, unknown_keys_name_the_known_ones)
{
	load_bad("profile: generic\nnumvfs: 1\nvfs:\n  vf0:\n    spoofchek: on\n",
		 "t.yaml:5:5: unknown key 'spoofchek' in vf0 (known: mac, vlan, qos, proto, "
		 "spoofchk,");
	load_bad("profile: generic\nvfz: 1\n", "t.yaml:2:1: unknown key 'vfz' (known: profile, ");
	load_bad("profile: generic\nrss: {equl: 2}\n", "unknown key 'equl' in rss (known: hfunc");
	load_bad("profile: generic\nnumvfs: 1\nvfs: {vf0: {guest: {trust: on}}}\n",
		 "unknown key 'trust' in vf0 guest (known: mac, multicast, vlans, macvlans, "
		 "rxmode)");
	load_bad("profile: generic\nrss: {vports: {vf0: {vports: {}}}}\n",
		 "vf 0: no VFs are enabled");
	load_bad("profile: generic\nports: {pf: {devargs: x, netnz: y}}\n",
		 "unknown key 'netnz' in ports pf");
	load_bad("profile: generic\ncontexts: [{nam: x}]\n", "unknown key 'nam' in contexts[0]");
}

Test(config, library_refusals_carry_the_position)
{
	load_bad("profile: generic\nnumvfs: 1\nvfs:\n  vf0:\n    vlan: 5000\n",
		 "t.yaml:5:11: vf 0: vlan 5000 is out of range 0..4095");
	load_bad("profile: generic\nnumvfs: 1\nvfs:\n  vf0:\n    qos: 3\n",
		 "t.yaml:5:10: vf 0: qos 3 needs a vlan id");
	load_bad("profile: ixgbe-82599\nnumvfs: 64\n",
		 "t.yaml:2:9: numvfs 64 is above the maximum 63 of ixgbe-82599");
	load_bad("profile: ixgbe-82599\nnumvfs: 1\nvfs: {vf0: {min_tx_rate: 10}}\n",
		 "ixgbe-82599 has no minimum rate");
	load_bad("profile: generic\nnumvfs: 1\nvfs: {vf0: {max_tx_rate: 100, min_tx_rate: 200}}\n",
		 "t.yaml:3:44: vf 0: min_tx_rate 200 is above max_tx_rate 100");
	load_bad("profile: generic\npf: {mac: 01:00:00:00:00:01}\n",
		 "t.yaml:2:11: pf mac 01:00:00:00:00:01 is not a unicast address");
	load_bad("profile: generic\nnumvfs: 2\nvfs: {vf2: {}}\n",
		 "t.yaml:3:7: vf 2 does not exist (VFs 0..1)");
}

Test(config, guest_mac_under_an_admin_mac)
{
	load_bad("profile: ixgbe-82599\n"
		 "numvfs: 1\n"
		 "vfs:\n"
		 "  vf0:\n"
		 "    mac: 02:00:00:00:00:10\n"
		 "    guest:\n"
		 "      mac: 02:00:00:00:00:99\n",
		 "t.yaml:7:12: vf 0: mac 02:00:00:00:00:99: the PF set the MAC and the VF is not "
		 "trusted");
}

Test(config, rss_refusals_point_at_the_key)
{
	load_bad("profile: ixgbe-82599\nrss:\n  equal: 4\n  hkey: 6d:5a\n", "t.yaml:4:9: rss: ");
	load_bad("profile: ixgbe-82599\nrss:\n  hfunc: xor\n  equal: 4\n",
		 "t.yaml:3:10: rss: ixgbe-82599: hash function xor not supported");
	load_bad("profile: ixgbe-82599\nrss:\n  hfunc: toeplitz\n  rx-flow-hash: {tcp4: sd}\n",
		 "t.yaml:4:18: rss: ixgbe-82599: tcp4 must hash on 'sdfn'");
	load_bad("profile: ixgbe-82599\nnumvfs: 2\nrss:\n  hfunc: toeplitz\n  equal: 8\n",
		 "t.yaml:5:10: rss: vport 2: RSS over 8 queues, the pool has 4");
	load_bad("profile: ixgbe-82599\nnumvfs: 2\nrss: {vports: {vf0: {equal: 2}}}\n",
		 "rss vf0: vport 0: ixgbe-82599 shares one RSS key and RETA");
	load_bad("profile: ixgbe-82599\nrss: {hfunc: md5}\n", "t.yaml:2:14: rss: ");
	load_bad("profile: ixgbe-82599\nrss: {rx-flow-hash: {tcp9: sd}}\n", "t.yaml:2:22: rss: ");
	load_bad("profile: ixgbe-82599\nrss: {rx-flow-hash: {tcp4: sdq}}\n", "t.yaml:2:28: rss: ");
	load_bad("profile: generic\nrss: {equal: 2, weight: [1]}\n",
		 "t.yaml:2:26: rss: equal and weight exclude each other");
	load_bad("profile: generic\nrss: {start: 2}\n", "start goes with equal or weight");
	load_bad("profile: generic\nrss: {equal: 0}\n", "equal 0");
	load_bad("profile: generic\nrss: {weight: []}\n", "weight: an empty list");
	load_bad("profile: generic\nrss: {weight: [0, 0]}\n", "t.yaml:2:16: rss: ");
	load_bad("profile: generic\nrss: {hkey: 6d5a5}\n", "hkey '6d5a5' is not hex bytes");
	load_bad("profile: generic\nrss: {equal: 1, start: 65535}\n", "start 65535");
	load_bad("profile: ixgbe-82599\ncontexts: [{equal: 2}]\n",
		 "contexts[0]: ixgbe-82599 has no extra RSS contexts");
}

Test(config, contexts_and_flows_refused)
{
	load_bad("profile: generic\ncontexts: [{name: a}, {name: a}]\n",
		 "t.yaml:2:30: contexts[1]: context 'a' is defined twice");
	load_bad("profile: generic\ncontexts: [{name: 9x}]\n", "name '9x'");
	load_bad("profile: generic\ncontexts: [{vport: vf0}]\n", "vf 0: no VFs are enabled");
	load_bad("profile: generic\nflows: ['flow-type tcp4 context web']\n",
		 "t.yaml:2:10: flows[0]: context 'web' is not defined (contexts: none)");
	load_bad("profile: generic\nflows:\n  - flow-type tcp4 dst-prot 80\n",
		 "t.yaml:3:5: flows[0]: unknown word 'dst-prot'");
	load_bad("profile: generic\nflows: ['flow-type tcp4 action 999']\n",
		 "flows[0]: flow: queue 999");
	load_bad("profile: generic\nflows: [{flow-type: tcp4}]\n",
		 "flows[0]: flows: expected a rule (flow-type ...), got a mapping");
}

Test(config, wrong_types_and_values)
{
	load_bad("profile: generic\npf:\n  mtu: [1500]\n",
		 "t.yaml:3:9: pf: mtu: expected a number, got a list");
	load_bad("profile: generic\npf: {mtu: 60}\n", "pf: mtu 60 is out of range 68..9710");
	load_bad("profile: generic\npf: {mtu: x1}\n", "pf: mtu 'x1' is not a number");
	load_bad("profile: generic\npf: {mtu: 99999}\n", "pf: mtu 99999 is out of range 0..65535");
	load_bad("profile: generic\npf: {link: sideways}\n",
		 "t.yaml:2:12: pf: link 'sideways' is not one of up, down");
	load_bad("profile: generic\npf: {rxmode: all}\n",
		 "rxmode 'all' is not one of none, multi, allmulti, promisc");
	load_bad("profile: generic\npf: {mac: 02:00:00:00:00}\n",
		 "pf: mac '02:00:00:00:00' is not a MAC address");
	load_bad("profile: generic\npf: {multicast: 01:00:5e:00:00:01}\n",
		 "pf: multicast: expected a list of MAC addresses, got '01:00:5e:00:00:01'");
	load_bad("profile: generic\npf: {vlans: [1, [2]]}\n",
		 "pf: vlans: expected a number, got a list");
	load_bad("profile: generic\npf: {vlans: [4096]}\n", "pf: vlan 4096 is out of range");
	load_bad("profile: generic\nnumvfs: 1\nvfs: {vf0: {spoofchk: maybe}}\n",
		 "vf0: spoofchk 'maybe' is not on or off");
	load_bad("profile: generic\nnumvfs: 1\nvfs: {vf0: {proto: 802.1x}}\n",
		 "vf0: proto '802.1x' is not one of 802.1Q, 802.1ad");
	load_bad("profile: generic\nnumvfs: 1\nvfs: {vf0: {state: on}}\n",
		 "state 'on' is not one of auto, enable, disable");
	load_bad("profile: generic\nnumvfs: 1\nvfs: {vf0: {mac: }}\n",
		 "vf0: mac: expected a MAC address, got nothing");
	load_bad("profile: generic\nnumvfs: 1\nvfs: {vf00: {}}\n", "'vf00' is not a VF name");
	load_bad("profile: generic\nnumvfs: 1\nvfs: [vf0]\n",
		 "vfs: expected a mapping of VFs (vf0: ...), got a list");
	load_bad("profile: generic\nnumvfs: -1\n", "numvfs '-1' is not a number");
	load_bad("profile: generic\nnumvfs: \"1\\u00002\"\n", "numvfs: a NUL byte");
	load_bad("profile: [generic]\n", "profile: expected a profile name, got a list");
	load_bad("profile: genric\n", "t.yaml:1:10: unknown profile 'genric' (known: generic, ");
	load_bad("numvfs: 2\n", "t.yaml:1:1: profile is missing");
	load_bad("profile: generic\npf: {macvlans: ['02:00\n  :00']}\n",
		 "pf: macvlans '02:00 :00' is not a MAC");
	load_bad("profile: generic\npf: {mtu: \"1\\t2\"}\n", "pf: mtu '1?2' is not a number");
	load_bad("profile: generic\n[a]: 1\n", "a key must be a plain word");
	load_bad("profile: generic\nnumvfs: *x\n", "alias");
}

Test(config, ports_refused)
{
	load_bad("profile: generic\nports: {eth0: {devargs: x}}\n",
		 "t.yaml:2:9: 'eth0' is not a port (uplink, pf, vf0, vf1, ...)");
	load_bad("profile: generic\nports: {vf0: {devargs: x}}\n", "vf 0: no VFs are enabled");
	load_bad("profile: generic\nports: {pf: {netns: a}}\n",
		 "t.yaml:2:9: ports pf: devargs is missing");
	load_bad("profile: generic\nports: {pf: {devargs: ''}}\n", "devargs: empty string");
	load_bad("profile: generic\nnumvfs: 4\nports: {vf0: {devargs: x, queues: 9}}\n",
		 "ports vf0: queues 9 is out of range 1..8");
	load_bad("profile: generic\nports: {uplink: {devargs: x, queues: 0}}\n",
		 "queues 0 is out of range 1..1024 (uplink)");
}

Test(config, not_a_config)
{
	load_bad("", "t.yaml: empty");
	load_bad("# only a comment\n", "t.yaml: empty");
	load_bad("hello world\n", "t.yaml:1:1: expected a mapping of keys (profile: ...)");
	load_bad("- profile: generic\n", "t.yaml:1:3: expected a mapping of keys");
	load_bad("profile: generic\nprofile: mlx5\n", "t.yaml:2:1: not valid YAML: duplicate key");
	load_bad("profile: [generic\n", "t.yaml:");
	load_bad("profile: generic\n---\nprofile: mlx5\n", "t.yaml:3:1: a second YAML document");
	/* libfyaml 0.7 loops forever on this one: it must not get there. */
	load_bad("%\x80", "t.yaml:1:2: not valid UTF-8 (byte 0x80)");
	load_bad("profile: generic\npf: {mac: \xed\xa0\x80}\n", "t.yaml:2:11: not valid UTF-8");
	/* libfyaml 0.7 crashes freeing its parser after this one. */
	load_bad("? ? TTTTTTTTTTTTTT? $? 2:\t?",
		 "t.yaml:1:1: explicit keys ('? ') are not supported");
	load_bad("profile: generic\npf:\n  ? mac\n  : 02:00:00:00:00:01\n",
		 "t.yaml:3:3: explicit keys");
	load_bad("profile: generic\npf: {? mac: 02:00:00:00:00:01}\n", "t.yaml:2:6: explicit keys");
	load_ok("\xef\xbb\xbfprofile: generic # caf\xc3\xa9\n");
}

Test(config, files)
{
	char path[] = "/tmp/snic-config-XXXXXX";
	int fd = mkstemp(path);

	cr_assert_geq(fd, 0);
	cr_assert_eq(write(fd, "profile: ena\n", 13), 13);
	close(fd);
	cr_assert_eq(snic_config_load(path, NULL, &cfg, &err), 0, "%s", err.msg);
	cr_assert_str_eq(cfg->path, path);
	cr_assert_str_eq(snic_nic_profile(cfg->nic)->name, "ena");
	unlink(path);
	snic_config_free(cfg);
	cr_assert_eq(snic_config_load(path, NULL, &cfg, &err), -ENOENT);
	cr_assert_null(cfg);
	cr_assert_str_eq(err.msg + strlen(path), ": No such file or directory");
	cr_assert_eq(snic_config_load("/", NULL, &cfg, &err), -EISDIR, "%s", err.msg);
}

/* Every example loads and commits, with the plugins of this build. */
Test(config, every_example_loads_and_commits)
{
	const char *data = getenv("SNIC_TESTDATA");
	char dir[4096], path[4400];
	unsigned n = 0;
	struct dirent *d;
	DIR *dh;

	cr_assert_not_null(data, "SNIC_TESTDATA is not set");
	snprintf(dir, sizeof(dir), "%s/../../examples", data);
	dh = opendir(dir);
	cr_assert_not_null(dh, "%s: %s", dir, strerror(errno));
	while ((d = readdir(dh))) {
		size_t len = strlen(d->d_name);

		if (len < 6 || strcmp(d->d_name + len - 5, ".yaml"))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, d->d_name);
		cr_assert_eq(snic_config_load(path, NULL, &cfg, &err), 0, "%s", err.msg);
		commit_ok();
		snic_config_free(cfg);
		cfg = NULL;
		n++;
	}
	closedir(dh);
	cr_assert_geq(n, 9, "only %u examples", n);
}

/* ---- snic check ---- */

/* Run `$SNIC_BIN ARGS` through the shell; stdout and stderr into @out. */
static int run_snic(const char *args, char *out, size_t size)
{
	const char *bin = getenv("SNIC_BIN");
	char cmd[4096];
	size_t n;
	FILE *p;
	int st;

	cr_assert_not_null(bin, "SNIC_BIN is not set");
	snprintf(cmd, sizeof(cmd), "'%s' %s 2>&1", bin, args);
	p = popen(cmd, "r");
	cr_assert_not_null(p);
	n = fread(out, 1, size - 1, p);
	out[n] = '\0';
	st = pclose(p);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128;
}

Test(config, snic_check)
{
	char path[] = "/tmp/snic-check-XXXXXX", args[256], out[4096];
	const char *data = getenv("SNIC_TESTDATA");
	int fd = mkstemp(path);
	FILE *f = fdopen(fd, "w");

	cr_assert_not_null(f);
	fputs("profile: ixgbe-82599\nnumvfs: 2\nvfs:\n  vf0:\n    vlan: 5000\n", f);
	fclose(f);
	snprintf(args, sizeof(args), "check -c %s", path);
	cr_assert_eq(run_snic(args, out, sizeof(out)), 2, "%s", out);
	snprintf(args, sizeof(args) - 1,
		 "snic check: %s:5:11: vf 0: vlan 5000 is out of range 0..4095\n", path);
	cr_assert_str_eq(out, args);
	snprintf(args, sizeof(args), "-j check %s", path);
	cr_assert_eq(run_snic(args, out, sizeof(out)), 2, "%s", out);
	cr_assert_not_null(strstr(out, "\"ok\":false,\"error\":\""), "%s", out);
	unlink(path);
	cr_assert_not_null(data);
	snprintf(args, sizeof(args), "check -c %s/../../examples/ixgbe-2vm.yaml", data);
	cr_assert_eq(run_snic(args, out, sizeof(out)), 0, "%s", out);
	cr_assert_not_null(strstr(out, "ixgbe-2vm.yaml: ok: ixgbe-82599, 2 VFs, 0 flow rules\n"),
			   "%s", out);
	snprintf(args, sizeof(args), "-j check %s/../../examples/mlx5.yaml", data);
	cr_assert_eq(run_snic(args, out, sizeof(out)), 0, "%s", out);
	cr_assert_not_null(strstr(out,
				  "\"ok\":true,\"profile\":\"mlx5\",\"vfs\":2,\"flow_rules\":5,"
				  "\"contexts\":2,\"ports\":0}"),
			   "%s", out);
	cr_assert_eq(run_snic("check", out, sizeof(out)), 2);
	cr_assert_not_null(strstr(out, "missing the config"), "%s", out);
	cr_assert_eq(run_snic("check -c /nonexistent.yaml", out, sizeof(out)), 2);
	cr_assert_str_eq(out, "snic check: /nonexistent.yaml: No such file or directory\n");
}
