/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What vaddrctl doctor concludes about a domain's address from the facts
 * it gathered (interfaces, reverse and forward DNS), and how it prints the
 * findings. Pure: no lookups here, so that the verdicts are unit-tested.
 */
#ifndef VADDRCTL_FINDINGS_H
#define VADDRCTL_FINDINGS_H

#include <stdbool.h>
#include <stddef.h>

enum verdict {
	VERDICT_OK,
	VERDICT_WARN,		/* worth knowing, remote hosts do not care */
	VERDICT_ERROR,		/* remote hosts will distrust the domain */
};

struct finding {
	const char *domain;
	const char *addr;	/* NULL: about the domain as a whole */
	const char *check;	/* "address", "ptr", "forward", "mapping" */
	enum verdict verdict;
	char message[320];
	char hint[320];		/* "" when there is nothing to do */
};

/* What doctor found out about one address of a domain. */
struct addr_facts {
	const char *domain;
	const char *addr;
	int family;		/* AF_INET, AF_INET6 */
	const char *ifname;	/* where it is configured; NULL: nowhere */
	int ptr_err;		/* getnameinfo(NI_NAMEREQD): 0 or EAI_* */
	const char *ptr;	/* the name the PTR gives, when ptr_err is 0 */
	int fwd_err;		/* getaddrinfo(domain): 0 or EAI_* */
	bool fwd_has;		/* the domain's A/AAAA include addr */
	const char *fwd;	/* the addresses found, comma-separated */
};

#define ADDR_FINDINGS	3

/* DNS names are equal ignoring case and one trailing dot. */
bool dns_name_eq(const char *a, const char *b);

/* The findings of an address: fills out[0..ADDR_FINDINGS-1]. */
void findings_addr(const struct addr_facts *f, struct finding *out);

/*
 * What the module found at load (lib/settings.h's module_state): whether
 * connects can be refused, and connects its probes missed. Fills
 * out[0..MODULE_FINDINGS-1]; the domain is "(module)".
 */
#define MODULE_FINDINGS	2
struct module_state;
void findings_module(const struct module_state *m, struct finding *out);

/*
 * Kernel modules that send from a kernel socket, for any user, from an
 * address the user chose: rds, rds_tcp and rxrpc. @proc_modules is the
 * text of /proc/modules (NULL: unreadable). One finding, of the domain
 * "(kernel)": a warning naming those loaded.
 */
void findings_proxies(const char *proc_modules, struct finding *out);

/*
 * smc: AF_SMC sets up its TCP connection from a kernel socket (README,
 * "Not covered"). One finding of "(kernel)": a warning when loaded.
 */
void findings_smc(const char *proc_modules, struct finding *out);

/*
 * Packet sockets (AF_PACKET) pass no netfilter hook: a process with
 * CAP_NET_RAW sends from them whatever source it likes. @proc_net_packet
 * is the text of /proc/net/packet (NULL: unreadable; "" when the kernel
 * has no packet sockets). One finding of "(kernel)": a warning naming the
 * users other than root that have one open.
 */
void findings_packet(const char *proc_net_packet, struct finding *out);

/*
 * SCTP's ASCONF adds addresses to a live association, which vaddr does not
 * judge (README, "Not covered"); only with net.sctp.addip_enable.
 * @addip_enable is that file's text ("": no such file, SCTP is not
 * loaded; NULL: unreadable). One finding of "(kernel)": a warning when it
 * is on or unreadable.
 */
void findings_sctp(const char *addip_enable, struct finding *out);

/* A domain nothing is mapped to. */
void findings_unmapped(const char *domain, struct finding *out);

/* An aligned table, or a JSON array of objects. */
void findings_print(const struct finding *v, size_t n);

#endif
