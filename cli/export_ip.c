/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * snic export, the ip format: the PF's own address, MTU and link, the VF
 * count through sysfs, and each VF's knobs as `ip link set DEV vf N ...`
 * (iproute2 6.1).
 *
 * The PF's receive mode is its interface's promisc/allmulticast/multicast
 * flags; the groups it joins are `ip maddr`, its extra unicast MACs
 * `bridge fdb ... self`, its VLAN filter the VLAN interfaces on it.
 *
 * A VF line names its MAC (when the PF set one), port VLAN, spoofchk and
 * trust always, and state, rates and query_rss when they differ from what
 * a new VF has: the drivers that lack those knobs refuse even their
 * defaults. What a VF's own driver asked for (its MAC, VLAN filters,
 * multicast groups, receive mode) is set inside its guest, not by the PF:
 * a comment says what it was.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "words.h"
#include "export.h"

/* The flags a receive mode is, as ip link says them; multi is the
 * default of an interface. */
static const char *const rxmode_flags[] = {
	[SNIC_RXMODE_NONE] = " multicast off",
	[SNIC_RXMODE_MULTI] = "",
	[SNIC_RXMODE_ALLMULTI] = " allmulticast on",
	[SNIC_RXMODE_PROMISC] = " promisc on",
};

/* The MTU a max frame is: the frame less the Ethernet header. */
#define MTU_L2_HEADER 14

/* What the file gave of the PF's address, MTU and link, and its mode. */
static void pf_line(struct exp *x)
{
	unsigned keys = x->cfg->pf_keys;
	struct snic_pf_info pf;
	char line[128] = "", mac[18];
	struct exp_buf b = EXP_BUF(line);

	snic_pf_get(x->nic, &pf);
	if (keys & SNIC_CONFIG_PF_MAC)
		exp_put(&b, " address %s", snic_word_mac_str(pf.mac, mac));
	if (keys & SNIC_CONFIG_PF_MTU)
		exp_put(&b, " mtu %u", snic_nic_max_frame(x->nic) - MTU_L2_HEADER);
	if (pf.rxmode <= SNIC_RXMODE_PROMISC)
		exp_put(&b, "%s", rxmode_flags[pf.rxmode]);
	if (keys & SNIC_CONFIG_PF_LINK)
		exp_put(&b, " %s", pf.link_up ? "up" : "down");
	if (line[0])
		exp_line(x, "ip link set %s%s", x->dev, line);
}

/* The groups the PF joins, then its more unicast MACs. */
static int pf_macs(struct exp *x, const struct snic_pf_info *pf)
{
	unsigned nmc = pf->n_mc, n = nmc + pf->n_macvlan;
	uint8_t(*m)[6] = calloc(n ? n : 1, sizeof(*m));
	char mac[18];

	if (!m)
		return snic_errf(x->err, -ENOMEM, "pf: out of memory");
	snic_pf_mc_list(x->nic, m, nmc);
	snic_pf_macvlan_list(x->nic, m + nmc, pf->n_macvlan);
	for (unsigned i = 0; i < n; i++) {
		snic_word_mac_str(m[i], mac);
		if (i < nmc)
			exp_line(x, "ip maddr add %s dev %s", mac, x->dev);
		else
			exp_line(x, "bridge fdb add %s dev %s self permanent", mac, x->dev);
	}
	free(m);
	return 0;
}

/* The PF's filters: groups it joins, more unicast MACs, VLANs. */
static int pf_filters(struct exp *x)
{
	uint16_t vids[4096];
	struct snic_pf_info pf;
	unsigned n;
	int rc;

	snic_pf_get(x->nic, &pf);
	rc = pf_macs(x, &pf);
	n = rc ? 0 : snic_pf_vlan_list(x->nic, vids, 4096);
	for (unsigned i = 0; i < n; i++) {
		char name[32];

		if (snprintf(name, sizeof(name), "%s.%u", x->dev, vids[i]) > IFNAME_MAX)
			return snic_errf(x->err, -EINVAL,
					 "pf vlan %u: the interface %s is longer than %d bytes",
					 vids[i], name, IFNAME_MAX);
		exp_line(x, "ip link add link %s name %s type vlan id %u", x->dev, name, vids[i]);
	}
	return rc;
}

static const char *const link_states[] = {"auto", "enable", "disable"};

/* " vlan 100 qos 3 proto 802.1ad" */
static void put_vlan(const struct snic_vf_info *v, struct exp_buf *b)
{
	if (!v->vlan)
		return;
	exp_put(b, " vlan %u", v->vlan);
	if (v->qos)
		exp_put(b, " qos %u", v->qos);
	if (v->vlan_proto == SNIC_VLAN_PROTO_8021AD)
		exp_put(b, " proto 802.1ad");
}

/* Whether the driver has `ip link set DEV vf N query_rss`. */
static bool has_query_rss(const struct exp *x)
{
	if (x->caps->vf.query_rss == QRSS_SHARED)
		return x->p->quirks & SNIC_Q_VF_RSS_READONLY;
	return x->caps->vf.query_rss == QRSS_ALL;
}

static int check_vf(struct exp *x, unsigned vf, const struct snic_vf_info *v)
{
	if (v->link_state != SNIC_LINK_AUTO && !x->caps->vf.link_state)
		return exp_refuse(x,
				  "vf%u state %s: %s has no VF link state knob (ip link set "
				  "DEV vf N state)",
				  vf, v->link_state < 3 ? link_states[v->link_state] : "?",
				  x->caps->driver);
	if (v->query_rss && !has_query_rss(x))
		return exp_refuse(x,
				  "vf%u query_rss on: %s has no query_rss knob (ip link set "
				  "DEV vf N query_rss)",
				  vf, x->caps->driver);
	return 0;
}

static void vf_line(struct exp *x, unsigned vf, const struct snic_vf_info *v)
{
	char line[256] = "", mac[18];
	struct exp_buf b = EXP_BUF(line);

	if (v->admin_mac)
		exp_put(&b, " mac %s", snic_word_mac_str(v->mac, mac));
	put_vlan(v, &b);
	exp_put(&b, " spoofchk %s trust %s", v->spoofchk ? "on" : "off", v->trust ? "on" : "off");
	if (v->link_state != SNIC_LINK_AUTO && v->link_state < 3)
		exp_put(&b, " state %s", link_states[v->link_state]);
	if (v->max_tx_rate)
		exp_put(&b, " max_tx_rate %u", v->max_tx_rate);
	if (v->min_tx_rate)
		exp_put(&b, " min_tx_rate %u", v->min_tx_rate);
	if (v->query_rss)
		exp_put(&b, " query_rss on");
	exp_line(x, "ip link set %s vf %u%s", x->dev, vf, line);
}

static const char *const rxmodes[] = {"none", "multi", "allmulti", "promisc"};

/* What the VF's driver asked for, as a comment, when it asked anything. */
static void guest_note(struct exp *x, unsigned vf, const struct snic_vf_info *v)
{
	static const uint8_t zero[6];
	bool own_mac = !v->admin_mac && memcmp(v->mac, zero, 6);
	const struct {
		const char *what;
		unsigned n;
	} counts[] = {
		{"multicast groups", v->n_mc},
		{"VLAN filters", v->n_vlan_filter},
		{"more MACs", v->n_macvlan},
	};
	char mac[18];

	if (!own_mac && !v->n_mc && !v->n_vlan_filter && !v->n_macvlan &&
	    v->rxmode == SNIC_RXMODE_MULTI)
		return;
	fprintf(x->out, "# vf%u: set by its driver, in its guest:", vf);
	if (own_mac)
		fprintf(x->out, " mac %s", snic_word_mac_str(v->mac, mac));
	for (size_t i = 0; i < sizeof(counts) / sizeof(counts[0]); i++)
		if (counts[i].n)
			fprintf(x->out, " %s %u", counts[i].what, counts[i].n);
	if (v->rxmode != SNIC_RXMODE_MULTI && v->rxmode < 4)
		fprintf(x->out, " rxmode %s", rxmodes[v->rxmode]);
	fputc('\n', x->out);
}

static int sriov(struct exp *x)
{
	unsigned n = snic_nic_numvfs(x->nic);
	struct snic_vf_info v;

	/* A non-zero count can't change to another without going through 0. */
	exp_line(x, "echo 0 > /sys/class/net/%s/device/sriov_numvfs", x->dev);
	if (n)
		exp_line(x, "echo %u > /sys/class/net/%s/device/sriov_numvfs", n, x->dev);
	for (unsigned vf = 0; vf < n; vf++) {
		int rc = snic_vf_get(x->nic, vf, &v, x->err);

		if (!rc)
			rc = check_vf(x, vf, &v);
		if (rc)
			return rc;
		vf_line(x, vf, &v);
		guest_note(x, vf, &v);
	}
	return 0;
}

int exp_ip(struct exp *x)
{
	int rc;

	pf_line(x);
	rc = pf_filters(x);
	if (rc || (x->p->quirks & SNIC_Q_NO_SRIOV))
		return rc;
	return sriov(x);
}
