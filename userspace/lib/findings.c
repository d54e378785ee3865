// SPDX-License-Identifier: GPL-2.0
/*
 * doctor's verdicts. A receiving mail server looks up the PTR of the
 * connecting address and then the A/AAAA of the name it found; only when
 * both agree (forward-confirmed reverse DNS) does the address count as the
 * domain's. And the address must be configured here, or vaddr leaves it
 * alone and the domain's connections come from the host's address.
 */
#include <ctype.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "findings.h"
#include "settings.h"
#include "print.h"

bool dns_name_eq(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);

	if (la && a[la - 1] == '.')
		la--;
	if (lb && b[lb - 1] == '.')
		lb--;
	return la == lb && !strncasecmp(a, b, la);
}

static void finding(struct finding *out, const struct addr_facts *f,
		    const char *check, enum verdict v)
{
	memset(out, 0, sizeof(*out));
	out->domain = f->domain;
	out->addr = f->addr;
	out->check = check;
	out->verdict = v;
}

static void check_address(const struct addr_facts *f, struct finding *out)
{
	if (f->ifname) {
		finding(out, f, "address", VERDICT_OK);
		snprintf(out->message, sizeof(out->message),
			 "configured on %s", f->ifname);
		return;
	}
	finding(out, f, "address", VERDICT_ERROR);
	snprintf(out->message, sizeof(out->message),
		 "not configured on any interface of this namespace: the domain's connections leave from the host's address");
	snprintf(out->hint, sizeof(out->hint), "ip address add %s/%d dev IFACE",
		 f->addr, f->family == AF_INET ? 32 : 128);
}

static void check_ptr(const struct addr_facts *f, struct finding *out)
{
	if (!f->ptr_err && dns_name_eq(f->ptr, f->domain)) {
		finding(out, f, "ptr", VERDICT_OK);
		snprintf(out->message, sizeof(out->message), "PTR names %s",
			 f->domain);
		return;
	}
	finding(out, f, "ptr", VERDICT_ERROR);
	snprintf(out->hint, sizeof(out->hint),
		 "have the owner of the reverse zone of %s set its PTR to %s.",
		 f->addr, f->domain);
	if (!f->ptr_err)
		snprintf(out->message, sizeof(out->message),
			 "PTR names %s, not %s", f->ptr, f->domain);
	else if (f->ptr_err == EAI_NONAME)
		snprintf(out->message, sizeof(out->message), "no PTR record");
	else
		snprintf(out->message, sizeof(out->message),
			 "reverse lookup failed: %s", gai_strerror(f->ptr_err));
	if (f->ptr_err && f->ptr_err != EAI_NONAME)
		snprintf(out->hint, sizeof(out->hint),
			 "check the resolver (/etc/resolv.conf, /etc/nsswitch.conf)");
}

static void check_forward(const struct addr_facts *f, struct finding *out)
{
	const char *rr = f->family == AF_INET ? "A" : "AAAA";

	if (!f->fwd_err && f->fwd_has) {
		finding(out, f, "forward", VERDICT_OK);
		snprintf(out->message, sizeof(out->message),
			 "%s has %s %s", f->domain, rr, f->addr);
		return;
	}
	finding(out, f, "forward", VERDICT_ERROR);
	snprintf(out->hint, sizeof(out->hint), "add %s. IN %s %s", f->domain,
		 rr, f->addr);
	if (!f->fwd_err && f->fwd && f->fwd[0])
		snprintf(out->message, sizeof(out->message),
			 "the addresses of %s (%s) do not include %s",
			 f->domain, f->fwd, f->addr);
	else if (!f->fwd_err || f->fwd_err == EAI_NONAME ||
		 f->fwd_err == EAI_NODATA)
		snprintf(out->message, sizeof(out->message),
			 "%s has no %s record", f->domain, rr);
	else {
		snprintf(out->message, sizeof(out->message),
			 "lookup of %s failed: %s", f->domain,
			 gai_strerror(f->fwd_err));
		snprintf(out->hint, sizeof(out->hint),
			 "check the resolver (/etc/resolv.conf, /etc/nsswitch.conf)");
	}
}

void findings_addr(const struct addr_facts *f, struct finding *out)
{
	check_address(f, &out[0]);
	check_ptr(f, &out[1]);
	check_forward(f, &out[2]);
}

void findings_unmapped(const char *domain, struct finding *out)
{
	memset(out, 0, sizeof(*out));
	out->domain = domain;
	out->check = "mapping";
	out->verdict = VERDICT_WARN;
	snprintf(out->message, sizeof(out->message),
		 "no user or cgroup is mapped to it: nothing leaves from its addresses");
	snprintf(out->hint, sizeof(out->hint), "vaddrctl user add USER domain %s",
		 domain);
}

void findings_module(const struct module_state *m, struct finding *out)
{
	memset(out, 0, MODULE_FINDINGS * sizeof(*out));
	out[0].domain = out[1].domain = "(module)";
	out[0].check = "refusal";
	if (m->refusal) {
		snprintf(out[0].message, sizeof(out[0].message),
			 "connects can be refused on this kernel: isolation and fail-closed work");
	} else {
		out[0].verdict = VERDICT_WARN;
		snprintf(out[0].message, sizeof(out[0].message),
			 "connects cannot be refused on this kernel: isolation and fail-closed cannot be turned on");
		snprintf(out[0].hint, sizeof(out[0].hint),
			 "the kernel log says why (dmesg | grep vaddr)");
	}
	out[1].check = "probes";
	if (!m->missed) {
		snprintf(out[1].message, sizeof(out[1].message),
			 "the connect probes saw every connect since the module loaded");
	} else {
		out[1].verdict = VERDICT_WARN;
		snprintf(out[1].message, sizeof(out[1].message),
			 "the connect probes missed %llu connects since the module loaded: they were not auto-bound",
			 (unsigned long long)m->missed);
		snprintf(out[1].hint, sizeof(out[1].hint),
			 "another kprobe ran on the same CPU: look for tracing tools (perf, bpftrace) probing connects");
	}
}

/* Is @name the first word of a line of @text? */
static bool module_listed(const char *text, const char *name)
{
	size_t n = strlen(name);
	const char *line;

	for (line = text; line && *line; line = strchr(line, '\n'),
	     line = line ? line + 1 : NULL)
		if (!strncmp(line, name, n) && line[n] == ' ')
			return true;
	return false;
}

/* @out, an ok finding of the host's kernel, check @check. */
static void kernel_finding(struct finding *out, const char *check)
{
	memset(out, 0, sizeof(*out));
	out->domain = "(kernel)";
	out->check = check;
}

void findings_proxies(const char *proc_modules, struct finding *out)
{
	static const char *const proxies[] = { "rds", "rds_tcp", "rxrpc" };
	char loaded[64] = "";
	size_t i, len = 0;

	kernel_finding(out, "proxies");
	if (!proc_modules) {
		out->verdict = VERDICT_WARN;
		snprintf(out->message, sizeof(out->message),
			 "cannot read /proc/modules: whether rds, rds_tcp or rxrpc is loaded is unknown");
		return;
	}
	for (i = 0; i < sizeof(proxies) / sizeof(proxies[0]); i++)
		if (module_listed(proc_modules, proxies[i]))
			len += snprintf(loaded + len, sizeof(loaded) - len,
					"%s%s", len ? ", " : "", proxies[i]);
	if (!len) {
		snprintf(out->message, sizeof(out->message),
			 "rds, rds_tcp and rxrpc are not loaded");
		return;
	}
	out->verdict = VERDICT_WARN;
	snprintf(out->message, sizeof(out->message),
		 "loaded: %s; any user can make their kernel sockets send from an address of the user's choice: isolation refuses that from domains' addresses, fail-closed cannot stop it from the host's",
		 loaded);
	snprintf(out->hint, sizeof(out->hint),
		 "unless you need them: modprobe -r rds_tcp rds rxrpc; vaddr's modprobe.d file keeps them from loading again");
}

void findings_smc(const char *proc_modules, struct finding *out)
{
	kernel_finding(out, "smc");
	if (!proc_modules) {
		out->verdict = VERDICT_WARN;
		snprintf(out->message, sizeof(out->message),
			 "cannot read /proc/modules: whether smc is loaded is unknown");
		return;
	}
	if (!module_listed(proc_modules, "smc")) {
		snprintf(out->message, sizeof(out->message),
			 "smc is not loaded");
		return;
	}
	out->verdict = VERDICT_WARN;
	snprintf(out->message, sizeof(out->message),
		 "loaded: smc; an AF_SMC socket's TCP connection is a kernel socket's, which vaddr cannot tie to its program: isolation refuses it from domains' addresses, fail-closed cannot judge it, and its data goes over RDMA or ISM");
	snprintf(out->hint, sizeof(out->hint),
		 "where isolation matters: modprobe -r smc, and keep it from loading (an install line in modprobe.d), or block AF_SMC with seccomp");
}

/* The owners of /proc/net/packet's sockets other than root, and how many. */
struct packet_users {
	unsigned int uid[8], count[8];
	size_t n, more;		/* more: sockets of uids beyond uid[] */
};

static void packet_user_add(struct packet_users *u, unsigned int uid)
{
	size_t i;

	for (i = 0; i < u->n; i++)
		if (u->uid[i] == uid) {
			u->count[i]++;
			return;
		}
	if (u->n == sizeof(u->uid) / sizeof(u->uid[0])) {
		u->more++;
		return;
	}
	u->uid[u->n] = uid;
	u->count[u->n++] = 1;
}

void findings_packet(const char *proc_net_packet, struct finding *out)
{
	struct packet_users u = {};
	const char *line;
	size_t i, len;

	kernel_finding(out, "packet");
	if (!proc_net_packet) {
		out->verdict = VERDICT_WARN;
		snprintf(out->message, sizeof(out->message),
			 "cannot read /proc/net/packet: whether users have packet sockets open is unknown");
		return;
	}
	/* "sk RefCnt Type Proto Iface R Rmem User Inode", a header first. */
	line = strchr(proc_net_packet, '\n');
	for (; line && *++line; line = strchr(line, '\n')) {
		unsigned int uid;

		if (sscanf(line, "%*s %*d %*d %*x %*d %*d %*u %u", &uid) == 1 &&
		    uid)
			packet_user_add(&u, uid);
	}
	if (!u.n) {
		snprintf(out->message, sizeof(out->message),
			 "no user but root has a packet socket open");
		return;
	}
	len = snprintf(out->message, sizeof(out->message),
		       "packet sockets open by ");
	for (i = 0; i < u.n; i++)
		len += snprintf(out->message + len, sizeof(out->message) - len,
				"%suid %u (%u)", i ? ", " : "", u.uid[i],
				u.count[i]);
	if (u.more)
		len += snprintf(out->message + len, sizeof(out->message) - len,
				", others (%zu)", u.more);
	out->verdict = VERDICT_WARN;
	snprintf(out->message + len, sizeof(out->message) - len,
		 ": what they send passes no netfilter hook, whatever its source address: neither isolation nor fail-closed judges it");
	snprintf(out->hint, sizeof(out->hint),
		 "a packet socket needs CAP_NET_RAW: find what gives it to these users (file capabilities: getcap -r /; a service's AmbientCapabilities=) and take it back");
}

void findings_sctp(const char *addip_enable, struct finding *out)
{
	kernel_finding(out, "sctp");
	if (!addip_enable) {
		out->verdict = VERDICT_WARN;
		snprintf(out->message, sizeof(out->message),
			 "cannot read net.sctp.addip_enable: whether SCTP associations may add addresses is unknown");
		return;
	}
	if (!*addip_enable) {
		snprintf(out->message, sizeof(out->message),
			 "sctp is not loaded");
		return;
	}
	if (atoi(addip_enable) == 0) {
		snprintf(out->message, sizeof(out->message),
			 "net.sctp.addip_enable is off: SCTP associations cannot add addresses");
		return;
	}
	out->verdict = VERDICT_WARN;
	snprintf(out->message, sizeof(out->message),
		 "net.sctp.addip_enable is on: an SCTP association may add addresses with ASCONF (sctp_bindx()), another domain's too, which vaddr does not judge");
	snprintf(out->hint, sizeof(out->hint),
		 "unless SCTP's dynamic addresses are needed: sysctl -w net.sctp.addip_enable=0 (and in /etc/sysctl.d)");
}

static const char *const verdicts[] = {
	[VERDICT_OK] = "ok",
	[VERDICT_WARN] = "warning",
	[VERDICT_ERROR] = "error",
};

void findings_print(const struct finding *v, size_t n)
{
	int wv = 0, wd = 0, wa = 1, wc = 0;
	const struct finding *f;

	for (f = v; f < v + n; f++) {
		wv = print_width(wv, verdicts[f->verdict]);
		wd = print_width(wd, f->domain);
		wa = print_width(wa, f->addr);
		wc = print_width(wc, f->check);
	}
	print_open_array(NULL);
	for (f = v; f < v + n; f++) {
		print_open_object(NULL);
		print_str(PRINT_ANY, "status", -wv, verdicts[f->verdict]);
		print_text("  ");
		print_str(PRINT_ANY, "domain", -wd, f->domain);
		print_text("  ");
		print_str(PRINT_ANY, "addr", -wa, f->addr);
		print_text("  ");
		print_str(PRINT_ANY, "check", -wc, f->check);
		print_text("  ");
		print_str(PRINT_ANY, "message", 0, f->message);
		if (f->hint[0])
			print_text(" (hint: %s)", f->hint);
		print_str(PRINT_JSON, "hint", 0, f->hint[0] ? f->hint : NULL);
		print_text("\n");
		print_close_object();
	}
	print_close_array();
}
