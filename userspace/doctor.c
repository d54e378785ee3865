// SPDX-License-Identifier: GPL-2.0
/*
 * vaddrctl doctor: what the module found at load (can it refuse
 * connects, did its probes miss any), what lets users send past vaddr's
 * hooks (rds, rds_tcp, rxrpc and smc in /proc/modules, users' packet
 * sockets in /proc/net/packet, net.sctp.addip_enable), then each domain's
 * addresses the way a receiving server will check them (findings.c
 * judges): configured on an interface of this namespace (getifaddrs), PTR
 * naming the domain (getnameinfo with NI_NAMEREQD) and the domain's
 * A/AAAA including the address (getaddrinfo).
 * Exits 1 when any finding is an error.
 */
#include <errno.h>
#include <ifaddrs.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/cmd.h"
#include "lib/findings.h"
#include "lib/ipc.h"
#include "lib/parse.h"
#include "lib/util.h"
#include "vaddrctl.h"

struct doctor {
	struct ifaddrs *ifs;
	struct finding *v;
	size_t n;
};

static bool same_addr(const struct sockaddr *sa, const struct addr *a)
{
	if (!sa || sa->sa_family != a->family)
		return false;
	if (a->family == AF_INET)
		return !memcmp(&((const struct sockaddr_in *)sa)->sin_addr,
			       &a->v4, sizeof(a->v4));
	return !memcmp(&((const struct sockaddr_in6 *)sa)->sin6_addr, &a->v6,
		       sizeof(a->v6));
}

/* The interface that has the address, or NULL. */
static const char *addr_ifname(const struct doctor *doc, const struct addr *a)
{
	const struct ifaddrs *ifa;

	for (ifa = doc->ifs; ifa; ifa = ifa->ifa_next)
		if (same_addr(ifa->ifa_addr, a))
			return ifa->ifa_name;
	return NULL;
}

static socklen_t to_sockaddr(const struct addr *a, struct sockaddr_storage *ss)
{
	memset(ss, 0, sizeof(*ss));
	ss->ss_family = a->family;
	if (a->family == AF_INET) {
		((struct sockaddr_in *)ss)->sin_addr = a->v4;
		return sizeof(struct sockaddr_in);
	}
	((struct sockaddr_in6 *)ss)->sin6_addr = a->v6;
	return sizeof(struct sockaddr_in6);
}

/* The domain's addresses of a's family: does one equal a? */
static void forward(const char *domain, const struct addr *a,
		    struct addr_facts *f, char *list, size_t size)
{
	struct addrinfo hints = {
		.ai_family = a->family,
		.ai_socktype = SOCK_STREAM,
	};
	struct addrinfo *res, *ai;
	size_t len = 0;

	list[0] = '\0';
	f->fwd_err = getaddrinfo(domain, NULL, &hints, &res);
	if (f->fwd_err)
		return;
	for (ai = res; ai; ai = ai->ai_next) {
		char host[NI_MAXHOST];

		if (same_addr(ai->ai_addr, a))
			f->fwd_has = true;
		if (getnameinfo(ai->ai_addr, ai->ai_addrlen, host, sizeof(host),
				NULL, 0, NI_NUMERICHOST))
			continue;
		len += snprintf(list + len, len < size ? size - len : 0,
				"%s%s", len ? ", " : "", host);
	}
	freeaddrinfo(res);
}

static int doctor_addr(struct doctor *doc, const char *domain,
		       const char *text)
{
	struct addr_facts f = {
		.domain = domain,
		.addr = text,
	};
	/* The findings copy what they say of these. */
	char ptr[NI_MAXHOST], fwd[512];
	struct sockaddr_storage ss;
	struct finding *v;
	struct addr a;
	socklen_t len;

	if (parse_addr(text, &a))
		return fail("%s", parse_err());
	f.family = a.family;
	v = reallocarray(doc->v, doc->n + ADDR_FINDINGS, sizeof(*v));
	if (!v)
		return fail("out of memory");
	doc->v = v;
	f.ifname = addr_ifname(doc, &a);
	len = to_sockaddr(&a, &ss);
	f.ptr_err = getnameinfo((struct sockaddr *)&ss, len, ptr, sizeof(ptr),
				NULL, 0, NI_NAMEREQD);
	f.ptr = ptr;
	forward(domain, &a, &f, fwd, sizeof(fwd));
	f.fwd = fwd;
	findings_addr(&f, &doc->v[doc->n]);
	doc->n += ADDR_FINDINGS;
	return 0;
}

static int doctor_unmapped(struct doctor *doc, const char *domain)
{
	struct finding *v;

	v = reallocarray(doc->v, doc->n + 1, sizeof(*v));
	if (!v)
		return fail("out of memory");
	doc->v = v;
	findings_unmapped(domain, &doc->v[doc->n++]);
	return 0;
}

/*
 * The whole text of a /proc file (which says it is empty: read to the
 * end), "" if @missing_ok and it does not exist, else NULL.
 */
static char *proc_text(const char *path, bool missing_ok)
{
	char *text = NULL, buf[4096];
	size_t size = 0, n;
	FILE *f, *m;

	f = fopen(path, "re");
	if (!f)
		return missing_ok && errno == ENOENT ? strdup("") : NULL;
	m = open_memstream(&text, &size);
	while (m && (n = fread(buf, 1, sizeof(buf), f)) > 0)
		fwrite(buf, 1, n, m);
	if (m)
		fclose(m);
	fclose(f);
	return text;
}

/*
 * What lets a user send past vaddr's hooks (lib/findings.c says why):
 * rds, rds_tcp, rxrpc or smc loaded, users' packet sockets, SCTP's ASCONF.
 */
static int doctor_kernel(struct doctor *doc)
{
	struct finding *v;
	char *text;

	v = reallocarray(doc->v, doc->n + 4, sizeof(*v));
	if (!v)
		return fail("out of memory");
	doc->v = v;
	text = proc_text("/proc/modules", false);
	findings_proxies(text, &doc->v[doc->n++]);
	findings_smc(text, &doc->v[doc->n++]);
	free(text);
	/* No file: the kernel has no AF_PACKET (a module not loaded yet). */
	text = proc_text("/proc/net/packet", true);
	findings_packet(text, &doc->v[doc->n++]);
	free(text);
	/* Of this namespace; no file: SCTP is not loaded. */
	text = proc_text("/proc/sys/net/sctp/addip_enable", true);
	findings_sctp(text, &doc->v[doc->n++]);
	free(text);
	return 0;
}

int cmd_doctor(int argc, char **argv)
{
	struct domains ds = {};
	struct doctor doc = {};
	struct settings s;
	int err = 0;
	size_t i;

	if (no_more_args(argc, argv) || settings_get(&s) || domains_get(&ds))
		return -1;
	if (getifaddrs(&doc.ifs)) {
		domains_free(&ds);
		return fail("cannot list the interfaces' addresses: %m");
	}
	if (s.module.known) {
		doc.v = calloc(MODULE_FINDINGS, sizeof(*doc.v));
		if (!doc.v)
			err = fail("out of memory");
		else
			findings_module(&s.module, doc.v);
		doc.n = doc.v ? MODULE_FINDINGS : 0;
	}
	if (!err)
		err = doctor_kernel(&doc);
	for (i = 0; !err && i < ds.n; i++) {
		const struct domain *d = &ds.v[i];

		if (d->addr4[0])
			err = doctor_addr(&doc, d->name, d->addr4);
		if (!err && d->addr6[0])
			err = doctor_addr(&doc, d->name, d->addr6);
		if (!err && !d->nr_uids && !d->nr_cgroups)
			err = doctor_unmapped(&doc, d->name);
	}
	if (!err) {
		findings_print(doc.v, doc.n);
		for (i = 0; i < doc.n; i++)
			if (doc.v[i].verdict == VERDICT_ERROR)
				err = -1;
	}
	freeifaddrs(doc.ifs);
	free(doc.v);
	domains_free(&ds);
	return err;
}
