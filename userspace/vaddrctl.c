// SPDX-License-Identifier: GPL-2.0
/*
 * vaddrctl: configure vaddr, the per-domain source addresses of a host.
 *
 *	vaddrctl [-j [-p]] [-n NETNS] OBJECT COMMAND [ARGS]
 *
 * Global options, then one word per level of the dispatch table below.
 */
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>

#include "lib/batch.h"
#include "lib/cmd.h"
#include "lib/netns.h"
#include "lib/nl.h"
#include "lib/print.h"
#include "lib/settings.h"
#include "lib/util.h"
#include "vaddrctl.h"

static int cmd_help(int argc, char **argv);

static const struct cmd objects[] = {
	{ "domain", NULL, cmd_domain, NULL },
	{ "user", NULL, cmd_user, NULL },
	{ "cgroup", NULL, cmd_cgroup, NULL },
	{ "show", cmd_show, NULL, "" },
	{ "set", cmd_set, NULL,
	  "[SETTING VALUE]...\nisolation allow|disallow USER|UID" },
	{ "stats", cmd_stats, NULL, "" },
	{ "flush", cmd_flush, NULL, "" },
	{ "load", cmd_load, NULL, "FILE" },
	{ "check", cmd_check, NULL, "FILE" },
	{ "save", cmd_save, NULL, "" },
	{ "monitor", cmd_monitor, NULL, "[-t|--timestamp]" },
	{ "whoami", cmd_whoami, NULL, "" },
	{ "exec", cmd_exec, NULL, "NAME [--] CMD [ARGS]..." },
	{ "doctor", cmd_doctor, NULL, "" },
	{ "help", cmd_help, NULL, "" },
	{}
};

static void help(FILE *f)
{
	const char *lead = "  vaddrctl ";

	fputs("Usage: vaddrctl [-j [-p]] [-n NETNS] [COMMAND]\n"
	      "       vaddrctl [-j [-p]] [-n NETNS] [-f] -b FILE\n\nCommands:\n", f);
	cmd_list(f, objects, NULL, lead, lead);
	fputs("\n"
	      "Without a command, vaddrctl runs 'show'.\n"
	      "ADDR is an IPv4 or IPv6 address; a domain has at most one of each.\n"
	      "NAME is a domain name of at most 253 bytes: dot-separated labels of\n"
	      "  1 to 63 letters, digits, '-' or '_', taken in lowercase.\n"
	      "USER is a user name; digits only are a uid.\n"
	      "PATH is a cgroup v2 directory; digits only are a cgroup id.\n"
	      "FILE is a vaddr.conf(5) file, '-' for stdin: 'load' replaces the\n"
	      "  whole table with it at once, 'check' only checks it, 'save'\n"
	      "  prints the running table in that format.\n"
	      "\n"
	      "SETTING VALUE is one of these settings of the namespace; 'set' alone\n"
	      "prints them, 'set' with several applies all of them or none:\n", f);
	settings_help(f);
	fputs("\n"
	      "Options:\n"
	      "  -j, --json         JSON output\n"
	      "  -p, --pretty       indented JSON output\n"
	      "  -n, --netns NETNS  work in network namespace " NETNS_RUN_DIR "/NETNS\n"
	      "  -b, --batch FILE   run the commands of FILE, one a line ('-': stdin)\n"
	      "  -f, --force        with -b: go on after a failed command\n"
	      "  -V, --version      print the version\n"
	      "  -h, --help         print this help\n", f);
}

static int cmd_help(int argc, char **argv)
{
	if (no_more_args(argc, argv))
		return -1;
	help(stdout);
	return 0;
}

static const struct option options[] = {
	{ "json", no_argument, NULL, 'j' },
	{ "pretty", no_argument, NULL, 'p' },
	{ "netns", required_argument, NULL, 'n' },
	{ "batch", required_argument, NULL, 'b' },
	{ "force", no_argument, NULL, 'f' },
	{ "version", no_argument, NULL, 'V' },
	{ "help", no_argument, NULL, 'h' },
	{}
};

static const char *batch_file;
static bool batch_force;

/* Global options; 1 when they were all there was to do, -1 on error. */
static int parse_options(int argc, char **argv)
{
	bool json = false, pretty = false;
	const char *netns = NULL;
	int opt;

	opterr = 0;
	while ((opt = getopt_long(argc, argv, "+:jpn:b:fVh", options,
				  NULL)) != -1) {
		switch (opt) {
		case 'j':
			json = true;
			break;
		case 'p':
			json = pretty = true;
			break;
		case 'n':
			netns = optarg;
			break;
		case 'b':
			batch_file = optarg;
			break;
		case 'f':
			batch_force = true;
			break;
		case 'V':
			printf("vaddrctl %s\n", VADDR_VERSION);
			return 1;
		case 'h':
			help(stdout);
			return 1;
		case ':':
			return fail("option '%s' needs an argument",
				    argv[optind - 1]);
		default:
			return optopt ?
			       fail("unknown option '-%c', see 'vaddrctl help'",
				    optopt) :
			       fail("unknown option '%s', see 'vaddrctl help'",
				    argv[optind - 1]);
		}
	}
	if (batch_force && !batch_file)
		return fail("-f only goes with -b FILE");
	if (batch_file && optind < argc)
		return fail("-b FILE takes no command: '%s'", argv[optind]);
	print_init(stdout, json, pretty);
	return netns ? netns_enter(netns) : 0;
}

/* One command line, from argv or from a batch file. */
static int run(int argc, char **argv, void *data)
{
	(void)data;
	return argc ? cmd_run(objects, NULL, argc, argv) : cmd_show(0, argv);
}

int main(int argc, char **argv)
{
	int err = parse_options(argc, argv);

	if (!err) {
		argc -= optind;
		argv += optind;
		err = batch_file ?
		      batch_run(batch_file, batch_force, run, NULL) :
		      run(argc, argv, NULL);
		nl_close();
	}
	if (fflush(stdout) || ferror(stdout))
		err = fail("cannot write the output");
	return err < 0 ? EXIT_FAILURE : EXIT_SUCCESS;
}
