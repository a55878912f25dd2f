/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The steering hook through the real NIC: the example plugins built in
 * plugins/ (gtpu_teid.so, heavy_flows.so) loaded with snic_nic_set_plugin,
 * frames crafted and received with snic_rx, queues and counters checked;
 * and what loading must refuse: another ABI (bad_abi.so), a missing file,
 * bad arguments.
 *
 * The NIC is an 82599 with two VFs (4 queues per pool); VF 0 owns
 * 02:00:00:00:00:10, VF 1 02:00:00:00:00:11. SNIC_PLUGIN_DIR names the
 * build's plugins directory.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "snic/craft.h"
#include "snic/ctr.h"
#include "snic/dp.h"
#include "snic/nic.h"
#include "snic/plugin.h"
#include "snic/profile.h"

#define NQ 4 /* queues of every pool with 2 VFs on 82599 */

static const uint8_t pf_mac[6] = {0x02, 0, 0, 0, 0, 0x01};
static const uint8_t vf0_mac[6] = {0x02, 0, 0, 0, 0, 0x10};
static const uint8_t vf1_mac[6] = {0x02, 0, 0, 0, 0, 0x11};
static const uint8_t bcast[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};

static struct snic_nic *nic;
static struct snic_ctr *ctr;

static void setup(void)
{
	const struct snic_profile *p = snic_profile_find("ixgbe-82599");
	struct snic_err err = {0};

	cr_assert_not_null(p);
	cr_assert_eq(snic_nic_new(p, pf_mac, &nic, &err), 0, "%s", err.msg);
	cr_assert_eq(snic_nic_set_numvfs(nic, 2, &err), 0, "%s", err.msg);
	cr_assert_eq(snic_vf_set_mac(nic, 0, vf0_mac, &err), 0, "%s", err.msg);
	cr_assert_eq(snic_vf_set_mac(nic, 1, vf1_mac, &err), 0, "%s", err.msg);
	cr_assert_eq(snic_nic_vport_queues(nic, 0), NQ);
	cr_assert_eq(snic_ctr_new(p, &ctr, &err), 0, "%s", err.msg);
}

static void teardown(void)
{
	snic_ctr_free(ctr);
	snic_nic_free(nic);
}

TestSuite(plugin, .init = setup, .fini = teardown);

static const char *plugin_path(const char *name)
{
	static char path[4096];
	const char *dir = getenv("SNIC_PLUGIN_DIR");

	cr_assert_not_null(dir, "SNIC_PLUGIN_DIR is not set");
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	return path;
}

static void load(const char *name, const char *args)
{
	struct snic_err err = {0};

	cr_assert_eq(snic_nic_set_plugin(nic, plugin_path(name), args, &err), 0,
		     "loading %s with '%s': %s", name, args, err.msg);
}

static struct snic_cfg *commit(void)
{
	struct snic_cfg *cfg = NULL;
	struct snic_err err = {0};

	cr_assert_eq(snic_nic_commit(nic, &cfg, &err), 0, "%s", err.msg);
	return cfg;
}

/* Frames ------------------------------------------------------------------- */

struct frame {
	uint8_t b[512];
	uint32_t len;
};

static void ip4(uint8_t *dst, unsigned a, unsigned b, unsigned c, unsigned d)
{
	dst[0] = (uint8_t)a;
	dst[1] = (uint8_t)b;
	dst[2] = (uint8_t)c;
	dst[3] = (uint8_t)d;
}

static void craft(const struct snic_craft *c, struct frame *f)
{
	int n = snic_craft_frame(c, f->b, sizeof(f->b));

	cr_assert_gt(n, 0, "craft: %d", n);
	f->len = (uint32_t)n;
}

/* GTP-U to @dmac carrying an IPv4/UDP packet, with TEID @teid. */
static struct frame gtpu(const uint8_t dmac[6], uint32_t teid)
{
	struct snic_craft c;
	struct frame f;

	memset(&c, 0, sizeof(c));
	memcpy(c.outer.dmac, dmac, 6);
	memcpy(c.outer.smac, pf_mac, 6);
	c.outer.ip_ver = 4;
	ip4(c.outer.ip_src, 192, 0, 2, 1);
	ip4(c.outer.ip_dst, 192, 0, 2, 2);
	c.outer.l4_proto = 17;
	c.outer.sport = 2152;
	c.tunnel = SNIC_TUN_GTPU;
	c.tun_id = teid;
	c.inner.ip_ver = 4;
	ip4(c.inner.ip_src, 10, 9, 0, 1);
	ip4(c.inner.ip_dst, 10, 9, 0, 2);
	c.inner.l4_proto = 17;
	c.inner.sport = 1000;
	c.inner.dport = 2000;
	c.inner.payload_len = 32;
	craft(&c, &f);
	return f;
}

/* A plain IPv4 frame to @dmac: @proto 6 or 17, with its 4-tuple. */
static struct frame flow4(const uint8_t dmac[6], unsigned proto, const uint8_t src[4],
			  unsigned sport, const uint8_t dst[4], unsigned dport)
{
	struct snic_craft c;
	struct frame f;

	memset(&c, 0, sizeof(c));
	memcpy(c.outer.dmac, dmac, 6);
	memcpy(c.outer.smac, pf_mac, 6);
	c.outer.ip_ver = 4;
	memcpy(c.outer.ip_src, src, 4);
	memcpy(c.outer.ip_dst, dst, 4);
	c.outer.l4_proto = (uint8_t)proto;
	c.outer.sport = (uint16_t)sport;
	c.outer.dport = (uint16_t)dport;
	c.outer.payload_len = 40;
	craft(&c, &f);
	return f;
}

/* The same 4-tuple carried inside VXLAN to @dmac. */
static struct frame vxlan4(const uint8_t dmac[6], unsigned proto, const uint8_t src[4],
			   unsigned sport, const uint8_t dst[4], unsigned dport)
{
	struct snic_craft c;
	struct frame f;

	memset(&c, 0, sizeof(c));
	memcpy(c.outer.dmac, dmac, 6);
	memcpy(c.outer.smac, pf_mac, 6);
	c.outer.ip_ver = 4;
	ip4(c.outer.ip_src, 192, 0, 2, 7);
	ip4(c.outer.ip_dst, 192, 0, 2, 8);
	c.outer.l4_proto = 17;
	c.outer.sport = 49152;
	c.tunnel = SNIC_TUN_VXLAN;
	c.tun_id = 42;
	memcpy(c.inner.dmac, vf1_mac, 6);
	memcpy(c.inner.smac, pf_mac, 6);
	c.inner.ip_ver = 4;
	memcpy(c.inner.ip_src, src, 4);
	memcpy(c.inner.ip_dst, dst, 4);
	c.inner.l4_proto = (uint8_t)proto;
	c.inner.sport = (uint16_t)sport;
	c.inner.dport = (uint16_t)dport;
	c.inner.payload_len = 16;
	craft(&c, &f);
	return f;
}

/* Receive one frame; its destinations go to @d, their count is returned. */
static unsigned rx(const struct snic_cfg *cfg, const struct frame *f, struct snic_dest *d,
		   unsigned cap)
{
	struct snic_frame fr = {f->b, f->len};

	return snic_rx(cfg, ctr, &fr, 1, d, cap);
}

/* The one destination a unicast frame gets. */
static struct snic_dest rx1(const struct snic_cfg *cfg, const struct frame *f)
{
	struct snic_dest d[8];

	cr_assert_eq(rx(cfg, f, d, 8), 1);
	return d[0];
}

/* The queue RSS alone gives @f: the same frame under @plain, a snapshot
 * without the plugin. */
static unsigned rss_queue(const struct snic_cfg *plain, const struct frame *f)
{
	struct snic_dest d = rx1(plain, f);

	cr_assert_eq(d.flags & SNIC_DEST_STEERED, 0);
	return d.queue;
}

static void expect_steered(const struct snic_dest *d, unsigned vport, unsigned queue)
{
	cr_expect_eq(d->vport, vport);
	cr_expect_eq(d->queue, queue, "steered to queue %u, expected %u", d->queue, queue);
	cr_expect(d->flags & SNIC_DEST_STEERED, "flags 0x%x lack STEERED", d->flags);
}

/* gtpu_teid ---------------------------------------------------------------- */

Test(plugin, gtpu_teid_map_then_modulo)
{
	struct snic_cfg *cfg;
	struct snic_dest d;
	struct frame f;

	load("gtpu_teid.so", "0x100=1,0x200=2");
	cfg = commit();
	f = gtpu(vf0_mac, 0x100);
	d = rx1(cfg, &f);
	expect_steered(&d, 0, 1);
	f = gtpu(vf0_mac, 0x200);
	d = rx1(cfg, &f);
	expect_steered(&d, 0, 2);
	/* unmapped: TEID % the pool's 4 queues */
	f = gtpu(vf0_mac, 7);
	d = rx1(cfg, &f);
	expect_steered(&d, 0, 3);
	f = gtpu(vf0_mac, 0x10);
	d = rx1(cfg, &f);
	expect_steered(&d, 0, 0);
	cr_expect_eq(ctr->vport[0].steer_hits, 4);
	cr_expect_eq(ctr->vport[0].steer_bad_queue, 0);
	cr_expect_eq(snic_ctr_queue(ctr, 0, 1)->frames, 1);
	cr_expect_eq(snic_ctr_queue(ctr, 0, 2)->frames, 1);
	snic_cfg_free(cfg);
}

Test(plugin, gtpu_teid_queues_argument)
{
	struct snic_cfg *cfg;
	struct snic_dest d;
	struct frame f;

	load("gtpu_teid.so", "queues=2");
	cfg = commit();
	for (uint32_t teid = 0x1000; teid < 0x1008; teid++) {
		f = gtpu(vf1_mac, teid);
		d = rx1(cfg, &f);
		expect_steered(&d, 1, teid % 2);
	}
	cr_expect_eq(ctr->vport[1].steer_hits, 8);
	snic_cfg_free(cfg);
}

Test(plugin, gtpu_teid_passes_other_frames)
{
	static const uint8_t a[4] = {10, 0, 0, 1}, b[4] = {10, 0, 0, 2};
	struct snic_cfg *plain = commit(), *cfg;
	struct frame f = flow4(vf0_mac, 17, a, 5000, b, 6000);
	unsigned q = rss_queue(plain, &f);
	struct snic_dest d;

	load("gtpu_teid.so", "queues=4");
	cfg = commit();
	d = rx1(cfg, &f);
	cr_expect_eq(d.queue, q);
	cr_expect_eq(d.flags & SNIC_DEST_STEERED, 0);
	cr_expect_eq(ctr->vport[0].steer_hits, 0);
	cr_expect_eq(ctr->vport[0].steer_bad_queue, 0);
	snic_cfg_free(cfg);
	snic_cfg_free(plain);
}

Test(plugin, gtpu_teid_unmapped_pass)
{
	struct snic_cfg *plain = commit(), *cfg;
	struct frame mapped = gtpu(vf0_mac, 0x300), other = gtpu(vf0_mac, 0x301);
	unsigned q = rss_queue(plain, &other);
	struct snic_dest d;

	load("gtpu_teid.so", "0x300=3,unmapped=pass");
	cfg = commit();
	d = rx1(cfg, &mapped);
	expect_steered(&d, 0, 3);
	d = rx1(cfg, &other);
	cr_expect_eq(d.queue, q);
	cr_expect_eq(d.flags & SNIC_DEST_STEERED, 0);
	cr_expect_eq(ctr->vport[0].steer_hits, 1);
	snic_cfg_free(cfg);
	snic_cfg_free(plain);
}

/* A queue the pool lacks is counted and RSS decides. */
Test(plugin, bad_queue_counted_and_ignored)
{
	struct snic_cfg *plain = commit(), *cfg;
	struct frame f = gtpu(vf0_mac, 0x100);
	unsigned q = rss_queue(plain, &f);
	struct snic_dest d;

	snic_ctr_reset(ctr);
	load("gtpu_teid.so", "0x100=9");
	cfg = commit();
	d = rx1(cfg, &f);
	cr_expect_eq(d.vport, 0);
	cr_expect_eq(d.queue, q, "queue %u, RSS gives %u", d.queue, q);
	cr_expect_eq(d.flags & SNIC_DEST_STEERED, 0);
	cr_expect_eq(ctr->vport[0].steer_bad_queue, 1);
	cr_expect_eq(ctr->vport[0].steer_hits, 0);
	cr_expect_eq(ctr->rx.delivered, 1);
	cr_expect_eq(snic_ctr_queue(ctr, 0, q)->frames, 1);
	snic_cfg_free(cfg);
	snic_cfg_free(plain);
}

/* Every pool that takes a broadcast copy asks the plugin for itself. */
Test(plugin, broadcast_steered_per_pool)
{
	struct snic_dest d[8];
	struct snic_cfg *cfg;
	struct frame f = gtpu(bcast, 0x206);
	unsigned n;

	load("gtpu_teid.so", "");
	cfg = commit();
	n = rx(cfg, &f, d, 8);
	cr_assert_eq(n, 3, "broadcast reached %u pools", n);
	for (unsigned i = 0; i < n; i++) {
		expect_steered(&d[i], i, 0x206 % NQ);
		cr_expect_eq(ctr->vport[i].steer_hits, 1, "vport %u", i);
	}
	snic_cfg_free(cfg);
}

/* heavy_flows -------------------------------------------------------------- */

Test(plugin, heavy_flows_pins_listed_flows)
{
	static const uint8_t a[4] = {10, 0, 0, 1}, b[4] = {10, 0, 0, 2};
	static const uint8_t c[4] = {10, 0, 0, 3}, e[4] = {10, 0, 0, 4};
	struct snic_cfg *plain = commit(), *cfg;
	struct frame tcp = flow4(vf0_mac, 6, a, 1234, b, 80);
	struct frame reply = flow4(vf0_mac, 6, b, 80, a, 1234);
	struct frame udp = flow4(vf0_mac, 17, c, 53, e, 5353);
	struct frame other = flow4(vf0_mac, 6, a, 1235, b, 80);
	struct frame as_udp = flow4(vf0_mac, 17, a, 1234, b, 80);
	unsigned q_reply = rss_queue(plain, &reply), q_other = rss_queue(plain, &other);
	unsigned q_as_udp = rss_queue(plain, &as_udp);
	struct snic_dest d;

	load("heavy_flows.so",
	     "tcp4 10.0.0.1:1234 10.0.0.2:80 queue 3; udp4 10.0.0.3:53 10.0.0.4:5353 queue 2");
	cfg = commit();
	d = rx1(cfg, &tcp);
	expect_steered(&d, 0, 3);
	d = rx1(cfg, &udp);
	expect_steered(&d, 0, 2);
	/* the reply direction, another port, another protocol: RSS */
	d = rx1(cfg, &reply);
	cr_expect_eq(d.queue, q_reply);
	cr_expect_eq(d.flags & SNIC_DEST_STEERED, 0);
	d = rx1(cfg, &other);
	cr_expect_eq(d.queue, q_other);
	cr_expect_eq(d.flags & SNIC_DEST_STEERED, 0);
	d = rx1(cfg, &as_udp);
	cr_expect_eq(d.queue, q_as_udp);
	cr_expect_eq(d.flags & SNIC_DEST_STEERED, 0);
	cr_expect_eq(ctr->vport[0].steer_hits, 2);
	snic_cfg_free(cfg);
	snic_cfg_free(plain);
}

Test(plugin, heavy_flows_inner_headers)
{
	static const uint8_t a[4] = {10, 1, 0, 1}, b[4] = {10, 1, 0, 2};
	struct snic_cfg *plain = commit(), *cfg;
	struct frame tunneled = vxlan4(vf1_mac, 6, a, 40000, b, 443);
	struct frame bare = flow4(vf1_mac, 6, a, 40000, b, 443);
	unsigned q_bare = rss_queue(plain, &bare);
	struct snic_dest d;

	load("heavy_flows.so", "inner tcp4 10.1.0.1:40000 10.1.0.2:443 queue 1");
	cfg = commit();
	d = rx1(cfg, &tunneled);
	expect_steered(&d, 1, 1);
	/* an "inner" flow does not match the same flow untunneled */
	d = rx1(cfg, &bare);
	cr_expect_eq(d.queue, q_bare);
	cr_expect_eq(d.flags & SNIC_DEST_STEERED, 0);
	snic_cfg_free(cfg);
	snic_cfg_free(plain);
}

Test(plugin, heavy_flows_ipv6)
{
	struct snic_craft c;
	struct snic_cfg *cfg;
	struct snic_dest d;
	struct frame f;

	memset(&c, 0, sizeof(c));
	memcpy(c.outer.dmac, vf0_mac, 6);
	memcpy(c.outer.smac, pf_mac, 6);
	c.outer.ip_ver = 6;
	c.outer.ip_src[0] = 0xfd;
	c.outer.ip_src[15] = 1;
	c.outer.ip_dst[0] = 0xfd;
	c.outer.ip_dst[15] = 2;
	c.outer.l4_proto = 17;
	c.outer.sport = 53;
	c.outer.dport = 5353;
	craft(&c, &f);
	load("heavy_flows.so", "udp6 [fd00::1]:53 [fd00::2]:5353 queue 2");
	cfg = commit();
	d = rx1(cfg, &f);
	expect_steered(&d, 0, 2);
	snic_cfg_free(cfg);
}

/* Loading and unloading ----------------------------------------------------- */

/* A snapshot keeps the plugin it was committed with. */
Test(plugin, snapshot_outlives_removal_and_nic)
{
	struct snic_cfg *cfg, *after;
	struct frame f = gtpu(vf0_mac, 0x100);
	struct snic_dest d;
	struct snic_err err = {0};

	load("gtpu_teid.so", "0x100=2");
	cfg = commit();
	cr_expect(snic_cfg_has_hook(cfg), "a snapshot with a plugin says it has no hook");
	cr_assert_eq(snic_nic_set_plugin(nic, NULL, NULL, &err), 0, "%s", err.msg);
	after = commit();
	cr_expect(!snic_cfg_has_hook(after), "a snapshot without a plugin says it has a hook");
	d = rx1(after, &f);
	cr_expect_eq(d.flags & SNIC_DEST_STEERED, 0, "removed plugin still steers");
	snic_cfg_free(after);
	snic_nic_free(nic);
	nic = NULL;
	d = rx1(cfg, &f);
	expect_steered(&d, 0, 2);
	snic_cfg_free(cfg);
}

Test(plugin, abi_mismatch_refused)
{
	struct snic_err err = {0};
	struct snic_cfg *cfg;
	struct frame f = gtpu(vf0_mac, 0x100);
	struct snic_dest d;
	int rc;

	load("gtpu_teid.so", "0x100=1");
	rc = snic_nic_set_plugin(nic, plugin_path("bad_abi.so"), NULL, &err);
	cr_assert_lt(rc, 0, "a plugin of ABI %u was loaded", SNIC_PLUGIN_ABI + 1);
	cr_expect_eq(err.code, rc);
	cr_expect(strstr(err.msg, "bad_abi.so"), "message does not name the file: %s", err.msg);
	cr_expect(strstr(err.msg, "abi"), "message does not say abi: %s", err.msg);
	/* the plugin loaded before stays */
	cfg = commit();
	d = rx1(cfg, &f);
	expect_steered(&d, 0, 1);
	snic_cfg_free(cfg);
}

Test(plugin, missing_file_refused)
{
	const char *path = "/nonexistent/snic-plugins/nothing-here.so";
	struct snic_err err = {0};
	int rc = snic_nic_set_plugin(nic, path, NULL, &err);

	cr_assert_lt(rc, 0);
	cr_expect_eq(rc, -ENOENT, "rc %d", rc);
	cr_expect(strstr(err.msg, path), "message does not name the path: %s", err.msg);
}

static void expect_bad_args(const char *plugin, const char *args, const char *bad)
{
	struct snic_err err = {0};
	int rc = snic_nic_set_plugin(nic, plugin_path(plugin), args, &err);

	cr_expect_eq(rc, -EINVAL, "%s with '%s': rc %d", plugin, args, rc);
	cr_expect(strstr(err.msg, bad), "%s with '%s': message does not name '%s': %s", plugin,
		  args, bad, err.msg);
}

Test(plugin, bad_arguments_refused)
{
	expect_bad_args("gtpu_teid.so", "queues=0", "'0'");
	expect_bad_args("gtpu_teid.so", "0x100=x", "'x'");
	expect_bad_args("gtpu_teid.so", "0x1g=1", "0x1g");
	expect_bad_args("gtpu_teid.so", "0x100=1,0x100=2", "0x100");
	expect_bad_args("gtpu_teid.so", "unmapped=drop", "drop");
	expect_bad_args("gtpu_teid.so", "lanes=4", "lanes=4");
	expect_bad_args("heavy_flows.so", "", "no flows");
	expect_bad_args("heavy_flows.so", "tcp5 10.0.0.1:1 10.0.0.2:2 queue 1", "tcp5");
	expect_bad_args("heavy_flows.so", "tcp4 10.0.0.300:1 10.0.0.2:2 queue 1", "10.0.0.300:1");
	expect_bad_args("heavy_flows.so", "udp4 10.0.0.1:1 10.0.0.2:70000 queue 1",
			"10.0.0.2:70000");
	expect_bad_args("heavy_flows.so", "tcp4 10.0.0.1:1 10.0.0.2:2 queue q", "'q'");
	expect_bad_args("heavy_flows.so", "tcp6 fd00::1:1 [fd00::2]:2 queue 1", "fd00::1:1");
}

/* Refused arguments leave the NIC without a plugin if it had none. */
Test(plugin, refused_load_changes_nothing)
{
	struct snic_cfg *cfg;
	struct frame f = gtpu(vf0_mac, 0x100);
	struct snic_dest d;

	cr_assert_lt(snic_nic_set_plugin(nic, plugin_path("gtpu_teid.so"), "queues=0", NULL), 0);
	cfg = commit();
	d = rx1(cfg, &f);
	cr_expect_eq(d.flags & SNIC_DEST_STEERED, 0);
	cr_expect_eq(ctr->vport[0].steer_hits, 0);
	snic_cfg_free(cfg);
}
