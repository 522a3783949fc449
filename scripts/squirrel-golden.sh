#!/usr/bin/env bash
# squirrel-golden.sh records (or checks) the Squirrel golden corpus in
# squirrel/testdata against a Squirrel 3.0.4 interpreter built with 32-bit
# integers and floats (the "oracle"; squirrel/testdata/README.md says how to
# build it).
#
#   SQ=/path/to/sq scripts/squirrel-golden.sh            rewrite every .out and .err
#   SQ=/path/to/sq scripts/squirrel-golden.sh --check    report files whose recorded
#                                                        output differs; exit 1 if any
#   ... [--check] NAME...                                only the named probes
#                                                        (file names without .nut)
#
# A probe (probes/NAME.nut) must exit 0, write nothing to stderr and print no
# object address (only null's "(null : 0x(nil))" is allowed) on the oracle,
# within 5 seconds; its stdout is recorded unchanged in probes/NAME.out.
# A compile-error file (compile_errors/NAME.nut) must fail to compile; the
# oracle's compiler message (one stderr line: "NAME.nut line = (L) column = (C)
# : error MESSAGE") is recorded in compile_errors/NAME.err.
#
# Building the oracle (never commit it or its source; details in the README):
#   apt-get install -y g++-multilib
#   fetch github.com/pfalcon-mirrors/squirrel-lang and unpack commit 85666d6
#   (Squirrel 3.0.4 stable) into an empty directory, then there:
#   F="-m32 -O2 -DNDEBUG -msse2 -mfpmath=sse -fno-exceptions -fno-rtti -fno-strict-aliasing -w"
#   mkdir -p lib bin
#   (cd squirrel && g++ $F -c *.cpp -I../include -I. && ar rc ../lib/libsquirrel.a *.o)
#   (cd sqstdlib && g++ $F -c *.cpp -I../include -I. && ar rc ../lib/libsqstdlib.a *.o)
#   (cd sq && g++ $F -o ../bin/sq sq.c -I../include -I. -L../lib -lsquirrel -lsqstdlib)
#   SQ=$PWD/bin/sq
set -euo pipefail

usage() { # usage STATUS
	sed -n '2,/^set -euo pipefail/p' "$0" | sed -e '$d' -e 's/^# \{0,1\}//' >&2
	exit "$1"
}

mode="write"
if [[ ${1:-} == --check ]]; then
	mode="check"
	shift
elif [[ ${1:-} == -h || ${1:-} == --help ]]; then
	usage 0
fi
if [[ -z ${SQ:-} ]]; then
	echo "squirrel-golden.sh: set SQ to the path of a 32-bit Squirrel 3.0.4 sq binary" >&2
	usage 2
fi
sq=$(command -v -- "$SQ" || true)
if [[ -z $sq || ! -x $sq ]]; then
	echo "squirrel-golden.sh: SQ=$SQ is not an executable file" >&2
	exit 2
fi
sq=$(cd "$(dirname -- "$sq")" && pwd)/$(basename -- "$sq")

root=$(cd "$(dirname -- "$0")/.." && pwd)
data=$root/squirrel/testdata
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# The oracle must be the 32-bit build: the whole corpus depends on it.
printf 'print(_version_+" int="+_intsize_+" float="+_floatsize_)' >"$tmp/version.nut"
version=$("$sq" "$tmp/version.nut" 2>&1 || true)
if [[ $version != "Squirrel 3.0.4 stable int=4 float=4" ]]; then
	echo "squirrel-golden.sh: $sq reports \"$version\"; want \"Squirrel 3.0.4 stable int=4 float=4\"" >&2
	exit 2
fi

selected() { # selected NAME: true when NAME was asked for (or nothing was)
	local want
	[[ ${#names[@]} -eq 0 ]] && return 0
	for want in "${names[@]}"; do
		[[ $want == "$1" ]] && return 0
	done
	return 1
}

names=("$@")
for want in "${names[@]}"; do
	if [[ ! -f $data/probes/$want.nut && ! -f $data/compile_errors/$want.nut ]]; then
		echo "squirrel-golden.sh: no probes/$want.nut or compile_errors/$want.nut" >&2
		exit 2
	fi
done
failed=0
differ=0
written=0
checked=0

shopt -s nullglob
for nut in "$data"/probes/*.nut; do
	name=$(basename -- "$nut" .nut)
	selected "$name" || continue
	start=$(date +%s%N)
	rc=0
	(cd "$data/probes" && timeout 5 "$sq" "$name.nut") >"$tmp/stdout" 2>"$tmp/stderr" || rc=$?
	ms=$((($(date +%s%N) - start) / 1000000))
	if [[ $rc -ne 0 || -s $tmp/stderr ]]; then
		echo "FAIL probes/$name.nut: exit status $rc on the oracle; stderr:" >&2
		sed 's/^/    /' "$tmp/stderr" | head -20 >&2
		failed=$((failed + 1))
		continue
	fi
	if grep -qE '\([a-z]+ : 0x[0-9a-fA-F]' "$tmp/stdout"; then
		echo "FAIL probes/$name.nut prints an object address (not comparable):" >&2
		grep -nE '\([a-z]+ : 0x[0-9a-fA-F]' "$tmp/stdout" | head -5 | sed 's/^/    /' >&2
		failed=$((failed + 1))
		continue
	fi
	if [[ $ms -gt 1000 ]]; then
		echo "SLOW probes/$name.nut: ${ms}ms on the oracle (keep probes well under a second)" >&2
	fi
	cp "$tmp/stdout" "$tmp/out"
	if [[ $mode == write ]]; then
		cp "$tmp/out" "$data/probes/$name.out"
		written=$((written + 1))
	else
		checked=$((checked + 1))
		if [[ ! -f $data/probes/$name.out ]]; then
			echo "MISSING probes/$name.out" >&2
			differ=$((differ + 1))
		elif ! diff -u --label "probes/$name.out (recorded)" --label "probes/$name.nut (oracle)" \
			"$data/probes/$name.out" "$tmp/out" >"$tmp/diff"; then
			echo "DIFFERS probes/$name.out" >&2
			head -40 "$tmp/diff" >&2
			differ=$((differ + 1))
		fi
	fi
done

for nut in "$data"/compile_errors/*.nut; do
	name=$(basename -- "$nut" .nut)
	selected "$name" || continue
	rc=0
	(cd "$data/compile_errors" && timeout 5 "$sq" "$name.nut") >"$tmp/stdout" 2>"$tmp/stderr" || rc=$?
	if [[ $rc -eq 0 ]] || ! grep -q "^$name\.nut line = ([0-9]*) column = ([0-9]*) : error " "$tmp/stderr" ||
		[[ $(wc -l <"$tmp/stderr") -ne 1 ]]; then
		echo "FAIL compile_errors/$name.nut: expected one compiler error line on stderr, got exit status $rc and:" >&2
		sed 's/^/    /' "$tmp/stderr" "$tmp/stdout" | head -20 >&2
		failed=$((failed + 1))
		continue
	fi
	if [[ $mode == write ]]; then
		cp "$tmp/stderr" "$data/compile_errors/$name.err"
		written=$((written + 1))
	else
		checked=$((checked + 1))
		if ! diff -u --label "compile_errors/$name.err (recorded)" --label "compile_errors/$name.nut (oracle)" \
			"$data/compile_errors/$name.err" "$tmp/stderr" >"$tmp/diff" 2>/dev/null; then
			echo "DIFFERS compile_errors/$name.err" >&2
			cat "$tmp/diff" >&2
			differ=$((differ + 1))
		fi
	fi
done

# Recorded files whose source is gone are stale.
for f in "$data"/probes/*.out "$data"/compile_errors/*.err; do
	base=${f%.*}
	if [[ ! -f $base.nut ]]; then
		echo "STALE ${f#"$data"/} has no .nut beside it" >&2
		differ=$((differ + 1))
	fi
done

if [[ $mode == write ]]; then
	echo "wrote $written file(s); $failed failure(s)"
else
	echo "checked $checked file(s); $differ differ; $failed failure(s)"
fi
[[ $failed -eq 0 && $differ -eq 0 ]]
