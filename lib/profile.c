/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Profiles: what real NICs and their drivers let RSS and SR-IOV do.
 *
 * Every value cites where it was read: a Linux driver file and symbol
 * (drivers/net/ethernet/...), QEMU (hw/net/virtio-net.c), DPDK (drivers/net/)
 * or a datasheet. "Not found" marks a value no public source gave; the
 * common behaviour is used there and the comment says so.
 *
 * Conventions of the table:
 * - default_key: most drivers fill the key at random (netdev_rss_key_fill),
 *   which a model can't reproduce. snic then uses the key of the 82599
 *   datasheet (7.1.2.8.3) and of Microsoft's "Verifying the RSS Hash
 *   Calculation", which DPDK's Intel PMDs take as their default
 *   (igb_rxtx.c, ixgbe_rxtx.c: rss_intel_key), and says so per profile.
 * - max_frame: the driver's largest MTU + 18 (Ethernet header and one
 *   VLAN tag), FCS not counted.
 * - pool_queues: pools are the VFs' and the PF's, as ixgbe counts them.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "snic/profile.h"

#define RXH_SD	 (SNIC_RXH_IP_SRC | SNIC_RXH_IP_DST)
#define RXH_FN	 (SNIC_RXH_L4_B_0_1 | SNIC_RXH_L4_B_2_3)
#define RXH_SDFN (RXH_SD | RXH_FN)
#define RXH_ALL	 (SNIC_RXH_L2DA | SNIC_RXH_VLAN | SNIC_RXH_L3_PROTO | RXH_SD | RXH_FN)

#define HF(f)  (1u << SNIC_HFUNC_##f)
#define HF_ALL ((1u << SNIC_HFUNC_COUNT) - 1u)

/* The same fields for IPv4 and IPv6: other IP, TCP, UDP, SCTP. */
#define PER_FT(ip, tcp, udp, sctp)                                                                 \
	{                                                                                          \
		[SNIC_FT_IP4] = (ip), [SNIC_FT_TCP4] = (tcp), [SNIC_FT_UDP4] = (udp),              \
		[SNIC_FT_SCTP4] = (sctp), [SNIC_FT_IP6] = (ip), [SNIC_FT_TCP6] = (tcp),            \
		[SNIC_FT_UDP6] = (udp), [SNIC_FT_SCTP6] = (sctp),                                  \
	}

/* 6d5a56da...: 82599 datasheet 7.1.2.8.3 / Microsoft RSS verification suite. */
static const uint8_t key_ms[40] = {
	0x6d, 0x5a, 0x56, 0xda, 0x25, 0x5b, 0x0e, 0xc2, 0x41, 0x67, 0x25, 0x3d, 0x43, 0xa3,
	0x8f, 0xb0, 0xd0, 0xca, 0x2b, 0xcb, 0xae, 0x7b, 0x30, 0xb4, 0x77, 0xcb, 0x2d, 0xa3,
	0x80, 0x30, 0xf2, 0x0c, 0x6a, 0x42, 0xb7, 0x3b, 0xbe, 0xac, 0x01, 0xfa,
};

/*
 * ice takes 52 bytes: a 40-byte key and a 12-byte extended key
 * (ice_adminq_cmd.h: struct ice_aqc_get_set_rss_keys). The driver fills
 * all 52 at random; snic uses the key above followed by its first 12 bytes,
 * so inputs up to 36 bytes hash as with the 40-byte key.
 */
_Static_assert(sizeof(key_ms) == 40, "the 82599 key has 40 bytes");

static const uint8_t key_ms52[52] = {
	0x6d, 0x5a, 0x56, 0xda, 0x25, 0x5b, 0x0e, 0xc2, 0x41, 0x67, 0x25, 0x3d, 0x43,
	0xa3, 0x8f, 0xb0, 0xd0, 0xca, 0x2b, 0xcb, 0xae, 0x7b, 0x30, 0xb4, 0x77, 0xcb,
	0x2d, 0xa3, 0x80, 0x30, 0xf2, 0x0c, 0x6a, 0x42, 0xb7, 0x3b, 0xbe, 0xac, 0x01,
	0xfa, 0x6d, 0x5a, 0x56, 0xda, 0x25, 0x5b, 0x0e, 0xc2, 0x41, 0x67, 0x25, 0x3d,
};

/* Sensible common values: what most current NICs offer, nothing removed. */
static const struct snic_profile prof_generic = {
	.name = "generic",
	.desc = "a common NIC: Toeplitz, 40-byte key, 128-entry RETA, all functions",
	/* Not a real device: 128 queues split evenly among a power of two of
	 * pools, as VMDq NICs do (cf. ixgbe below). */
	.max_vfs = 63,
	.max_pools = 64,
	.pool_queues = {{16, 8}, {32, 4}, {64, 2}},
	.max_queues = 128,
	.vf_mc_max = 30, /* the Intel limit (ixgbe, igb) */
	.tx_rate_max = true,
	.tx_rate_min = true,
	.key_size = 40,
	.reta_size = 128,
	.reta_rule = SNIC_RETA_LOW_BITS,
	.rss_max_queues = 128,
	.hfuncs = HF_ALL,
	.rss_per_pool = true,
	.rss_contexts = 8,
	.default_key = key_ms,
	/* 4-tuple for TCP, UDP and SCTP, as ice, mlx5, ENA and virtio-net do */
	.default_fields = PER_FT(RXH_SD, RXH_SDFN, RXH_SDFN, RXH_SDFN),
	.field_caps = PER_FT(RXH_ALL, RXH_ALL, RXH_ALL, RXH_ALL),
	.max_frame = 9728,
	.default_hfunc = SNIC_HFUNC_TOEPLITZ,
	.rss_flags = SNIC_RSS_INNER | SNIC_RSS_TEID,
	/* nothing removed: no table limit, every VF knob */
	.mac_filters = 0,
	.vlan_filters = 0,
	.pvlan_8021ad = true,
	.vf_promisc = true,
};

/*
 * Intel 82599 (ixgbe). Sources are drivers/net/ethernet/intel/ixgbe/.
 *
 * SR-IOV: ixgbe_sriov.h: IXGBE_MAX_VFS_DRV_LIMIT = IXGBE_MAX_VF_FUNCTIONS
 * (64) - 1, the last pool being the PF's; ixgbe.h: IXGBE_MAX_VMDQ_INDICES 64.
 * ixgbe_lib.c: ixgbe_set_sriov_queues: more than 32 pools in use selects
 * 64-pool mode with 2 queues each (IXGBE_82599_VMDQ_2Q_MASK), else 32-pool
 * mode with 4 each (IXGBE_82599_VMDQ_4Q_MASK), 128 queues in all. (It also
 * drops to 2 when the PF's RSS limit is under 4, or past 16 pools with
 * macvlan offload; snic does not model those.)
 *
 * RSS: ixgbe_main.c: ixgbe_rss_indir_tbl_entries: 128 entries before X550;
 * ixgbe_ethtool.c: ixgbe_rss_indir_tbl_max: entries name queues 0..15;
 * ixgbe_main.c: ixgbe_store_key writes 10 RSSRK words (40 bytes), filled by
 * ixgbe_init_rss_key with netdev_rss_key_fill (random). One key and one
 * RETA serve every pool; a VF reads them only through the mailbox
 * (ixgbe_sriov.c: ixgbe_get_vf_reta, refused unless rss_query_enabled).
 * ixgbe_ethtool.c: ixgbe_set_rxfh accepts ETH_RSS_HASH_TOP only.
 * Fields: ixgbe_ethtool.c: ixgbe_set_rss_hash_opt: TCP must be sdfn; UDP sd
 * or sdfn, 4-tuple off by default (IXGBE_FLAG2_RSS_FIELD_IPV4_UDP clear;
 * `ethtool -N DEV rx-flow-hash udp4 sdfn` sets it, warning that fragments
 * may then arrive out of order); SCTP and other IP sd only.
 *
 * Filters: ixgbe_82599.c: IXGBE_82599_RAR_ENTRIES 128 receive-address
 * entries hold the PF's MAC, each VF's MAC and every MACVLAN filter
 * (ixgbe_sriov.c: ixgbe_set_vf_macvlan answers -ENOSPC when none is left;
 * ixgbe_main.c: ixgbe_ndo_fdb_add refuses a PF address past
 * ixgbe_available_rars). The driver also keeps the last entry for a SAN MAC
 * on boards that have one and splits the table between PF and VF MACVLANs
 * (ixgbe_alloc_vf_macvlans); snic models one shared table.
 * ixgbe_type.h: IXGBE_VLVF_ENTRIES 64 pool VLAN filters, one per VID with
 * a bit per pool; ixgbe_common.c: ixgbe_find_vlvf_slot keeps entry 0 for
 * VID 0, so 63 VIDs 1..4095 fit, and reports no space past them; a VF's
 * VLAN request or port VLAN then fails (ixgbe_sriov.c: ixgbe_set_vf_vlan).
 * The PF's own VLANs take no entry: ixgbe_main.c: ixgbe_vlan_rx_add_vid
 * asks with vlvf_bypass and falls back to the 4096-bit VFTA.
 * ixgbe_sriov.c: ixgbe_ndo_set_vf_vlan takes an 802.1Q port VLAN only
 * (-EPROTONOSUPPORT otherwise); ixgbe_update_vf_xcast_mode refuses VF
 * promiscuous mode on the 82599 and older (-EOPNOTSUPP).
 */
static const struct snic_profile prof_ixgbe_82599 = {
	.name = "ixgbe-82599",
	.desc = "Intel 82599 10 GbE (ixgbe): shared 40-byte key and 128-entry RETA",
	.max_vfs = 63,			   /* ixgbe_sriov.h: IXGBE_MAX_VFS_DRV_LIMIT */
	.max_pools = 64,		   /* ixgbe.h: IXGBE_MAX_VMDQ_INDICES */
	.pool_queues = {{32, 4}, {64, 2}}, /* ixgbe_lib.c: ixgbe_set_sriov_queues */
	.max_queues = 64,		   /* ixgbe.h: MAX_RX_QUEUES = IXGBE_MAX_FDIR_INDICES + 1 */
	.vf_mc_max = 30,		   /* ixgbe_type.h: IXGBE_MAX_VF_MC_ENTRIES */
	/* ixgbe_sriov.c: ixgbe_ndo_set_vf_bw: max rate only, min_tx_rate -EINVAL */
	.tx_rate_max = true,
	.tx_rate_min = false,
	.key_size = 40,	  /* ixgbe.h: IXGBE_RSS_KEY_SIZE; ixgbe_store_key */
	.reta_size = 128, /* ixgbe_main.c: ixgbe_rss_indir_tbl_entries */
	/* 82599 datasheet 7.1.2.8, quoted in DPDK ixgbe_rxtx.c: the 7 LSBs of
	 * the hash index the 128-entry RETA */
	.reta_rule = SNIC_RETA_LOW_BITS,
	.rss_max_queues = 16,	/* ixgbe_ethtool.c: ixgbe_rss_indir_tbl_max */
	.hfuncs = HF(TOEPLITZ), /* ixgbe_ethtool.c: ixgbe_set_rxfh */
	.rss_per_pool = false,	/* one RSSRK/RETA for all pools */
	.rss_contexts = 0,
	.default_key = key_ms, /* random in Linux (ixgbe_init_rss_key); see top */
	/* ixgbe_main.c: ixgbe_setup_mrqc; ixgbe_ethtool.c: ixgbe_get_rss_hash_opts */
	.default_fields = PER_FT(RXH_SD, RXH_SDFN, RXH_SD, RXH_SD),
	/* ixgbe_ethtool.c: ixgbe_set_rss_hash_opt */
	.field_caps = PER_FT(RXH_SD, RXH_SDFN, RXH_SDFN, RXH_SD),
	.field_must = PER_FT(RXH_SD, RXH_SDFN, RXH_SD, RXH_SD),
	.quirks = SNIC_Q_VF_RSS_READONLY | SNIC_Q_UDP_L3_ONLY | SNIC_Q_FRAG_L3_ONLY |
		  SNIC_Q_FIELD_PAIRS,
	/* ixgbe.h: IXGBE_MAX_JUMBO_FRAME_SIZE 9728 = MTU 9710 + 14 + FCS 4 */
	.max_frame = 9728,
	.default_hfunc = SNIC_HFUNC_TOEPLITZ,
	.rss_flags = 0,	       /* no tunnel or GTP parsing for RSS in ixgbe_setup_mrqc */
	.mac_filters = 128,    /* ixgbe_82599.c: IXGBE_82599_RAR_ENTRIES */
	.vlan_filters = 63,    /* ixgbe_type.h: IXGBE_VLVF_ENTRIES less VID 0's */
	.pvlan_8021ad = false, /* ixgbe_sriov.c: ixgbe_ndo_set_vf_vlan */
	.vf_promisc = false,   /* ixgbe_sriov.c: ixgbe_update_vf_xcast_mode */
};

/*
 * Intel X550 (ixgbe). As the 82599 unless noted; sources in ixgbe/.
 *
 * RSS: ixgbe_main.c: ixgbe_rss_indir_tbl_entries: 512 entries without
 * SR-IOV, 64 with it; ixgbe_setup_vfreta writes a key (PFVFRSSRK) and a
 * 64-entry RETA (PFVFRETA) for every pool, so each VF has its own.
 * ixgbe_ethtool.c: ixgbe_rss_indir_tbl_max: entries name queues 0..63.
 * ixgbe.h: IXGBE_MAX_RSS_INDICES_X550 63 (one vector kept for link).
 *
 * Filters: ixgbe_x550.c starts from ixgbe_get_invariants_X540, which sets
 * IXGBE_X540_RAR_ENTRIES (128); the VLVF is the 82599's (63 VIDs, see
 * above). ixgbe_update_vf_xcast_mode lets a trusted VF of an X540 or later
 * be promiscuous (it also wants the PF promiscuous, which snic does not
 * model); the port VLAN is 802.1Q only, as on the 82599.
 */
static const struct snic_profile prof_ixgbe_x550 = {
	.name = "ixgbe-x550",
	.desc = "Intel X550 10 GbE (ixgbe): key and 64-entry RETA per pool",
	.max_vfs = 63,
	.max_pools = 64,
	.pool_queues = {{32, 4}, {64, 2}}, /* ixgbe_set_sriov_queues, all MACs */
	.max_queues = 64,
	.vf_mc_max = 30,
	.tx_rate_max = true, /* ixgbe_ndo_set_vf_bw, as the 82599 */
	.tx_rate_min = false,
	.key_size = 40,
	.reta_size = 64, /* per pool: ixgbe_setup_vfreta */
	.reta_rule = SNIC_RETA_LOW_BITS,
	.rss_max_queues = 64, /* ixgbe_rss_indir_tbl_max */
	.hfuncs = HF(TOEPLITZ),
	.rss_per_pool = true,
	.rss_contexts = 0,
	.default_key = key_ms, /* random in Linux (ixgbe_init_rss_key); see top */
	.default_fields = PER_FT(RXH_SD, RXH_SDFN, RXH_SD, RXH_SD),
	.field_caps = PER_FT(RXH_SD, RXH_SDFN, RXH_SDFN, RXH_SD),
	.field_must = PER_FT(RXH_SD, RXH_SDFN, RXH_SD, RXH_SD),
	.quirks = SNIC_Q_UDP_L3_ONLY | SNIC_Q_FRAG_L3_ONLY | SNIC_Q_FIELD_PAIRS,
	.max_frame = 9728, /* IXGBE_MAX_JUMBO_FRAME_SIZE */
	.default_hfunc = SNIC_HFUNC_TOEPLITZ,
	.reta_size_novf = 512, /* ixgbe_rss_indir_tbl_entries without SR-IOV */
	.rss_flags = 0,
	.mac_filters = 128, /* ixgbe_x540.h: IXGBE_X540_RAR_ENTRIES */
	.vlan_filters = 63, /* ixgbe_type.h: IXGBE_VLVF_ENTRIES less VID 0's */
	.pvlan_8021ad = false,
	.vf_promisc = true, /* ixgbe_update_vf_xcast_mode, X540 and later */
};

/*
 * Intel E810 (ice). Sources are drivers/net/ethernet/intel/ice/.
 *
 * SR-IOV: ice_sriov.h / ice_vf_lib.h: ICE_MAX_VF_COUNT 256. Queues a VF
 * gets follow the MSI-X vectors left per VF (ice_sriov.c:
 * ice_set_per_vf_res): 17 or more (ICE_NUM_VF_MSIX_MED) give 16 queue
 * pairs (ICE_MAX_RSS_QS_PER_VF), 5 (SMALL) give 4, 3 (MULTIQ_MIN) give 2.
 * How many vectors a PF has for VFs comes from the device (func caps), not
 * found for a given E810 model: the table assumes 1024.
 * ice_sriov.h: ICE_MAX_MACADDR_PER_VF 18: its own MAC, broadcast and 16
 * more unicast or multicast filters (untrusted VF).
 *
 * RSS: ice.h: ICE_VSIQF_HKEY_ARRAY_SIZE = 13 words = 52 bytes, which
 * ice_get_rxfh_key_size reports. ice_adminq_cmd.h: enum ice_lut_size: a
 * VSI LUT has 64 entries (a VF's), a global LUT 512, the PF LUT 2048;
 * ice_lib.c: ice_vsi_set_rss_params gives the PF VSI the PF LUT
 * (cap->rss_table_size) and a VF VSI ICE_LUT_VSI_SIZE. ice.h:
 * ICE_MAX_LG_RSS_QS 256 queues for the PF's RSS. Hash functions: the VSI
 * context takes Toeplitz, symmetric Toeplitz, XOR or Jenkins
 * (ice_adminq_cmd.h: ICE_AQ_VSI_Q_OPT_RSS_HASH_*); ethtool offers Toeplitz
 * with the symmetric-xor transform (ice_ethtool.c: supported_input_xfrm),
 * a VF may ask for XOR (ice_virtchnl.c: ice_vc_handle_rss_cfg,
 * VIRTCHNL_RSS_ALG_R_ASYMMETRIC). Jenkins is not modelled.
 * Fields: ice_lib.c: default_rss_cfgs: addresses and ports for TCP, UDP and
 * SCTP, addresses for other IP, GTP TEIDs; ice_ethtool.c: ice_parse_hash_flds
 * maps each of s, d, f, n alone.
 * RSS contexts: the extra RSS tables ice has belong to ADQ channel VSIs
 * (tc mqprio), not modelled: 0.
 *
 * Filters: MAC and VLAN filters are switch rules from a pool the firmware
 * sizes (per VF, an untrusted VF is held to ICE_MAX_MACADDR_PER_VF and
 * ICE_MAX_VLAN_PER_VF); no shared limit found: not limited. ice_sriov.c:
 * ice_is_supported_port_vlan_proto takes an 802.1ad port VLAN in double
 * VLAN mode. ice_virtchnl.c: ice_vc_cfg_promiscuous_mode_msg honours a
 * trusted VF's promiscuous request.
 */
static const struct snic_profile prof_ice_e810 = {
	.name = "ice-e810",
	.desc = "Intel E810 100 GbE (ice): 52-byte key, 2048-entry PF LUT, 64 per VF",
	.max_vfs = 256,	  /* ICE_MAX_VF_COUNT */
	.max_pools = 257, /* a VSI per VF and the PF's */
	/* ice_set_per_vf_res with 1024 vectors for VFs (assumed, see above):
	 * 1024/60 >= 17, 1024/204 >= 5, 1024/256 >= 3 */
	.pool_queues = {{61, 16}, {205, 4}, {257, 2}},
	.max_queues = 256, /* ICE_MAX_LG_RSS_QS */
	.vf_mc_max = 16,   /* ICE_MAX_MACADDR_PER_VF less own and broadcast */
	/* ice_sriov.c: ice_set_vf_bw sets both min_tx_rate and max_tx_rate */
	.tx_rate_max = true,
	.tx_rate_min = true,
	.key_size = 52,	    /* ICE_VSIQF_HKEY_ARRAY_SIZE */
	.reta_size = 2048,  /* ICE_LUT_PF_SIZE */
	.vf_reta_size = 64, /* ICE_LUT_VSI_SIZE */
	/* not found: every LUT size is a power of two, low bits taken */
	.reta_rule = SNIC_RETA_LOW_BITS,
	.rss_max_queues = 256, /* ICE_MAX_LG_RSS_QS */
	.hfuncs = HF(TOEPLITZ) | HF(SYM_XOR) | HF(XOR),
	.rss_per_pool = true, /* a key and LUT per VSI */
	.rss_contexts = 0,
	.default_key = key_ms52, /* random in Linux (ice_vsi_cfg_rss_lut_key) */
	.default_fields = PER_FT(RXH_SD, RXH_SDFN, RXH_SDFN, RXH_SDFN),
	.field_caps = PER_FT(RXH_SD, RXH_SDFN, RXH_SDFN, RXH_SDFN),
	.quirks = 0,
	/* ice.h: ICE_MAX_MTU = ICE_AQ_SET_MAC_FRAME_SIZE_MAX (9728) - 26 = 9702 */
	.max_frame = 9720,
	.default_hfunc = SNIC_HFUNC_TOEPLITZ,
	/* default_rss_cfgs: ICE_RSS_ANY_HEADERS (inner headers of tunnels) and
	 * ICE_FLOW_HASH_GTP_U_IPV4_TEID; ethtool RXH_GTP_TEID */
	.rss_flags = SNIC_RSS_INNER | SNIC_RSS_TEID,
	.mac_filters = 0,
	.vlan_filters = 0,
	.pvlan_8021ad = true, /* ice_is_supported_port_vlan_proto (DVM) */
	.vf_promisc = true,   /* ice_vc_cfg_promiscuous_mode_msg, trusted */
};

/*
 * NVIDIA/Mellanox ConnectX (mlx5). Sources are
 * drivers/net/ethernet/mellanox/mlx5/core/.
 *
 * SR-IOV: a VF is a function with its own channels and RSS, not a pool of
 * a shared table. The VF count is the device's PCI TotalVFs, set in
 * firmware (not in the driver): 127 taken. Its queues follow the MSI-X
 * vectors firmware gives it (pci_irq.c: mlx5_get_default_msix_vec_count,
 * device caps not public): 8 taken. Multicast per vport:
 * eswitch.h: MLX5_MAX_MC_PER_VPORT = 1 << log_max_current_mc_list, a
 * device cap, not found: 128 taken. Rates: eswitch.c:
 * mlx5_eswitch_set_vport_rate takes max_rate and min_rate (when the device
 * has the esw_rate_limit and esw_bw_share caps).
 *
 * RSS: en/rx_res.h: toeplitz_hash_key[40], filled by netdev_rss_key_fill.
 * en/rqt.h: MLX5E_INDIR_MIN_RQT_SIZE 256; the RQT grows to
 * roundup_pow_of_two(channels * MLX5E_UNIFORM_SPREAD_RQT_FACTOR (4)),
 * en_ethtool.c: MLX5E_MAX_INDIR_RQT_SIZE, MLX5E_MAX_NUM_CHANNELS 256.
 * en_ethtool.c: mlx5e_set_rxfh takes ETH_RSS_HASH_TOP and ETH_RSS_HASH_XOR;
 * supported_input_xfrm = RXH_XFRM_SYM_OR_XOR. en/rx_res.c:
 * MLX5E_MAX_NUM_RSS 16 (the default and 15 contexts).
 * Fields: en/rss.c: mlx5e_rss_get_default_tt_config: addresses and ports
 * for TCP and UDP, addresses for other IP; there is no SCTP traffic type,
 * so SCTP hashes as IP. en_fs_ethtool.c: mlx5e_set_rss_hash_opt changes
 * only TCP and UDP, any of s, d, f, n.
 *
 * Filters: a vport's MAC list is bounded by the device cap
 * log_max_current_uc_list, not found: not limited. en_main.c:
 * mlx5e_set_vf_vlan takes an 802.1Q port VLAN only (-EPROTONOSUPPORT).
 * eswitch.c: esw_update_vport_rx_mode applies a VF's promiscuous mode
 * only while the VF is trusted.
 */
static const struct snic_profile prof_mlx5 = {
	.name = "mlx5",
	.desc = "NVIDIA ConnectX (mlx5): RSS per function, RQT of 256 growing with channels",
	.max_vfs = 127,		   /* firmware TotalVFs (not in the driver) */
	.max_pools = 128,	   /* a function per VF and the PF */
	.pool_queues = {{128, 8}}, /* MSI-X per VF from firmware: assumed */
	.max_queues = 256,	   /* MLX5E_MAX_NUM_CHANNELS */
	.vf_mc_max = 128,	   /* MLX5_MAX_MC_PER_VPORT: device cap, assumed */
	.tx_rate_max = true,	   /* mlx5_eswitch_set_vport_rate */
	.tx_rate_min = true,
	.key_size = 40,	  /* en/rx_res.h: toeplitz_hash_key[40] */
	.reta_size = 256, /* en/rqt.h: MLX5E_INDIR_MIN_RQT_SIZE */
	/* hash & (RQT size - 1): the RQT size is always a power of two */
	.reta_rule = SNIC_RETA_LOW_BITS,
	.rss_max_queues = 256, /* MLX5E_MAX_NUM_CHANNELS */
	.hfuncs = HF(TOEPLITZ) | HF(XOR) | HF(SYM_OR_XOR),
	.rss_per_pool = true,
	.rss_contexts = 15,    /* MLX5E_MAX_NUM_RSS - 1 */
	.default_key = key_ms, /* random in Linux (netdev_rss_key_fill); see top */
	.default_fields = PER_FT(RXH_SD, RXH_SDFN, RXH_SDFN, RXH_SD),
	.field_caps = PER_FT(RXH_SD, RXH_SDFN, RXH_SDFN, RXH_SD),
	.field_must = PER_FT(RXH_SD, 0, 0, RXH_SD),
	.quirks = 0,
	/* en.h (older trees): MLX5E_MAX_MTU 9600; newer ones ask the port */
	.max_frame = 9618,
	.default_hfunc = SNIC_HFUNC_TOEPLITZ,
	.reta_size_max = 1024, /* MLX5E_MAX_INDIR_RQT_SIZE = 256 channels * 4 */
	.reta_spread = 4,      /* MLX5E_UNIFORM_SPREAD_RQT_FACTOR */
	/* en/rx_res.h: MLX5E_RX_RES_FEATURE_INNER_FT, the inner TIRs */
	.rss_flags = SNIC_RSS_INNER,
	.mac_filters = 0,
	.vlan_filters = 0,
	.pvlan_8021ad = false, /* en_main.c: mlx5e_set_vf_vlan */
	.vf_promisc = true,    /* eswitch.c: esw_update_vport_rx_mode, trusted */
};

/*
 * Intel 82576 (igb). Sources are drivers/net/ethernet/intel/igb/.
 *
 * SR-IOV: igb_main.c: igb_sw_init: "Maximum of 7 VFs per PF" for the 82576,
 * the eighth pool being the PF's (IGB_MAX_VF_FUNCTIONS 8). The 82576 has
 * 16 queues, 2 per pool in VMDq mode (igb_main.c: Q_IDX_82576); the igbvf
 * driver uses one of them. igb_main.c: igb_get_max_rss_queues: 2 RSS
 * queues for the PF with VFs, IGB_MAX_RX_QUEUES (8) without.
 * igb_set_vmolr sets VMOLR.RSSE on the PF's pool only: VFs get no RSS.
 * igb.h: IGB_MAX_VF_MC_ENTRIES 30. igb_main.c: igb_ndo_set_vf_bw: 82576
 * only, min_tx_rate refused.
 *
 * RSS: igb.h: IGB_RETA_SIZE 128, a 40-byte key (10 RSSRK words, filled by
 * netdev_rss_key_fill in igb_setup_mrqc). DPDK igb_rxtx.c: the 82576 RETA
 * gives a 3-bit queue index. igb_ethtool.c: igb_set_rxfh: Toeplitz only;
 * igb_set_rss_hash_opt: the same rules as ixgbe, UDP 4-tuple off by default
 * (IGB_FLAG_RSS_FIELD_IPV4_UDP clear).
 *
 * Filters: e1000_82575.h: E1000_RAR_ENTRIES_82576 24 receive addresses and
 * E1000_VLVF_ARRAY_SIZE 32 pool VLAN filters, of which
 * igb_main.c: igb_find_vlvf_entry keeps entry 0 for VID 0. igb_main.c:
 * igb_ndo_set_vf_vlan takes 802.1Q only; igb_set_vf_promisc knows
 * multicast promiscuous mode only and fails a unicast request.
 */
static const struct snic_profile prof_igb_82576 = {
	.name = "igb-82576",
	.desc = "Intel 82576 1 GbE (igb): 8 pools of 2 queues, RSS on the PF's pool only",
	.max_vfs = 7,		 /* igb_sw_init */
	.max_pools = 8,		 /* IGB_MAX_VF_FUNCTIONS */
	.pool_queues = {{8, 2}}, /* Q_IDX_82576 */
	.max_queues = 8,	 /* IGB_MAX_RX_QUEUES */
	.vf_mc_max = 30,	 /* IGB_MAX_VF_MC_ENTRIES */
	.tx_rate_max = true,	 /* igb_ndo_set_vf_bw */
	.tx_rate_min = false,
	.key_size = 40,
	.reta_size = 128, /* IGB_RETA_SIZE */
	/* 82576 datasheet 7.1.1.7, quoted in DPDK igb_rxtx.c: 7 LSBs */
	.reta_rule = SNIC_RETA_LOW_BITS,
	.rss_max_queues = 8, /* 3-bit RETA entries (DPDK igb_rxtx.c) */
	.hfuncs = HF(TOEPLITZ),
	.rss_per_pool = false,
	.rss_contexts = 0,
	.default_key = key_ms, /* random in Linux; DPDK igb_rxtx.c: rss_intel_key */
	.default_fields = PER_FT(RXH_SD, RXH_SDFN, RXH_SD, RXH_SD),
	.field_caps = PER_FT(RXH_SD, RXH_SDFN, RXH_SDFN, RXH_SD),
	.field_must = PER_FT(RXH_SD, RXH_SDFN, RXH_SD, RXH_SD),
	.quirks = SNIC_Q_VF_NO_RSS | SNIC_Q_UDP_L3_ONLY | SNIC_Q_FRAG_L3_ONLY | SNIC_Q_FIELD_PAIRS,
	/* igb_main.c: igb_change_mtu: "MTU > 9216 not supported" */
	.max_frame = 9234,
	.default_hfunc = SNIC_HFUNC_TOEPLITZ,
	.rss_flags = 0,
	.mac_filters = 24,  /* E1000_RAR_ENTRIES_82576 */
	.vlan_filters = 31, /* E1000_VLVF_ARRAY_SIZE less VID 0's */
	.pvlan_8021ad = false,
	.vf_promisc = false, /* igb_set_vf_promisc */
};

/*
 * QEMU's virtio-net device (hw/net/virtio-net.c) with the Linux guest
 * driver (drivers/net/virtio_net.c).
 *
 * RSS: include/hw/virtio/virtio-net.h: VIRTIO_NET_RSS_MAX_KEY_SIZE 40,
 * VIRTIO_NET_RSS_MAX_TABLE_LEN 128. virtio-net.c: virtio_net_handle_rss
 * takes a table of mask + 1 entries, a power of two; virtio_net_process_rss
 * indexes it with hash & (length - 1) and treats IP fragments as neither
 * TCP nor UDP. The device has no default key: the guest sends it
 * (virtio_net.c: virtnet_init_default_rss, netdev_rss_key_fill).
 * Hash function: Toeplitz, the only one the virtio spec defines
 * (virtio_net.c: virtnet_set_rxfh takes ETH_RSS_HASH_TOP only).
 * Hash types: IPv4/6, TCPv4/6, UDPv4/6 (+ _EX); no SCTP type, so SCTP
 * hashes as IP. virtio_net.c: virtnet_probe keeps every type the device
 * offers but the _EX ones, UDP 4-tuple included; virtnet_set_hashflow
 * takes only sd, sdfn or nothing.
 * Queues: virtio_net_device_realize: max_queue_pairs * 2 + 1 <=
 * VIRTIO_QUEUE_MAX (1024): 511 pairs. Frames: the guest's MTU limit is
 * ETH_MAX_MTU (65535), beyond a uint16 with 18 added: capped at 65535.
 */
static const struct snic_profile prof_virtio_net = {
	.name = "virtio-net",
	.desc = "QEMU virtio-net with RSS (Linux virtio_net guest): no VFs",
	.max_vfs = 0,
	.max_pools = 1,
	.pool_queues = {{1, 511}},
	.max_queues = 511, /* virtio_net_device_realize */
	.vf_mc_max = 0,
	.tx_rate_max = false,
	.tx_rate_min = false,
	.key_size = 40,			 /* VIRTIO_NET_RSS_MAX_KEY_SIZE */
	.reta_size = 128,		 /* VIRTIO_NET_RSS_MAX_TABLE_LEN */
	.reta_rule = SNIC_RETA_LOW_BITS, /* virtio_net_process_rss */
	.rss_max_queues = 511,
	.hfuncs = HF(TOEPLITZ),
	.rss_per_pool = false,
	.rss_contexts = 0,
	.default_key = key_ms, /* none in QEMU: the guest sets it; see top */
	.default_fields = PER_FT(RXH_SD, RXH_SDFN, RXH_SDFN, RXH_SD),
	.field_caps = PER_FT(RXH_SD, RXH_SDFN, RXH_SDFN, RXH_SD),
	.quirks = SNIC_Q_NO_SRIOV | SNIC_Q_FRAG_L3_ONLY | SNIC_Q_FIELD_PAIRS,
	.max_frame = 65535,
	.default_hfunc = SNIC_HFUNC_TOEPLITZ,
	.rss_flags = 0,
	/* no VFs: the VF knobs do not apply */
	.mac_filters = 0,
	.vlan_filters = 0,
	.pvlan_8021ad = false,
	.vf_promisc = false,
};

/*
 * Amazon ENA (drivers/net/ethernet/amazon/ena/; DPDK drivers/net/ena/).
 * In EC2 the ENA is itself a VF: it has none.
 *
 * RSS: ena_netdev.h: ENA_RX_RSS_TABLE_LOG_SIZE 7 (128 entries); ena_com.h:
 * ENA_HASH_KEY_SIZE 40. ena_admin_defs.h: ENA_ADMIN_TOEPLITZ and
 * ENA_ADMIN_CRC32; ena_netdev.c: ena_rss_init_default asks for Toeplitz
 * (CRC32 in older drivers) with the key ena_com fills at random.
 * ena_com.c: ena_com_set_default_hash_ctrl: addresses and ports for TCP
 * and UDP, addresses for other IP; no SCTP protocol, so SCTP hashes as IP.
 * ena_ethtool.c: ena_flow_data_to_flow_hash maps m, s, d, f, n one by one,
 * and the device reports what it supports. ena_com_set_hash_ctrl also asks
 * for sorted L3/L4 input; whether devices do so is not documented, so
 * snic does not model it. DPDK ena_rss.c reverses the key bytes for the
 * device (ena_reorder_rss_hash_key); snic keeps keys in the usual order.
 * Queues: ena_com.h: ENA_MAX_NUM_IO_QUEUES 128. Frames: the device
 * reports its MTU limit; 9216 is common in EC2 (not found in code).
 */
static const struct snic_profile prof_ena = {
	.name = "ena",
	.desc = "Amazon ENA (ena): Toeplitz or CRC32, 40-byte key, 128-entry RETA, no VFs",
	.max_vfs = 0,
	.max_pools = 1,
	.pool_queues = {{1, 128}},
	.max_queues = 128, /* ENA_MAX_NUM_IO_QUEUES */
	.vf_mc_max = 0,
	.tx_rate_max = false,
	.tx_rate_min = false,
	.key_size = 40,	  /* ENA_HASH_KEY_SIZE */
	.reta_size = 128, /* 1 << ENA_RX_RSS_TABLE_LOG_SIZE */
	/* not found: the table's size is a power of two, low bits taken */
	.reta_rule = SNIC_RETA_LOW_BITS,
	.rss_max_queues = 128,
	.hfuncs = HF(TOEPLITZ) | HF(CRC32),
	.rss_per_pool = false,
	.rss_contexts = 0,
	.default_key = key_ms, /* random in Linux (ena_com); see top */
	.default_fields = PER_FT(RXH_SD, RXH_SDFN, RXH_SDFN, RXH_SD),
	.field_caps = PER_FT(SNIC_RXH_L2DA | RXH_SD, SNIC_RXH_L2DA | RXH_SDFN,
			     SNIC_RXH_L2DA | RXH_SDFN, SNIC_RXH_L2DA | RXH_SD),
	.quirks = SNIC_Q_NO_SRIOV,
	.max_frame = 9234,
	.default_hfunc = SNIC_HFUNC_TOEPLITZ,
	.rss_flags = 0,
	/* no VFs: the VF knobs do not apply */
	.mac_filters = 0,
	.vlan_filters = 0,
	.pvlan_8021ad = false,
	.vf_promisc = false,
};

static const struct snic_profile *const profiles[] = {
	&prof_generic, &prof_ixgbe_82599, &prof_ixgbe_x550, &prof_ice_e810,
	&prof_mlx5,    &prof_igb_82576,	  &prof_virtio_net, &prof_ena,
};

#define N_PROFILES (sizeof(profiles) / sizeof(profiles[0]))

const struct snic_profile *snic_profile_find(const char *name)
{
	for (size_t i = 0; name && i < N_PROFILES; i++)
		if (!strcmp(profiles[i]->name, name))
			return profiles[i];
	return NULL;
}

const struct snic_profile *const *snic_profiles(size_t *n)
{
	if (n)
		*n = N_PROFILES;
	return profiles;
}

unsigned snic_profile_pool_queues(const struct snic_profile *p, unsigned pools)
{
	if (!p || pools > p->max_pools)
		return 0;
	for (unsigned i = 0; i < SNIC_POOL_QUEUES_ROWS && p->pool_queues[i].max_pools; i++)
		if (pools <= p->pool_queues[i].max_pools)
			return p->pool_queues[i].queues;
	return 0;
}

/* ---- the default conf ---------------------------------------------------- */

static unsigned pow2_ceil(unsigned v)
{
	unsigned p = 1;

	while (p < v)
		p <<= 1;
	return p;
}

/* The PF's RETA size for @nqueues queues, no VFs. */
static unsigned default_reta_size(const struct snic_profile *p, unsigned nqueues)
{
	unsigned size = p->reta_size_novf ? p->reta_size_novf : p->reta_size;

	if (p->reta_size_max && p->reta_spread) {
		unsigned want = pow2_ceil(nqueues * p->reta_spread);

		if (want > size)
			size = want < p->reta_size_max ? want : p->reta_size_max;
	}
	return size;
}

void snic_profile_rss_default(const struct snic_profile *p, unsigned nqueues,
			      struct snic_rss_conf *c)
{
	unsigned nq = nqueues ? nqueues : 1;

	if (nq > p->rss_max_queues)
		nq = p->rss_max_queues;
	memset(c, 0, sizeof(*c));
	c->hfunc = p->default_hfunc;
	c->key_len = p->key_size;
	memcpy(c->key, p->default_key, p->key_size);
	c->reta_rule = p->reta_rule;
	memcpy(c->fields, p->default_fields, sizeof(c->fields));
	c->reta_size = (uint16_t)default_reta_size(p, nq);
	c->nqueues = (uint16_t)nq;
	for (unsigned i = 0; i < c->reta_size; i++)
		c->reta[i] = (uint16_t)(i % nq);
}

/* ---- checks ------------------------------------------------------------------ */

/* "toeplitz, xor" for the hash functions in @mask. */
static const char *hfuncs_desc(uint32_t mask, char *buf, size_t size)
{
	size_t off = 0;

	buf[0] = '\0';
	for (unsigned f = 0; f < SNIC_HFUNC_COUNT && off < size; f++)
		if (mask & (1u << f))
			off += (size_t)snprintf(buf + off, size - off, "%s%s", off ? ", " : "",
						snic_hfunc_name((enum snic_hfunc)f));
	return buf;
}

/* The RETA sizes @p takes, in words: "64 (512 without VFs)". */
static const char *reta_sizes_desc(const struct snic_profile *p, char *buf, size_t size)
{
	int n;

	if (p->reta_size_max)
		n = snprintf(buf, size, "%u..%u (a power of two)", p->reta_size, p->reta_size_max);
	else
		n = snprintf(buf, size, "%u", p->reta_size);
	if (n > 0 && (size_t)n < size && p->reta_size_novf)
		n += snprintf(buf + n, size - (size_t)n, " (%u without VFs)", p->reta_size_novf);
	if (n > 0 && (size_t)n < size && p->vf_reta_size)
		snprintf(buf + n, size - (size_t)n, " (%u for a VF)", p->vf_reta_size);
	return buf;
}

static bool is_pow2(unsigned v)
{
	return v && !(v & (v - 1));
}

static bool reta_size_ok(const struct snic_profile *p, unsigned size)
{
	if (size == p->reta_size || (p->vf_reta_size && size == p->vf_reta_size) ||
	    (p->reta_size_novf && size == p->reta_size_novf))
		return true;
	return p->reta_size_max && is_pow2(size) && size >= p->reta_size &&
	       size <= p->reta_size_max;
}

static int check_key_hfunc(const struct snic_profile *p, const struct snic_rss_conf *c,
			   struct snic_err *err)
{
	char ok[96];

	if (c->key_len != p->key_size)
		return snic_errf(err, -EINVAL, "%s: key of %u bytes, the device takes %u", p->name,
				 c->key_len, p->key_size);
	if (c->hfunc >= SNIC_HFUNC_COUNT)
		return snic_errf(err, -EINVAL,
				 "%s: hash function %u is unknown, the device takes %s", p->name,
				 c->hfunc, hfuncs_desc(p->hfuncs, ok, sizeof(ok)));
	if (!(p->hfuncs & (1u << c->hfunc)))
		return snic_errf(err, -EINVAL,
				 "%s: hash function %s not supported, the device takes %s", p->name,
				 snic_hfunc_name((enum snic_hfunc)c->hfunc),
				 hfuncs_desc(p->hfuncs, ok, sizeof(ok)));
	return 0;
}

/* Queues the RETA names: its highest entry + 1. */
static unsigned reta_span(const struct snic_rss_conf *c)
{
	unsigned n = 0;

	for (unsigned i = 0; i < c->reta_size; i++)
		if (c->reta[i] >= n)
			n = c->reta[i] + 1u;
	return n;
}

static int check_reta(const struct snic_profile *p, const struct snic_rss_conf *c,
		      struct snic_err *err)
{
	char ok[96];

	if (c->reta_rule != p->reta_rule)
		return snic_errf(err, -EINVAL, "%s: RETA index rule %s, the device uses %s",
				 p->name, c->reta_rule == SNIC_RETA_MODULO ? "modulo" : "low bits",
				 p->reta_rule == SNIC_RETA_MODULO ? "modulo" : "low bits");
	if (!reta_size_ok(p, c->reta_size))
		return snic_errf(err, -EINVAL, "%s: RETA of %u entries, the device takes %s",
				 p->name, c->reta_size, reta_sizes_desc(p, ok, sizeof(ok)));
	for (unsigned i = 0; i < c->reta_size; i++)
		if (c->reta[i] >= p->rss_max_queues)
			return snic_errf(
				err, -EINVAL,
				"%s: RETA spreads over %u queues (entry %u names queue %u), "
				"the device can name queues 0..%u",
				p->name, reta_span(c), i, c->reta[i], p->rss_max_queues - 1u);
	return 0;
}

/* s with d, f with n, ports only with both addresses. */
static bool fields_paired(unsigned fields)
{
	unsigned a = fields & RXH_SD, l4 = fields & RXH_FN;

	return (!a || a == RXH_SD) && (!l4 || (l4 == RXH_FN && a == RXH_SD));
}

static int check_ft_fields(const struct snic_profile *p, const struct snic_rss_conf *c, unsigned ft,
			   struct snic_err *err)
{
	const char *name = snic_flow_type_name((enum snic_flow_type)ft);
	unsigned f = c->fields[ft];
	char got[8], ok[8];

	if (f & ~p->field_caps[ft])
		return snic_errf(
			err, -EINVAL, "%s: %s cannot hash on '%s', the device selects from '%s'",
			p->name, name,
			snic_rxh_format((uint8_t)(f & ~p->field_caps[ft]), got, sizeof(got)),
			snic_rxh_format(p->field_caps[ft], ok, sizeof(ok)));
	if ((f & p->field_must[ft]) != p->field_must[ft])
		return snic_errf(err, -EINVAL, "%s: %s must hash on '%s', got '%s'", p->name, name,
				 snic_rxh_format(p->field_must[ft], ok, sizeof(ok)),
				 snic_rxh_format((uint8_t)f, got, sizeof(got)));
	if ((p->quirks & SNIC_Q_FIELD_PAIRS) && !fields_paired(f))
		return snic_errf(err, -EINVAL,
				 "%s: %s fields '%s' not supported, the device takes s with d "
				 "and f with n, ports only with addresses",
				 p->name, name, snic_rxh_format((uint8_t)f, got, sizeof(got)));
	return 0;
}

static int check_fields_flags(const struct snic_profile *p, const struct snic_rss_conf *c,
			      struct snic_err *err)
{
	for (unsigned ft = 0; ft < SNIC_FT_COUNT; ft++) {
		int rc = check_ft_fields(p, c, ft, err);

		if (rc)
			return rc;
	}
	if (c->flags & SNIC_RSS_INNER & ~p->rss_flags)
		return snic_errf(err, -EINVAL,
				 "%s: flag inner not supported: the device hashes "
				 "outer headers only",
				 p->name);
	if (c->flags & SNIC_RSS_TEID & ~p->rss_flags)
		return snic_errf(err, -EINVAL,
				 "%s: flag teid not supported: the device does not "
				 "hash the GTP-U TEID",
				 p->name);
	return 0;
}

int snic_profile_check_rss(const struct snic_profile *p, const struct snic_rss_conf *c,
			   struct snic_err *err)
{
	int rc = check_key_hfunc(p, c, err);

	if (!rc)
		rc = check_reta(p, c, err);
	if (!rc)
		rc = check_fields_flags(p, c, err);
	return rc;
}
