#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The bash completion checked against the dispatch table, as 'vaddrctl
# help' prints it: each keyword of each command line is offered where it
# goes, and the commands, subcommands, settings and options offered are
# exactly the table's, so that the two cannot drift apart. TAP, like
# tests/unit_test.
#
#	tests/completion_test.sh VADDRCTL COMPLETION

# Words are split unquoted below: '[NAME]' must not be a glob.
set -uf

vaddrctl=${1:?usage: completion_test.sh VADDRCTL COMPLETION}
# shellcheck source-path=SCRIPTDIR source=../completion/vaddrctl
source "${2:?usage: completion_test.sh VADDRCTL COMPLETION}"

tests=0 failures=0

ok() {
	tests=$((tests + 1))
	if [ "$1" = 0 ]; then
		echo "ok $tests - completion: $2"
	else
		echo "not ok $tests - completion: $2"
		failures=$((failures + 1))
	fi
}

# The live table the completion asks for domain names.
vaddrctl() {
	printf 'DOMAIN       IPV4\nbcd.example  192.0.2.70\n'
}

# offered WORDS: what the completion offers for an empty word after WORDS
# (one string; a word for the completion's current word if it ends in one).
offered() {
	local COMP_WORDS COMP_CWORD COMPREPLY=()

	read -ra COMP_WORDS <<<"vaddrctl $1"
	[[ $1 == *' ' || -z $1 ]] && COMP_WORDS+=("")
	COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
	_vaddrctl
	printf '%s\n' "${COMPREPLY[@]}" | sort -u
}

# A word for each placeholder of the synopses.
sample() {
	case $1 in
	NAME) echo bcd.example ;;
	ADDR) echo 192.0.2.70 ;;
	USER) echo root ;;
	PATH) echo /sys/fs/cgroup ;;
	FILE) echo /dev/null ;;
	CMD) echo true ;;
	*) echo "$1" ;;
	esac
}

help=$("$vaddrctl" help) || { echo "Bail out! $vaddrctl help failed"; exit 1; }
mapfile -t synopses < <(sed -n 's/^  vaddrctl //p' <<<"$help")
mapfile -t settings < <(sed -n '/^SETTING VALUE/,/^Options:/{
	s/^  \([a-z-]*\) \([a-z|]*\)$/\1 \2/p
}' <<<"$help")
mapfile -t options < <(sed -n 's/^  \(-[a-zA-Z]\), \(--[a-z-]*\).*/\1\n\2/p' \
	<<<"$help")
((${#synopses[@]} && ${#settings[@]} && ${#options[@]})) ||
	{ echo "Bail out! 'vaddrctl help' lists no commands, settings or options"; exit 1; }

# missing WORDS CANDIDATE...: say which candidates are not offered.
missing() {
	local after=$1 got w bad=0

	got=$(offered "$after ")
	shift
	for w; do
		if ! grep -qxF -- "$w" <<<"$got"; then
			echo "# after '$after': '$w' is not offered (offered: $(xargs <<<"$got"))"
			bad=1
		fi
	done
	return $bad
}

# Each keyword of a synopsis is offered after the words before it.
for line in "${synopses[@]}"; do
	words=() bad=0
	for token in $line; do
		word=${token#[}
		word=${word%...}
		word=${word%]}
		if [ "$word" = SETTING ]; then
			for s in "${settings[@]}"; do
				missing "${words[*]}" "${s% *}" || bad=1
				values=${s#* }
				# shellcheck disable=SC2086 # the values, split at '|'
				missing "${words[*]} ${s% *}" ${values//|/ } || bad=1
			done
			break
		fi
		[[ $word == ARGS || $word == VALUE ]] && break
		if [[ $word == [a-z-]* ]]; then
			# shellcheck disable=SC2086 # the alternatives, split at '|'
			missing "${words[*]}" ${word//|/ } || bad=1
			words+=("${word%%|*}")
		else
			words+=("$(sample "${word%%|*}")")
		fi
	done
	ok $bad "$line"
done

# same DESC WORDS WANT...: the completion offers exactly WANT after WORDS.
same() {
	local desc=$1 got want

	got=$(offered "$2" | xargs)
	shift 2
	want=$(printf '%s\n' "$@" | sort -u | xargs)
	[ "$got" = "$want" ] || printf '# got:  %s\n# want: %s\n' "$got" "$want"
	[ "$got" = "$want" ]
	ok $? "$desc"
}

mapfile -t commands < <(printf '%s\n' "${synopses[@]}" | cut -d' ' -f1 | sort -u)
same "the commands are the table's" "" "${commands[@]}"
for cmd in "${commands[@]}"; do
	# An object: each of its lines goes on with a subcommand word.
	subs=$(printf '%s\n' "${synopses[@]}" | awk -v c="$cmd" '$1 == c { print $2 }')
	grep -qv '^[a-z]' <<<"$subs" && continue
	[ "$(wc -l <<<"$subs")" -gt 1 ] || continue
	# shellcheck disable=SC2086 # one word a line
	same "the subcommands of $cmd are the table's" "$cmd " $subs
done
same "the settings are the table's" "set " "${settings[@]% *}"
same "the options are the table's" "-" "${options[@]}"

echo "1..$tests"
[ "$failures" = 0 ]
