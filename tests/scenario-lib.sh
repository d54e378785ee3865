# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
# The hosting scenario of SPEC §1 with real servers, shared by the VM tests
# (tests/vm/scenario-*.sh) and `make demo` (tests/demo/demo.sh). Sourced
# after tests/lib.sh, as root in the VM.
#
#  ns host: the hosting server                      ns inet: the Internet's router
#  +-----------------------------------------+      +---------------------------+
#  | h0 198.51.100.1/24  2001:db8::1/64      | veth | i0 198.51.100.254/24      |
#  |      host.example (uid h1 2001)          |------|    2001:db8::fe/64        |
#  |    198.51.100.70/32 2001:db8::70/128    |      | br0 203.0.113.1/24        |
#  |      bcd.example  (uid b1 2101)          |      |     2001:db8:203::1/64    |
#  |    198.51.100.80/32 2001:db8::80/128    |      +--+---------+---------+----+
#  |      cde.example  (uid c1 2201)          |         |veth     |veth     |veth
#  +-----------------------------------------+    ns mx     ns www    ns dns
#   (the virtual IPv6 addresses are deprecated,   .25 ::25  .80 ::80  .53 ::53
#    so the kernel never picks them by itself)    Postfix   nginx     dnsmasq
#                                                 (203.0.113.x, 2001:db8:203::x)
#
# dnsmasq gives every address a forward and a reverse name, the SPF record
# of each domain, and MX records: remote.example -> mx4.example (A only),
# remote6.example -> mx6.example (AAAA only), both the Postfix in ns mx
# (mx.example). /etc/resolv.conf points there for every namespace.
#
# Mail leaves the host in three ways, each a real program:
#   - swaks run by the user, speaking SMTP to mx.example itself;
#   - a per-domain queue: a Postfix instance per domain (pf-bcd, pf-cde)
#     whose processes run as the domain's user (mail_owner), fed by that
#     user's sendmail;
#   - a shared MTA (pf-shared, mail_owner postfix) separating its remote
#     deliveries per domain with sender-dependent transports bound to the
#     domain's addresses (the recipe in docs/mail.md).
# The receiving Postfix adds Received: and, through policyd-spf, a
# Received-SPF: header (checked, never rejected) to each message.

# shellcheck disable=SC2034 # the addresses and SCN_* are for the scripts
S=/tmp/scenario
HOST4=198.51.100.1 HOST6=2001:db8::1
BCD4=198.51.100.70 BCD6=2001:db8::70
CDE4=198.51.100.80 CDE6=2001:db8::80
GW4=198.51.100.254 GW6=2001:db8::fe
NET4=203.0.113.1 NET6=2001:db8:203::1
MX4=203.0.113.25 MX6=2001:db8:203::25
WWW4=203.0.113.80 WWW6=2001:db8:203::80
DNS4=203.0.113.53 DNS6=2001:db8:203::53
# user uid domain v4 v6
SCN_USERS=("h1 2001 host.example $HOST4 $HOST6"
	"b1 2101 bcd.example $BCD4 $BCD6"
	"c1 2201 cde.example $CDE4 $CDE6")
SCN_POSTFIX=()

# scn_user NAME FIELD: uid, domain, 4 or 6 (its addresses) of a user.
scn_user() {
	local u f
	for u in "${SCN_USERS[@]}"; do
		read -ra f <<<"$u"
		[ "${f[0]}" = "$1" ] || continue
		case $2 in
		uid) echo "${f[1]}" ;;
		domain) echo "${f[2]}" ;;
		4) echo "${f[3]}" ;;
		6) echo "${f[4]}" ;;
		esac
	done
}

# The address as Postfix writes it in Received: and its log.
scn_pfaddr() {
	case $1 in
	*:*) echo "IPv6:$1" ;;
	*) echo "$1" ;;
	esac
}

# --- users, name resolution ----------------------------------------------
scn_users() {
	local u name uid
	for u in "${SCN_USERS[@]}"; do
		read -r name uid _ <<<"$u"
		getent passwd "$name" >/dev/null && continue
		groupadd -g "$uid" "$name" &&
			useradd -u "$uid" -g "$uid" -M -d /tmp -s /bin/sh "$name" || return 1
	done
}

scn_resolv() {
	cp -a /etc/resolv.conf "$S/resolv.conf.orig" 2>/dev/null
	rm -f /etc/resolv.conf
	printf 'nameserver %s\nnameserver %s\noptions timeout:2 attempts:3\n' \
		"$DNS4" "$DNS6" >/etc/resolv.conf
}

# --- namespaces ------------------------------------------------------------
scn_ns() {
	netns_add "$1" || return 1
	"$NSEXEC" -n "$1" -- sh -c 'echo 0 >/proc/sys/net/ipv6/conf/default/accept_dad
		echo 0 >/proc/sys/net/ipv6/conf/all/accept_dad'
}

scn_net() {
	local s a4 a6
	for s in host inet mx www dns; do
		scn_ns $s || return 1
	done
	veth_pair host h0 inet i0 || return 1
	addr_add host h0 $HOST4/24
	addr_add host h0 $HOST6/64
	for a4 in $BCD4 $CDE4; do
		addr_add host h0 "$a4/32"
	done
	for a6 in $BCD6 $CDE6; do
		ip -n host addr add "$a6/128" dev h0 nodad preferred_lft 0
	done
	ip -n host route add default via $GW4
	ip -n host -6 route add default via $GW6
	addr_add inet i0 $GW4/24
	addr_add inet i0 $GW6/64
	ip -n inet link add br0 type bridge
	ip -n inet link set br0 up
	addr_add inet br0 $NET4/24
	addr_add inet br0 $NET6/64
	"$NSEXEC" -n inet -- sh -c 'echo 1 >/proc/sys/net/ipv4/ip_forward
		echo 1 >/proc/sys/net/ipv6/conf/all/forwarding'
	for s in "mx $MX4 $MX6" "www $WWW4 $WWW6" "dns $DNS4 $DNS6"; do
		read -r s a4 a6 <<<"$s"
		veth_pair "$s" eth0 inet "i-$s" || return 1
		ip -n inet link set "i-$s" master br0
		addr_add "$s" eth0 "$a4/24"
		addr_add "$s" eth0 "$a6/64"
		ip -n "$s" route add default via $NET4
		ip -n "$s" -6 route add default via $NET6
	done
}

# --- DNS: dnsmasq in ns dns, logging every query with its source ------------
scn_dns() {
	mkdir -p $S/dns
	cat >$S/dns/hosts <<-EOF
	$HOST4 host.example
	$HOST6 host.example
	$BCD4 bcd.example
	$BCD6 bcd.example
	$CDE4 cde.example
	$CDE6 cde.example
	$GW4 gw.example
	$GW6 gw.example
	$NET4 router.example
	$NET6 router.example
	$MX4 mx.example mx4.example
	$MX6 mx.example mx6.example
	$WWW4 www.example
	$WWW6 www.example
	$DNS4 ns.example
	$DNS6 ns.example
	EOF
	: >$S/dns/log
	chmod 666 $S/dns/log
	"$NSEXEC" -n dns -- dnsmasq -k -C /dev/null --no-resolv --no-hosts \
		--addn-hosts=$S/dns/hosts --local=/example/ \
		--listen-address=$DNS4,$DNS6 --bind-interfaces \
		--log-queries --log-facility=$S/dns/log --pid-file= \
		--user=nobody --group=nogroup \
		--mx-host=remote.example,mx4.example,10 \
		--mx-host=remote6.example,mx6.example,10 \
		--txt-record=host.example,"v=spf1 ip4:$HOST4 ip6:$HOST6 -all" \
		--txt-record=bcd.example,"v=spf1 ip4:$BCD4 ip6:$BCD6 -all" \
		--txt-record=cde.example,"v=spf1 ip4:$CDE4 ip6:$CDE6 -all" \
		2>>$S/dns/stderr &
	wait_listen dns udp 53
}

# --- Postfix instances ---------------------------------------------------
# scn_postfix NAME NS MAIL_OWNER MYHOSTNAME [main.cf lines...]: a Postfix
# instance with its own configuration ($S/NAME/conf), queue and data
# directories, run by its own master in NS, logging to $S/NAME/maillog
# (maillog_file: no syslog needed).
scn_postfix() {
	local name=$1 ns=$2 owner=$3 host=$4 d=$S/$1
	shift 4
	mkdir -p "$d/conf" "$d/queue" "$d/data" || return 1
	chown "$owner" "$d/data"
	cat >"$d/conf/main.cf" <<-EOF
	compatibility_level = 3.6
	queue_directory = $d/queue
	data_directory = $d/data
	mail_owner = $owner
	setgid_group = postdrop
	myhostname = $host
	mydomain = $host
	myorigin = \$myhostname
	mydestination =
	relay_domains =
	inet_interfaces = all
	inet_protocols = all
	mynetworks = 127.0.0.0/8 [::1]/128
	maillog_file_prefixes = $S
	maillog_file = $d/maillog
	alias_maps =
	alias_database =
	local_recipient_maps =
	smtputf8_enable = no
	biff = no
	smtpd_banner = \$myhostname ESMTP
	queue_run_delay = 2s
	minimal_backoff_time = 2s
	maximal_backoff_time = 4s
	# A cached session would carry mail of one phase over into the next
	# (an existing connection keeps its address).
	smtp_connection_cache_on_demand = no
	EOF
	printf '%s\n' "$@" >>"$d/conf/main.cf"
	# Every service as in Debian's master.cf, but none chrooted.
	cat >"$d/conf/master.cf" <<-EOF
	pickup    unix  n       -       n       60      1       pickup
	cleanup   unix  n       -       n       -       0       cleanup
	qmgr      unix  n       -       n       300     1       qmgr
	rewrite   unix  -       -       n       -       -       trivial-rewrite
	bounce    unix  -       -       n       -       0       bounce
	defer     unix  -       -       n       -       0       bounce
	trace     unix  -       -       n       -       0       bounce
	verify    unix  -       -       n       -       1       verify
	flush     unix  n       -       n       1000?   0       flush
	proxymap  unix  -       -       n       -       -       proxymap
	smtp      unix  -       -       n       -       -       smtp
	relay     unix  -       -       n       -       -       smtp
	showq     unix  n       -       n       -       -       showq
	error     unix  -       -       n       -       -       error
	retry     unix  -       -       n       -       -       error
	discard   unix  -       -       n       -       -       discard
	local     unix  -       n       n       -       -       local
	virtual   unix  -       n       n       -       -       virtual
	anvil     unix  -       -       n       -       1       anvil
	scache    unix  -       -       n       -       1       scache
	postlog   unix-dgram n  -       n       -       1       postlogd
	EOF
	# An instance that ordinary users feed with sendmail -C must be named
	# in the default configuration (sendmail and postdrop check it).
	if [ ${#SCN_POSTFIX[@]} -eq 0 ] && [ -f /etc/postfix/main.cf ]; then
		cp -a /etc/postfix/main.cf "$S/main.cf.orig"
	fi
	printf 'compatibility_level = 3.6\nalternate_config_directories =%s\n' \
		"$(printf ' %s/conf' "${SCN_POSTFIX[@]}" "$d")" >/etc/postfix/main.cf
	SCN_POSTFIX+=("$d")
	_scn_ns[$d]=$ns
}
declare -A _scn_ns

# scn_postfix_service NAME master.cf lines...: add services to an instance.
scn_postfix_service() {
	local d=$S/$1
	shift
	printf '%s\n' "$@" >>"$d/conf/master.cf"
}

# scn_postfix_start NAME: create the queue directories the way
# `postfix start` (post-install create-missing, after postfix-files) does,
# then start the master. The packaging script's integrity checks are left
# out: they cost a minute of emulated CPU per instance.
scn_postfix_start() {
	local d=$S/$1 owner q
	owner=$(sed -n 's/^mail_owner = //p' "$d/conf/main.cf")
	for q in active bounce corrupt defer deferred flush hold incoming private saved trace; do
		install -d -o "$owner" -m 0700 "$d/queue/$q" || return 1
	done
	install -d -o "$owner" -g postdrop -m 1730 "$d/queue/maildrop" &&
		install -d -o "$owner" -g postdrop -m 0710 "$d/queue/public" &&
		install -d -m 0755 "$d/queue/pid" || return 1
	"$NSEXEC" -n "${_scn_ns[$d]}" -- "$SCN_PFDAEMON/master" -c "$d/conf" -w \
		>>"$d/start.log" 2>&1 ||
		{ diag "postfix master -c $d/conf failed:"; sed 's/^/# /' "$d/start.log" >&2
		  sed 's/^/# /' "$d/maillog" >&2 2>/dev/null; return 1; }
}
SCN_PFDAEMON=/usr/lib/postfix/sbin

scn_postfix_stop() {
	local d pid
	for d in "${SCN_POSTFIX[@]}"; do
		pid=$(head -n 1 "$d/queue/pid/master.pid" 2>/dev/null) &&
			kill "$pid" 2>/dev/null
	done
	return 0
}

# The receiving MX: mail for remote.example and remote6.example goes to one
# Maildir, $S/mail/in; policyd-spf checks each message and only says so.
scn_mx() {
	mkdir -p $S/mail
	chown nobody:nogroup $S/mail
	scn_postfix mx mx postfix mx.example \
		'virtual_mailbox_domains = remote.example remote6.example' \
		"virtual_mailbox_base = $S/mail" \
		"virtual_mailbox_maps = texthash:$S/mx/vmailbox" \
		'virtual_uid_maps = static:65534' \
		'virtual_gid_maps = static:65534' \
		'smtpd_relay_restrictions = permit_mynetworks reject_unauth_destination' \
		'smtpd_recipient_restrictions = check_policy_service unix:private/spf' \
		'spf_time_limit = 60s'
	printf '@remote.example in/\n@remote6.example in/\n' >$S/mx/vmailbox
	cat >$S/mx/policyd-spf.conf <<-EOF
	debugLevel = 1
	TestOnly = 1
	HELO_reject = False
	Mail_From_reject = False
	PermError_reject = False
	TempError_Defer = False
	skip_addresses = 127.0.0.0/8,::ffff:127.0.0.0/104,::1
	EOF
	scn_postfix_service mx \
		'smtp      inet  n       -       n       -       -       smtpd' \
		'spf       unix  -       n       n       -       0       spawn' \
		"  user=nobody argv=/usr/bin/policyd-spf $S/mx/policyd-spf.conf"
	scn_postfix_start mx && wait_listen mx tcp 25
}

# A per-domain queue: a Postfix instance for the domain of USER whose
# processes run as USER, fed by USER's sendmail. No listener.
scn_domain_queue() {
	local user=$1 domain
	domain=$(scn_user "$user" domain)
	scn_postfix "pf-${domain%%.*}" host "$user" "$domain" &&
		scn_postfix_start "pf-${domain%%.*}"
}

# The shared MTA: one Postfix for every domain, run as postfix, with the
# deliveries of each domain's senders on a transport bound to its addresses.
scn_shared_mta() {
	local u name domain a4 a6 t
	scn_postfix pf-shared host postfix host.example \
		"sender_dependent_default_transport_maps = texthash:$S/pf-shared/sender_transport" || return 1
	: >$S/pf-shared/sender_transport
	for u in "${SCN_USERS[@]}"; do
		read -r name _ domain a4 a6 <<<"$u"
		[ "$domain" = host.example ] && continue
		t=smtp-${domain%%.*}
		echo "@$domain $t:" >>$S/pf-shared/sender_transport
		scn_postfix_service pf-shared \
			"$t unix  -       -       n       -       -       smtp" \
			"  -o smtp_bind_address=$a4" \
			"  -o smtp_bind_address6=$a6" \
			"  -o smtp_helo_name=$domain" \
			"  -o syslog_name=postfix/$t"
	done
	scn_postfix_start pf-shared
}

# --- nginx in ns www: answers every request with the address it saw ---------
scn_www() {
	local d=$S/www
	mkdir -p $d/tmp
	cat >$d/nginx.conf <<-EOF
	daemon off;
	worker_processes 1;
	pid $d/nginx.pid;
	error_log $d/error.log;
	events { worker_connections 64; }
	http {
		log_format scn '\$remote_addr "\$request" \$status "\$http_user_agent"';
		access_log $d/access.log scn;
		client_body_temp_path $d/tmp/body;
		proxy_temp_path $d/tmp/proxy;
		fastcgi_temp_path $d/tmp/fastcgi;
		uwsgi_temp_path $d/tmp/uwsgi;
		scgi_temp_path $d/tmp/scgi;
		server {
			listen 80;
			listen [::]:80;
			server_name www.example;
			default_type text/plain;
			location / { return 200 "you are \$remote_addr\n"; }
		}
	}
	EOF
	"$NSEXEC" -n www -- nginx -e $d/error.log -p $d -c $d/nginx.conf 2>>$d/stderr &
	wait_listen www tcp 80
}

# scn_setup: everything above, servers started, vaddr not loaded.
scn_setup() {
	rm -rf $S
	mkdir -p $S
	chmod 755 $S
	scn_users && scn_resolv && scn_net && scn_dns
}

scn_cleanup() {
	scn_postfix_stop
	[ -f $S/www/nginx.pid ] && kill "$(cat $S/www/nginx.pid)" 2>/dev/null
	[ -f $S/resolv.conf.orig ] && cp -a $S/resolv.conf.orig /etc/resolv.conf
	if [ -f $S/main.cf.orig ]; then
		cp -a $S/main.cf.orig /etc/postfix/main.cf
	elif [ ${#SCN_POSTFIX[@]} -gt 0 ]; then
		rm -f /etc/postfix/main.cf
	fi
	return 0
}

# --- vaddr -------------------------------------------------------------------
# scn_vaddr_on: load the module and map b1 and c1 to their domains.
scn_vaddr_on() {
	local u name domain a4 a6
	module_load || return 1
	for u in "${SCN_USERS[@]}"; do
		read -r name _ domain a4 a6 <<<"$u"
		[ "$domain" = host.example ] && continue
		"$VADDRCTL" -n host domain add "$domain" addr "$a4" addr "$a6" &&
			"$VADDRCTL" -n host user add "$name" domain "$domain" || return 1
	done
}

scn_vaddr_off() {
	module_unload
}

# --- what the remote side saw ------------------------------------------------
# scn_new_id: a fresh Subject or request path in SCN_ID (unique in
# subshells too).
# shellcheck disable=SC2034 # read by the scripts
SCN_ID=
_scn_seq=0
scn_new_id() {
	_scn_seq=$((_scn_seq + 1))
	SCN_ID=scn-$BASHPID-$_scn_seq
}

# scn_as USER CMD...: CMD as USER (uid = gid, no other groups) in ns host.
scn_as() {
	local user=$1 uid
	shift
	uid=$(scn_user "$user" uid)
	HOME=/tmp "$NSEXEC" -n host -u "$uid" -- "$@"
}

# scn_message ID: the path of the delivered message whose Subject is ID,
# waiting for it up to 60 s.
scn_message() {
	wait_for "a message with Subject: $1 delivered" 60 _scn_delivered "$1" &&
		_scn_delivered "$1"
}

# _scn_delivered ID: the path of the message whose Subject is ID, if it
# came.
_scn_delivered() {
	grep -lx "Subject: $1" $S/mail/in/new/* 2>/dev/null | head -n 1 | grep .
}

# scn_header FILE NAME: the first NAME: header of FILE, unfolded.
scn_header() {
	awk -v h="$2:" 'found && /^[ \t]/ { sub(/^[ \t]+/, " "); line = line $0; next }
		found { exit }
		/^$/ { exit }
		index($0, h) == 1 { found = 1; line = $0 }
		END { print line }' "$1"
}

# scn_received ID: "from HELO (NAME [ADDR])" of the message's Received: line
# written by mx.example.
scn_received() {
	local f
	f=$(scn_message "$1") || return 1
	scn_header "$f" Received | sed -E 's/^Received: (from [^(]*\([^)]*\)).*/\1/'
}

# scn_spf ID: the SPF verdict on the message, e.g. "Pass" or "Fail".
scn_spf() {
	local f
	f=$(scn_message "$1") || return 1
	scn_header "$f" Received-SPF | awk '{ print $2 }'
}

# scn_mx_log ID: what mx.example's smtpd logged about that message's client.
scn_mx_log() {
	local f qid
	f=$(scn_message "$1") || return 1
	qid=$(scn_header "$f" Received | sed -nE 's/.* with E?SMTP id ([0-9A-Z]+).*/\1/p')
	sed -nE "s/.* postfix\/smtpd\[[0-9]+\]: $qid: (client=.*)/\1/p" $S/mx/maillog
}

# Postfix's words for a client whose name and address do not match.
# shellcheck disable=SC2034 # read by the scripts
SCN_MISMATCH='does not resolve to address|address not listed for hostname|hostname verification failed|unknown\['

# scn_swaks USER 4|6 ID: USER sends mail to mx.example over IPv4/6 with swaks,
# saying EHLO with the user's domain.
scn_swaks_cmd() {
	local domain
	domain=$(scn_user "$1" domain)
	echo "swaks -$2 --server mx.example --ehlo $domain --from $1@$domain" \
		"--to postmaster@remote.example --header 'Subject: $3'"
}
scn_swaks() {
	local domain
	domain=$(scn_user "$1" domain)
	# --timeout: the MX answers RCPT after its SPF check, and a python
	# starting under emulation on a busy machine takes more than 30 s.
	scn_as "$1" swaks "-$2" --server mx.example --ehlo "$domain" \
		--from "$1@$domain" --to postmaster@remote.example --timeout 150 \
		--header "Subject: $3" --body "sent by $1 with swaks" >"$S/swaks.$3" 2>&1 ||
		{ diag "swaks as $1 failed:"; tail -n 5 "$S/swaks.$3" | sed 's/^/# /' >&2; return 1; }
}

# scn_sendmail USER INSTANCE 4|6 ID: USER submits a message with the
# sendmail of Postfix instance INSTANCE, to remote.example (MX reachable
# over IPv4 only) or remote6.example (IPv6 only).
scn_sendmail() {
	local user=$1 d=$S/$2 fam=$3 id=$4 domain rcpt=postmaster@remote.example
	domain=$(scn_user "$user" domain)
	[ "$fam" = 6 ] && rcpt=postmaster@remote6.example
	printf 'From: %s\nTo: %s\nSubject: %s\n\nsent by %s through %s\n' \
		"$user@$domain" "$rcpt" "$id" "$user" "$2" |
		scn_as "$user" /usr/sbin/sendmail -C "$d/conf" -oi -f "$user@$domain" "$rcpt"
}

# scn_web USER curl|wget 4|6 ID: USER fetches http://www.example/ID; prints
# the client address nginx logged for it.
scn_web() {
	local user=$1 tool=$2 fam=$3 id=$4
	case $tool in
	curl) scn_as "$user" curl -sS "-$fam" -o /dev/null "http://www.example/$id" ;;
	wget) scn_as "$user" wget -q "-$fam" -O /dev/null "http://www.example/$id" ;;
	esac || { diag "$tool as $user failed"; return 1; }
	wait_for "nginx logged GET /$id" 10 grep " \"GET /$id " $S/www/access.log
	awk -v r="\"GET /$id" 'index($0, r) { print $1 }' $S/www/access.log
}

# scn_ping USER 4|6: USER pings www.example once; prints the source address
# of the echo request captured by tcpdump in ns www.
scn_ping() {
	local user=$1 fam=$2 filter='icmp[icmptype] = icmp-echo' cap=$S/ping.cap
	[ "$fam" = 6 ] && filter='icmp6 and ip6[40] = 128'
	: >$cap.err
	"$NSEXEC" -n www -- timeout 30 tcpdump -lnq -i eth0 -c 1 "$filter" >$cap 2>$cap.err &
	wait_for "tcpdump listens in ns www" 20 grep 'listening on' $cap.err
	scn_as "$user" ping "-$fam" -c 1 -W 5 www.example >&2 ||
		diag "ping as $user got no reply"
	wait $!
	sed -nE 's/.* IP6? ([0-9a-f.:]+) > .*/\1/p' $cap | head -n 1
}

# _scn_logged FILE MARK PATTERN: a line of FILE after line MARK matches.
_scn_logged() {
	tail -n +$(($2 + 1)) "$1" | grep -- "$3"
}

# scn_dig USER 4|6 NAME: USER asks ns.example (over IPv4/6) for NAME's
# address; prints the client address dnsmasq logged for that query.
scn_dig() {
	local user=$1 fam=$2 name=$3 server=$DNS4 type=A mark
	[ "$fam" = 6 ] && server=$DNS6 type=AAAA
	mark=$(wc -l <$S/dns/log)
	scn_as "$user" dig +short +tries=2 "@$server" "$name" $type >&2 ||
		{ diag "dig as $user failed"; return 1; }
	wait_for "dnsmasq logged the $type query for $name" 10 \
		_scn_logged $S/dns/log "$mark" "query\[$type\] $name from "
	tail -n +$((mark + 1)) $S/dns/log |
		sed -nE "s/.*query\[$type\] $name from ([0-9a-f.:]+)$/\1/p" | head -n 1
}
