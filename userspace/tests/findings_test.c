// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of findings.c: doctor's verdicts from the facts it gathered,
 * and how they print.
 */
#include <netdb.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "../lib/findings.h"
#include "../lib/settings.h"
#include "../lib/print.h"
#include "tap.h"

static struct finding out[ADDR_FINDINGS + 1];

static struct addr_facts good(void)
{
	return (struct addr_facts) {
		.domain = "bcd.example",
		.addr = "198.51.100.70",
		.family = AF_INET,
		.ifname = "eth0",
		.ptr = "BCD.example.",
		.fwd_has = true,
		.fwd = "198.51.100.70",
	};
}

static void print_findings(void)
{
	findings_print(out, ADDR_FINDINGS);
}

static void test_names(void)
{
	ok(dns_name_eq("bcd.example", "bcd.example"), "same name");
	ok(dns_name_eq("BCD.Example.", "bcd.example"), "case and root dot");
	ok(!dns_name_eq("bcd.example", "cd.example"), "other name");
	ok(!dns_name_eq("bcd.example..", "bcd.example"), "one dot only");
}

static void test_good(void)
{
	struct addr_facts f = good();

	findings_addr(&f, out);
	ok(out[0].verdict == VERDICT_OK && out[1].verdict == VERDICT_OK &&
	   out[2].verdict == VERDICT_OK, "configured, PTR and A agree: all ok");
	ok(output_is(print_findings, false, false,
		     "ok  bcd.example  198.51.100.70  address  configured on eth0\n"
		     "ok  bcd.example  198.51.100.70  ptr      PTR names bcd.example\n"
		     "ok  bcd.example  198.51.100.70  forward  bcd.example has A 198.51.100.70\n"),
	   "text is aligned");
	ok(output_is(print_findings, true, false,
		     "[{\"status\":\"ok\",\"domain\":\"bcd.example\",\"addr\":\"198.51.100.70\",\"check\":\"address\",\"message\":\"configured on eth0\",\"hint\":null},"
		     "{\"status\":\"ok\",\"domain\":\"bcd.example\",\"addr\":\"198.51.100.70\",\"check\":\"ptr\",\"message\":\"PTR names bcd.example\",\"hint\":null},"
		     "{\"status\":\"ok\",\"domain\":\"bcd.example\",\"addr\":\"198.51.100.70\",\"check\":\"forward\",\"message\":\"bcd.example has A 198.51.100.70\",\"hint\":null}]\n"),
	   "JSON findings");
}

static void test_bad(void)
{
	struct addr_facts f = good();

	f.ifname = NULL;
	findings_addr(&f, out);
	ok(out[0].verdict == VERDICT_ERROR &&
	   strstr(out[0].message, "not configured") &&
	   !strcmp(out[0].hint, "ip address add 198.51.100.70/32 dev IFACE"),
	   "unconfigured address is an error with a hint");

	f = good();
	f.ptr = "host.example";
	findings_addr(&f, out);
	ok(out[1].verdict == VERDICT_ERROR &&
	   !strcmp(out[1].message, "PTR names host.example, not bcd.example"),
	   "PTR naming another host is an error: %s", out[1].message);

	f = good();
	f.ptr_err = EAI_NONAME;
	findings_addr(&f, out);
	ok(out[1].verdict == VERDICT_ERROR &&
	   !strcmp(out[1].message, "no PTR record"), "missing PTR is an error");

	f = good();
	f.ptr_err = EAI_AGAIN;
	findings_addr(&f, out);
	ok(out[1].verdict == VERDICT_ERROR &&
	   strstr(out[1].message, "reverse lookup failed") &&
	   strstr(out[1].hint, "resolv.conf"), "resolver failure says so");

	f = good();
	f.fwd_has = false;
	f.fwd = "192.0.2.9";
	findings_addr(&f, out);
	ok(out[2].verdict == VERDICT_ERROR &&
	   !strcmp(out[2].message,
		   "the addresses of bcd.example (192.0.2.9) do not include 198.51.100.70") &&
	   !strcmp(out[2].hint, "add bcd.example. IN A 198.51.100.70"),
	   "A pointing elsewhere is an error: %s", out[2].message);

	f = good();
	f.family = AF_INET6;
	f.addr = "2001:db8::70";
	f.fwd_err = EAI_NONAME;
	f.fwd_has = false;
	f.fwd = "";
	f.ifname = NULL;
	findings_addr(&f, out);
	ok(out[2].verdict == VERDICT_ERROR &&
	   !strcmp(out[2].message, "bcd.example has no AAAA record") &&
	   !strcmp(out[0].hint, "ip address add 2001:db8::70/128 dev IFACE"),
	   "IPv6: no AAAA, /128 hint");

	findings_unmapped("bcd.example", &out[ADDR_FINDINGS]);
	ok(out[ADDR_FINDINGS].verdict == VERDICT_WARN &&
	   !out[ADDR_FINDINGS].addr, "an unmapped domain is only a warning");
}

static void test_module(void)
{
	struct module_state m = { .known = true, .refusal = true };
	struct finding out[MODULE_FINDINGS];

	findings_module(&m, out);
	ok(out[0].verdict == VERDICT_OK && out[1].verdict == VERDICT_OK &&
	   !strcmp(out[0].domain, "(module)"),
	   "module: refusal proven, nothing missed");
	m.refusal = false;
	m.missed = 3;
	findings_module(&m, out);
	ok(out[0].verdict == VERDICT_WARN && out[1].verdict == VERDICT_WARN &&
	   strstr(out[0].message, "cannot be turned on") &&
	   strstr(out[1].message, "missed 3 connects"),
	   "module: no refusal and missed connects are warnings");
}

static void test_proxies(void)
{
	struct finding f;

	findings_proxies("vaddr 73728 0 - Live 0x0\nrdsx 1 0 - Live 0x0\n", &f);
	ok(f.verdict == VERDICT_OK && !strcmp(f.domain, "(kernel)") &&
	   !strcmp(f.check, "proxies"), "proxies: none loaded is ok");
	findings_proxies("rxrpc 1 0 - Live 0x0\nvaddr 2 0 - Live 0x0\n"
			 "rds_tcp 3 0 - Live 0x0\nrds 4 1 rds_tcp, Live 0x0\n", &f);
	ok(f.verdict == VERDICT_WARN &&
	   !strncmp(f.message, "loaded: rds, rds_tcp, rxrpc;", 28) &&
	   strstr(f.hint, "modprobe -r"),
	   "proxies: loaded ones named, a warning: %s", f.message);
	findings_proxies(NULL, &f);
	ok(f.verdict == VERDICT_WARN, "proxies: unreadable /proc/modules is a warning");
	findings_smc("smc_diag 1 0 - Live 0x0\nvaddr 2 0 - Live 0x0\n", &f);
	ok(f.verdict == VERDICT_OK && !strcmp(f.check, "smc"),
	   "smc: not loaded (smc_diag is not smc) is ok");
	findings_smc("vaddr 2 0 - Live 0x0\nsmc 3 1 smc_diag, Live 0x0\n", &f);
	ok(f.verdict == VERDICT_WARN && !strncmp(f.message, "loaded: smc;", 12) &&
	   strstr(f.hint, "modprobe -r smc"), "smc: loaded is a warning: %s",
	   f.message);
}

static void test_packet(void)
{
	static const char head[] =
		"sk       RefCnt Type Proto  Iface R Rmem   User   Inode\n";
	char text[512];
	struct finding f;

	findings_packet("", &f);
	ok(f.verdict == VERDICT_OK && !strcmp(f.check, "packet"),
	   "packet: no packet sockets at all is ok");
	snprintf(text, sizeof(text), "%s%s", head,
		 "0000000000000000 3      3    0003   2     1 0      0      1234\n");
	findings_packet(text, &f);
	ok(f.verdict == VERDICT_OK, "packet: root's packet socket is ok: %s",
	   f.message);
	snprintf(text, sizeof(text), "%s%s%s%s", head,
		 "0000000000000000 3      3    0003   2     1 0      1001   1234\n",
		 "0000000000000000 3      2    0800   0     1 0      0      1235\n",
		 "0000000000000000 3      3    88cc   2     1 0      1001   1236\n");
	findings_packet(text, &f);
	ok(f.verdict == VERDICT_WARN &&
	   !strncmp(f.message, "packet sockets open by uid 1001 (2):", 36) &&
	   strstr(f.hint, "CAP_NET_RAW"),
	   "packet: a user's packet sockets are a warning: %s", f.message);
	findings_packet(NULL, &f);
	ok(f.verdict == VERDICT_WARN,
	   "packet: unreadable /proc/net/packet is a warning");
}

static void test_sctp(void)
{
	struct finding f;

	findings_sctp("", &f);
	ok(f.verdict == VERDICT_OK && !strcmp(f.check, "sctp") &&
	   !strcmp(f.message, "sctp is not loaded"), "sctp: not loaded is ok");
	findings_sctp(NULL, &f);
	ok(f.verdict == VERDICT_WARN && !strncmp(f.message, "cannot read", 11),
	   "sctp: unreadable net.sctp.addip_enable is a warning");
	findings_sctp("0\n", &f);
	ok(f.verdict == VERDICT_OK, "sctp: addip_enable 0 is ok: %s", f.message);
	findings_sctp("1\n", &f);
	ok(f.verdict == VERDICT_WARN && strstr(f.message, "ASCONF") &&
	   strstr(f.hint, "addip_enable=0"),
	   "sctp: addip_enable 1 is a warning: %s", f.message);
}

void test_findings(void)
{
	test_names();
	test_good();
	test_bad();
	test_module();
	test_proxies();
	test_packet();
	test_sctp();
}
