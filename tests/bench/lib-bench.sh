# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
# Sourced by every tests/bench/*.sh (run by guest-init.sh as root in the VM,
# SUITE=bench). On top of tests/lib.sh (namespaces, module, run_as): the
# workload program and the side-by-side comparison.
#
# A benchmark prints its figures on stdout (`make bench` shows them at the
# end) and everything else on stderr (build/vm-bench/out/NAME.log).
# Figures are ratios of runs taken alternately (A B A B ...), never single
# absolute numbers: the VM, emulated or not, drifts more between minutes than
# the costs measured here differ, and alternating cancels the drift.
#
# Env from guest-init.sh: VADDR_ROOT, VADDR_KO, VADDRCTL, NSEXEC, VM_ACCEL.

# shellcheck source-path=SCRIPTDIR source=../lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"

export LOOP=$VADDR_ROOT/tests/bench/loop
# The eBPF peer (cost.sh's "bpf" systems): its loader and its programs.
export BPF_PEER=$VADDR_ROOT/tests/bench/bpf-peer
export BPF_OBJ=$VADDR_ROOT/tests/bench/bpf-peer.bpf.o
# Width of the title column, so that the figures of one run line up.
BENCH_WIDTH=${BENCH_WIDTH:-46}
_bench_status=0
_bench_tmp=$(mktemp)

# bench_header TITLE: the first lines of a benchmark's figures; says when
# the absolute times are those of an emulated CPU.
bench_header() {
	local accel=${VM_ACCEL:-unknown}
	case $accel in
	"tcg icount")
		accel="TCG emulation, -icount shift=${VM_ICOUNT:-?}: guest time"
		accel+=" is instructions x $((1 << ${VM_ICOUNT:-0})) ns"
		;;
	tcg) accel="TCG emulation" ;;
	esac
	echo "== $1"
	echo "   guest kernel $(uname -r), $(nproc) vCPUs of $(possible_cpus) possible ($accel)"
}

# possible_cpus: the CPUs per-CPU memory is allocated for ("0-63": 64).
possible_cpus() {
	awk -F- '{ print $NF + 1 }' /sys/devices/system/cpu/possible
}

# bench_note TEXT: a line of figures output that is no comparison.
bench_note() {
	echo "   $*"
}

# bench_fail TEXT: a failure, in the figures and as the script's status.
bench_fail() {
	printf '%-*s FAILED: %s\n' "$BENCH_WIDTH" "$1" "$2"
	diag "FAILED: $1: $2"
	_bench_status=1
}

# bench_end: the script's last command; its status says whether all ran.
bench_end() {
	rm -f "$_bench_tmp"
	exit "$_bench_status"
}

# run_ns CMD: eval CMD in this shell, not a subshell (it may load the
# module or change settings that later commands rely on), and set NS to the
# ns_per_op of the last "ops=N ns_per_op=X" line of its stdout; status 1
# when CMD failed or printed none.
run_ns() {
	local rc=0
	eval "$1" >"$_bench_tmp" || rc=$?
	NS=$(sed -n 's/^ops=[0-9]* ns_per_op=\([0-9.]*\)$/\1/p' "$_bench_tmp" | tail -n 1)
	if [ "$rc" -ne 0 ] || [ -z "$NS" ]; then
		diag "run failed (status $rc): $1"
		sed 's/^/# | /' "$_bench_tmp" >&2
		return 1
	fi
}

# pairs N TITLE CMD_A CMD_B: run A then B, N times over, and print one line:
#   TITLE = median(B/A) (min, max of B/A), median B vs median A, N pairs
# Each CMD is eval'ed in this shell, so it may set things up before its
# workload; its stdout must end with the workload's "ops= ns_per_op=" line.
pairs() {
	local n=$1 title=$2 cmd_a=$3 cmd_b=$4 i a b
	local -a rows=()
	diag "pairs: $title: A=[$cmd_a] B=[$cmd_b]"
	for ((i = 1; i <= n; i++)); do
		if ! { run_ns "$cmd_a" && a=$NS && run_ns "$cmd_b"; }; then
			bench_fail "$title" "pair $i did not run (see the log)"
			return 1
		fi
		b=$NS
		diag "pair $i: A $a ns, B $b ns, B/A $(awk -v a="$a" -v b="$b" \
			'BEGIN { printf "%.3f", b / a }')"
		rows+=("$a $b")
	done
	printf '%s\n' "${rows[@]}" | _pairs_print "$title"
}

# _pairs_print TITLE: the line of figures of the "A B" rows on stdin.
_pairs_print() {
	awk -v title="$1" -v w="$BENCH_WIDTH" '
		function median(v, k,   s, i, j, t) {
			for (i = 1; i <= k; i++)
				s[i] = v[i]
			for (i = 2; i <= k; i++)	# insertion sort: k is small
				for (j = i; j > 1 && s[j - 1] > s[j]; j--) {
					t = s[j]; s[j] = s[j - 1]; s[j - 1] = t
				}
			return k % 2 ? s[(k + 1) / 2] : (s[k / 2] + s[k / 2 + 1]) / 2
		}
		function human(ns) {
			if (ns >= 1e6) return sprintf("%.2f ms", ns / 1e6)
			if (ns >= 1e3) return sprintf("%.1f us", ns / 1e3)
			return sprintf("%.0f ns", ns)
		}
		{
			k++; a[k] = $1; b[k] = $2; r[k] = $2 / $1
			if (k == 1 || r[k] < lo) lo = r[k]
			if (k == 1 || r[k] > hi) hi = r[k]
		}
		END {
			printf "%-*s = %.3f (min %.3f, max %.3f), %s vs %s, %d pairs\n",
				w, title, median(r, k), lo, hi,
				human(median(b, k)), human(median(a, k)), k
		}'
}

# compare N TITLE STATE_A STATE_B LABEL...: N pairs of two states of the
# system, each state run with every workload LABEL (its command is
# ${WORKLOAD[LABEL]}, eval'ed like pairs' commands). For each label, one
# line as pairs prints, titled "LABEL: TITLE", of the ratios B/A.
# For states that take long to set up (a large table to load): the states
# alternate A B B A A B ..., so each pair costs one switch, not two, and a
# drift that is linear in time cancels within each two pairs; the two runs
# of one pair are apart by the other labels' runs (and the switch).
declare -gA WORKLOAD=()
compare() {
	local n=$1 title=$2 state_a=$3 state_b=$4 i side label state
	shift 4
	local -a labels=("$@") order
	local -A rows_a=() rows_b=()
	diag "compare: $title: A=[$state_a] B=[$state_b] on ${labels[*]}"
	for ((i = 1; i <= n; i++)); do
		order=(a b)
		[ $((i % 2)) -eq 0 ] && order=(b a)
		for side in "${order[@]}"; do
			state=$state_a
			[ "$side" = b ] && state=$state_b
			if ! eval "$state" >&2; then
				bench_fail "$title" "pair $i: state $side [$state] failed (see the log)"
				return 1
			fi
			for label in "${labels[@]}"; do
				if ! run_ns "${WORKLOAD[$label]}"; then
					bench_fail "$label: $title" "pair $i did not run (see the log)"
					return 1
				fi
				if [ "$side" = a ]; then
					rows_a[$label]+="$NS "
				else
					rows_b[$label]+="$NS "
				fi
			done
		done
	done
	for label in "${labels[@]}"; do
		diag "$label: $title: A ${rows_a[$label]}"
		diag "$label: $title: B ${rows_b[$label]}"
		# shellcheck disable=SC2086 # one figure per word
		paste -d' ' <(printf '%s\n' ${rows_a[$label]}) \
			<(printf '%s\n' ${rows_b[$label]}) |
			_pairs_print "$label: $title"
	done
}

# calibrate MS N0 CMD...: the N for which one run of "CMD... N" takes about
# MS milliseconds, from a trial run with N0 (at least N0 / 10, so that a
# misleading trial cannot make runs vanishingly short).
calibrate() {
	local ms=$1 n0=$2 n
	shift 2
	run_ns "$* $n0" || return 1
	n=$(awk -v ns="$NS" -v ms="$ms" -v n0="$n0" 'BEGIN {
		n = int(ms * 1e6 / ns)
		if (n < n0 / 10) n = int(n0 / 10)
		print n < 1 ? 1 : n
	}')
	diag "calibrate: $*: $NS ns per op, N=$n for $ms ms"
	echo "$n"
}

# worker NAME CMD...: start CMD (a loop client with --stdin) in the
# background as worker NAME, fed and read through FIFOs. `work NAME N` then
# makes it do one run of N operations and prints its result line: one
# process for all runs, none started between the two halves of a pair.
declare -gA _work_in=() _work_out=()
worker() {
	local name=$1 dir fd_in fd_out
	shift
	dir=$(mktemp -d)
	mkfifo "$dir/in" "$dir/out" || return 1
	diag "worker $name: $*"
	"$@" <"$dir/in" >"$dir/out" &
	# In this order: CMD opens "in", then "out", each blocking until we do.
	exec {fd_in}>"$dir/in" {fd_out}<"$dir/out"
	rm -r "$dir"
	_work_in[$name]=$fd_in
	_work_out[$name]=$fd_out
}

work() {
	local line
	[ -n "${_work_in[$1]:-}" ] || { diag "no worker $1"; return 1; }
	echo "$2" >&"${_work_in[$1]}" || return 1
	# A run takes well under a second; a minute means it is stuck.
	if ! read -r -t 60 line <&"${_work_out[$1]}"; then
		diag "worker $1 gave no result"
		return 1
	fi
	echo "$line"
}
