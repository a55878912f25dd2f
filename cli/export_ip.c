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

static void pf_line(struct exp *x)
{
	const struct exp_file *f = &x->file;
	char line[128] = "";
	size_t off = 0;

	if (f->pf_mac[0])
		off += (size_t)snprintf(line + off, sizeof(line) - off, " address %s", f->pf_mac);
	if (f->mtu)
		off += (size_t)snprintf(line + off, sizeof(line) - off, " mtu %u", f->mtu);
	if (f->rxmode >= 0 && f->rxmode <= SNIC_RXMODE_PROMISC)
		off += (size_t)snprintf(line + off, sizeof(line) - off, "%s",
					rxmode_flags[f->rxmode]);
	if (f->link >= 0)
		snprintf(line + off, sizeof(line) - off, " %s", f->link ? "up" : "down");
	if (line[0])
		exp_line(x, "ip link set %s%s", x->dev, line);
}

/* The PF's filters: groups it joins, more unicast MACs, VLANs. */
static int pf_filters(struct exp *x)
{
	const struct exp_file *f = &x->file;
	char mac[18];

	for (unsigned i = 0; i < f->mc.n; i++)
		exp_line(x, "ip maddr add %s dev %s", snic_word_mac_str(f->mc.mac[i], mac), x->dev);
	for (unsigned i = 0; i < f->uc.n; i++)
		exp_line(x, "bridge fdb add %s dev %s self permanent",
			 snic_word_mac_str(f->uc.mac[i], mac), x->dev);
	for (unsigned i = 0; i < f->nvlans; i++) {
		char name[32];
		int n = snprintf(name, sizeof(name), "%s.%u", x->dev, f->vlans[i]);

		if (n > IFNAME_MAX)
			return snic_errf(x->err, -EINVAL,
					 "pf vlan %u: the interface %s is longer than %d bytes",
					 f->vlans[i], name, IFNAME_MAX);
		exp_line(x, "ip link add link %s name %s type vlan id %u", x->dev, name,
			 f->vlans[i]);
	}
	return 0;
}

static const char *const link_states[] = {"auto", "enable", "disable"};

/* " vlan 100 qos 3 proto 802.1ad" */
static size_t put_vlan(const struct snic_vf_info *v, char *buf, size_t size)
{
	int n;

	if (!v->vlan)
		return 0;
	n = snprintf(buf, size, " vlan %u", v->vlan);
	if (v->qos)
		n += snprintf(buf + n, size - (size_t)n, " qos %u", v->qos);
	if (v->vlan_proto == SNIC_VLAN_PROTO_8021AD)
		n += snprintf(buf + n, size - (size_t)n, " proto 802.1ad");
	return (size_t)n;
}

static int check_vf(struct exp *x, unsigned vf, const struct snic_vf_info *v)
{
	if (v->link_state != SNIC_LINK_AUTO && !x->caps->vf_link_state)
		return exp_refuse(x,
				  "vf%u state %s: %s has no VF link state knob (ip link set "
				  "DEV vf N state)",
				  vf, v->link_state < 3 ? link_states[v->link_state] : "?",
				  x->caps->driver);
	if (v->query_rss && !x->caps->vf_query_rss)
		return exp_refuse(x,
				  "vf%u query_rss on: %s has no query_rss knob (ip link set "
				  "DEV vf N query_rss)",
				  vf, x->caps->driver);
	return 0;
}

static void vf_line(struct exp *x, unsigned vf, const struct snic_vf_info *v)
{
	char line[256], mac[18];
	size_t off = 0;

	if (v->admin_mac)
		off += (size_t)snprintf(line + off, sizeof(line) - off, " mac %s",
					snic_word_mac_str(v->mac, mac));
	off += put_vlan(v, line + off, sizeof(line) - off);
	off += (size_t)snprintf(line + off, sizeof(line) - off, " spoofchk %s trust %s",
				v->spoofchk ? "on" : "off", v->trust ? "on" : "off");
	if (v->link_state != SNIC_LINK_AUTO && v->link_state < 3)
		off += (size_t)snprintf(line + off, sizeof(line) - off, " state %s",
					link_states[v->link_state]);
	if (v->max_tx_rate)
		off += (size_t)snprintf(line + off, sizeof(line) - off, " max_tx_rate %u",
					v->max_tx_rate);
	if (v->min_tx_rate)
		off += (size_t)snprintf(line + off, sizeof(line) - off, " min_tx_rate %u",
					v->min_tx_rate);
	if (v->query_rss)
		snprintf(line + off, sizeof(line) - off, " query_rss on");
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
