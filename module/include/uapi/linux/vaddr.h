/* SPDX-License-Identifier: ((GPL-2.0 WITH Linux-syscall-note) OR MIT) */
/*
 * vaddr: per-domain source addresses for the processes of a host.
 *
 * This header is the only definition of the generic netlink protocol
 * spoken between the vaddr module and vaddrctl.
 *
 * Family "vaddr" (VADDR_GENL_NAME), version VADDR_GENL_VERSION. Every
 * request works on the table of the sender's network namespace. Changes
 * need CAP_NET_ADMIN in the user namespace owning that network namespace.
 * Every rejection carries an extended ACK message, and the offending
 * attribute where there is one.
 *
 * VADDR_CMD_DOMAIN_NEW: create a domain.
 *   VADDR_A_DOMAIN: NUL-terminated name of at most 253 bytes: dot-separated
 *                   labels of 1 to 63 lowercase letters, digits, '-' or
 *                   '_' (required)
 *   VADDR_A_ADDR4:  4 bytes, network order
 *   VADDR_A_ADDR6:  16 bytes, network order
 *   VADDR_A_FAIL_CLOSED: u8, 1 = fail-closed (see VADDR_CMD_DOMAIN_SET),
 *                   0 = not (the default)
 *   At least one address is required. The IPv4 address must be unicast
 *   (not 0/8, 127/8, multicast or broadcast), the IPv6 address global
 *   unicast (not ::, ::1, multicast, link-local or v4-mapped), and neither
 *   may belong to another domain.
 *
 * VADDR_CMD_DOMAIN_DEL: delete a domain and every uid and cgroup mapped
 * to it.
 *   VADDR_A_DOMAIN (required)
 *
 * VADDR_CMD_DOMAIN_GET: with VADDR_A_DOMAIN, that domain; as a dump, all
 * domains. Each reply carries VADDR_A_DOMAIN, VADDR_A_ADDR4 and
 * VADDR_A_ADDR6 when set, VADDR_A_NR_UIDS and VADDR_A_NR_CGROUPS (u32),
 * VADDR_A_FAIL_CLOSED (u8). Any user may read the list of domains.
 *
 * VADDR_CMD_DOMAIN_SET: change a domain's options.
 *   VADDR_A_DOMAIN (required)
 *   VADDR_A_FAIL_CLOSED: u8 (required). 1: the domain's sockets never
 *                   start traffic from an address that is not the
 *                   domain's (loopback, multicast, broadcast and
 *                   link-local destinations aside): a connect that
 *                   auto-bind cannot serve (no address of the family, or
 *                   the address is not configured on the host), or of a
 *                   socket bound to another address, fails with
 *                   EADDRNOTAVAIL; so does a send from another address,
 *                   unless source rewriting will give it the domain's.
 *                   Counted in VADDR_STAT_FAIL_CLOSED. What source NAT
 *                   other than vaddr's (an administrator's masquerade or
 *                   snat rule, which runs first and wins) would send from
 *                   another address is dropped after it, at the end of
 *                   POSTROUTING: counted in VADDR_STAT_FAIL_CLOSED_NAT.
 *
 * VADDR_CMD_UID_ADD: map a uid, or a list of uids, to a domain.
 *   VADDR_A_UID: u32, in the sender's user namespace; or
 *   VADDR_A_UIDS: nest of VADDR_A_UID, one or more (as many as the
 *                 nest's 64 KB hold), none of them mapped yet and none
 *                 twice: all of them are added, or none (the extack
 *                 points at the uid refused)
 *   VADDR_A_DOMAIN (required)
 *   Each uid added is announced as its own UID_ADD event.
 * VADDR_CMD_UID_DEL: VADDR_A_UID (required).
 * VADDR_CMD_UID_GET: dump only; one message per mapping with VADDR_A_UID
 *   (as seen from the sender's user namespace) and VADDR_A_DOMAIN. uids
 *   that have no mapping in the sender's user namespace are not listed.
 *
 * VADDR_CMD_CGROUP_ADD: map a cgroup v2 directory to a domain.
 *   VADDR_A_CGROUP_ID: u64, the cgroup id (the file handle of the
 *                      directory on cgroupfs, see name_to_handle_at(2);
 *                      required); only cgroups the sender can see
 *   VADDR_A_DOMAIN (required)
 * VADDR_CMD_CGROUP_DEL: VADDR_A_CGROUP_ID (required).
 * VADDR_CMD_CGROUP_GET: dump only; VADDR_A_CGROUP_ID and VADDR_A_DOMAIN.
 *
 * VADDR_CMD_FLUSH: remove every domain and mapping of the namespace.
 *
 * VADDR_CMD_STATS_GET: dump only; one message per domain with
 *   VADDR_A_DOMAIN and VADDR_A_STATS, a nest of u64 VADDR_STAT_* counters.
 *
 * VADDR_CMD_SETTINGS_SET: change the namespace's settings; each attribute
 * present is applied, all or nothing.
 *   VADDR_A_NAT: u8, 1 = rewrite the source of mapped traffic that
 *                auto-bind cannot cover (the default), 0 = never; while
 *                off, vaddr registers no NAT hook in the namespace and so
 *                pulls no conntrack into it.
 *   VADDR_A_ISOLATION: u8, 1 = a domain's address may be the source of
 *                what a socket starts (a TCP connection, a datagram that
 *                is no reply) only for the domain's own sockets and the
 *                uids of the allow list (VADDR_CMD_ALLOW_*); anything else
 *                fails with EPERM (a TCP SYN whose source the routing
 *                code picked: ECONNREFUSED), counted in
 *                VADDR_STAT_ISOLATED of the address's domain. 0 = off
 *                (the default).
 * VADDR_CMD_SETTINGS_GET: reply with every setting (VADDR_A_NAT,
 *   VADDR_A_ISOLATION) and what the module found at load:
 *   VADDR_A_CONNECT_REFUSAL: u8, 1 = a connect can be refused on this
 *                kernel (proven at load on a throwaway socket through
 *                each probed function); 0 = not, and isolation and
 *                fail-closed cannot be turned on (EOPNOTSUPP)
 *   VADDR_A_MISSED: u64, connects the module's probes could not see
 *                since it was loaded (another kprobe was running on that
 *                CPU): not auto-bound; the output hook still refuses what
 *                they send against isolation and fail-closed
 *   Any user may read the settings.
 *
 * VADDR_CMD_ALLOW_ADD: allow a uid any domain's address under isolation.
 *   VADDR_A_UID: u32, in the sender's user namespace (required)
 * VADDR_CMD_ALLOW_DEL: VADDR_A_UID (required).
 * VADDR_CMD_ALLOW_GET: dump only; one message per allowed uid with
 *   VADDR_A_UID, as for VADDR_CMD_UID_GET. The allow list belongs to the
 *   namespace's settings: VADDR_CMD_FLUSH leaves it alone.
 *
 * VADDR_CMD_WHOAMI: no attributes, no privilege needed. Replies with what
 * a socket the sender creates now would get: its owner is the sender's
 * fsuid (the uid sockets take at creation) and the sender's cgroup v2,
 * looked up like a socket's (nearest mapped cgroup ancestor, else uid).
 *   VADDR_A_MATCH:     u8, enum vaddr_match; VADDR_MATCH_NONE when the
 *                      sender is not mapped (then nothing else follows)
 *   VADDR_A_DOMAIN, VADDR_A_ADDR4 and VADDR_A_ADDR6 (when set): the domain
 *   VADDR_A_UID:       VADDR_MATCH_UID: the mapped uid, in the sender's
 *                      user namespace
 *   VADDR_A_CGROUP_ID: VADDR_MATCH_CGROUP: the id of the mapped cgroup
 *                      (the sender's own or its nearest mapped ancestor)
 *
 * VADDR_CMD_REPLACE_BEGIN: open a replacement of the whole table, built
 * aside, empty, and tied to the sending netlink socket (one per socket; a
 * second BEGIN on the same socket fails with EEXIST). No attributes.
 *   Requests meant for the replacement carry the flag VADDR_A_STAGED:
 *   VADDR_CMD_DOMAIN_NEW, DOMAIN_DEL, DOMAIN_SET, UID_ADD, UID_DEL,
 *   CGROUP_ADD and CGROUP_DEL accept it. They then apply to the sending
 *   socket's replacement, with the same checks against it as against a
 *   live table, and are neither counted as changes nor announced; the
 *   running table and what other sockets see do not change. A flagged
 *   request on a socket without a replacement fails with ENOENT and
 *   changes nothing: it never falls back to the live table. Requests
 *   without the flag always work on the live table, on that socket too,
 *   and so do GETs and dumps.
 * VADDR_CMD_REPLACE_COMMIT: make the replacement the namespace's table in
 * one step: a connect sees the old table or the new one, never a mix. The
 * counters of a domain that exists in both under the same name carry
 * over. Announced once, as VADDR_CMD_REPLACE_COMMIT with VADDR_A_NR_UIDS
 * and VADDR_A_NR_CGROUPS of the new table.
 *   VADDR_A_GENERATION: u32 (optional): commit only if the namespace's
 *                   generation (as dumps report it) is still this one,
 *                   else fail with ESTALE. Without it the last commit
 *                   wins: changes other sockets made to the live table
 *                   since BEGIN are replaced with the rest of it, as they
 *                   would be by a commit made right after them.
 *   The output hooks a fail-closed domain of the replacement needs are
 *   registered before the switch; when that fails, so does the commit.
 *   A failed commit leaves the live table alone and the replacement open:
 *   commit again, or abort.
 * VADDR_CMD_REPLACE_ABORT: throw the replacement away. No attributes.
 *   A replacement is thrown away too when its socket is closed (or its
 *   process dies) before the commit, and when the namespace goes. COMMIT
 *   and ABORT on a socket without a replacement fail with ENOENT. Changes
 *   are many requests: send them in batches, without NLM_F_ACK but on the
 *   last of each batch (the kernel still answers every failure), and read
 *   the answers before sending the next batch.
 *
 * Reading uid and cgroup mappings and counters needs CAP_NET_ADMIN like
 * changes do; the list of domains is public.
 *
 * Dumps may span many messages; each message carries VADDR_A_GENERATION,
 * the table's generation, and a dump that saw the table change sets
 * NLM_F_DUMP_INTR on its messages, so the reader can start over.
 *
 * Multicast group "events" (VADDR_MCGRP_EVENTS, CAP_NET_ADMIN): every
 * successful change is announced as a message with the request's command
 * and the attributes of what changed (a deleted domain's as they were):
 *   DOMAIN_NEW, DOMAIN_DEL: the domain as VADDR_CMD_DOMAIN_GET gives it
 *   UID_ADD, UID_DEL:       VADDR_A_UID and VADDR_A_DOMAIN (for UID_DEL,
 *                           the domain the uid was mapped to)
 *   CGROUP_ADD, CGROUP_DEL: VADDR_A_CGROUP_ID and VADDR_A_DOMAIN
 *   FLUSH:                  no attributes
 *   SETTINGS_SET:           every setting, as SETTINGS_GET gives them
 * uids in events are as seen from the user namespace that owns the
 * network namespace.
 *
 * Attributes and commands are only ever appended; numbers never change.
 */
#ifndef _UAPI_LINUX_VADDR_H
#define _UAPI_LINUX_VADDR_H

#define VADDR_GENL_NAME		"vaddr"
#define VADDR_GENL_VERSION	1
#define VADDR_MCGRP_EVENTS	"events"

/* Longest domain name, without the terminating NUL (RFC 1035). */
#define VADDR_DOMAIN_MAX	253

enum vaddr_cmd {
	VADDR_CMD_UNSPEC,
	VADDR_CMD_DOMAIN_NEW,
	VADDR_CMD_DOMAIN_DEL,
	VADDR_CMD_DOMAIN_GET,
	VADDR_CMD_UID_ADD,
	VADDR_CMD_UID_DEL,
	VADDR_CMD_UID_GET,
	VADDR_CMD_CGROUP_ADD,
	VADDR_CMD_CGROUP_DEL,
	VADDR_CMD_CGROUP_GET,
	VADDR_CMD_FLUSH,
	VADDR_CMD_STATS_GET,
	VADDR_CMD_SETTINGS_SET,
	VADDR_CMD_SETTINGS_GET,
	VADDR_CMD_REPLACE_BEGIN,	/* staged replacement of the table */
	VADDR_CMD_REPLACE_COMMIT,
	VADDR_CMD_REPLACE_ABORT,
	VADDR_CMD_WHOAMI,		/* the caller's own domain */
	VADDR_CMD_DOMAIN_SET,		/* change a domain's options */
	VADDR_CMD_ALLOW_ADD,		/* isolation: uids allowed any address */
	VADDR_CMD_ALLOW_DEL,
	VADDR_CMD_ALLOW_GET,

	__VADDR_CMD_MAX
};
#define VADDR_CMD_MAX (__VADDR_CMD_MAX - 1)

enum vaddr_attr {
	VADDR_A_UNSPEC,
	VADDR_A_PAD,
	VADDR_A_DOMAIN,		/* string */
	VADDR_A_ADDR4,		/* binary, 4 bytes, network order */
	VADDR_A_ADDR6,		/* binary, 16 bytes, network order */
	VADDR_A_UID,		/* u32 */
	VADDR_A_CGROUP_ID,	/* u64 */
	VADDR_A_NR_UIDS,	/* u32 */
	VADDR_A_NR_CGROUPS,	/* u32 */
	VADDR_A_STATS,		/* nest, VADDR_STAT_* */
	VADDR_A_GENERATION,	/* u32, table generation */
	VADDR_A_NAT,		/* u8, 0 or 1 */
	VADDR_A_ISOLATION,	/* u8, 0 or 1 */
	VADDR_A_FAIL_CLOSED,	/* u8, 0 or 1 */
	VADDR_A_MATCH,		/* u8, enum vaddr_match */
	VADDR_A_STAGED,		/* flag: for the socket's replacement */
	VADDR_A_CONNECT_REFUSAL,	/* u8, 0 or 1 */
	VADDR_A_MISSED,		/* u64 */
	VADDR_A_UIDS,		/* nest: a list of uids, u32 each */

	__VADDR_A_MAX
};
#define VADDR_A_MAX (__VADDR_A_MAX - 1)

/* Why a socket belongs to its domain (VADDR_A_MATCH). */
enum vaddr_match {
	VADDR_MATCH_NONE,
	VADDR_MATCH_UID,		/* its uid is mapped */
	VADDR_MATCH_CGROUP,		/* its cgroup or an ancestor is mapped */
};

/*
 * Per-domain counters. "bound" counts sockets auto-bound at connect; each
 * "skip" counts connects of the domain's sockets that were left alone, by
 * reason; "nat" counts flows whose source the NAT hook rewrote.
 */
enum vaddr_stat {
	VADDR_STAT_UNSPEC,
	VADDR_STAT_PAD,
	VADDR_STAT_BOUND4,		/* auto-bound to the IPv4 address */
	VADDR_STAT_BOUND6,		/* auto-bound to the IPv6 address */
	VADDR_STAT_SKIP_BOUND,		/* program bound an address or port */
	VADDR_STAT_SKIP_LOOPBACK,	/* destination is loopback */
	VADDR_STAT_SKIP_SCOPE,		/* multicast, broadcast, link-local */
	VADDR_STAT_SKIP_NO_ADDR,	/* domain has no address of the family */
	VADDR_STAT_SKIP_ADDR_GONE,	/* address not configured on the host */
	VADDR_STAT_SKIP_KERNEL,		/* kernel socket */
	VADDR_STAT_NAT4,		/* IPv4 flows rewritten */
	VADDR_STAT_NAT6,		/* IPv6 flows rewritten */
	VADDR_STAT_ISOLATED,		/* others' use of the address refused */
	VADDR_STAT_FAIL_CLOSED,		/* the domain's own connects refused */
	VADDR_STAT_FAIL_CLOSED_NAT,	/* its sends another NAT rewrote, dropped */

	__VADDR_STAT_MAX
};
#define VADDR_STAT_MAX (__VADDR_STAT_MAX - 1)

#endif /* _UAPI_LINUX_VADDR_H */
