#!/usr/bin/env bash
# cargo auditable data (.dep-v0, lib/pkg/cargo_audit.c) read from real Rust executables as
# `cguard image sbom dir:` streams them:
#  - a program built here with cargo, offline (no registry dependencies), given a .dep-v0
#    section as cargo auditable writes one: zlib-compressed auditable-serde VersionInfo JSON
#    in a section with no flags (objcopy noload,readonly), both as built and stripped;
#  - the same with a 9 MiB non-loaded section (debug info's shape): one warning naming the
#    8388608-byte limit, no packages from it;
#  - the program without .dep-v0: nothing, no warning.
# Skipped (77) without cargo, objcopy or jq.
. "$(dirname "$0")/lib/common.sh"
[ -n "${CG_KEEP_TMP:-}" ] && trap - EXIT && echo "tmp: $T_TMP"

for t in cargo objcopy jq python3; do
	command -v $t >/dev/null 2>&1 || { echo "pkg_cargo_audit: no $t: skipped"; exit 77; }
done

(cd "$T_TMP" && cargo new --quiet --vcs none rhello >/dev/null 2>&1 &&
	cd rhello && CARGO_TARGET_DIR="$T_TMP/target" cargo build --release --offline -q 2>/dev/null)
BIN=$T_TMP/target/release/rhello
check "cargo builds a program offline" test -x "$BIN"

python3 - "$T_TMP/dep.z" <<'PY'
import json, sys, zlib
vi = {"packages": [
    {"name": "rhello", "version": "0.1.0", "source": "local", "dependencies": [1, 2, 4],
     "root": True},
    {"name": "serde", "version": "1.0.193", "source": "crates.io", "dependencies": [3]},
    {"name": "cc", "version": "1.0.83", "source": "crates.io", "kind": "build"},
    {"name": "serde_derive", "version": "1.0.193", "source": "crates.io", "kind": "build"},
    {"name": "anyhow", "version": "1.0.75", "source": "registry", "kind": "runtime",
     "dependencies": [5]},
    {"name": "mygit", "version": "0.2.0-pre.1", "source": "git"},
]}
open(sys.argv[1], "wb").write(zlib.compress(json.dumps(vi).encode()))
PY
head -c 9437184 /dev/zero | tr '\0' 'd' >"$T_TMP/big"

R=$T_TMP/rootfs
mkdir -p "$R/usr/bin" "$R/usr/local/bin" "$R/opt"
objcopy --add-section .dep-v0="$T_TMP/dep.z" --set-section-flags .dep-v0=noload,readonly \
	"$BIN" "$R/usr/bin/audited"
objcopy --strip-all "$R/usr/bin/audited" "$R/usr/local/bin/audited-stripped"
objcopy --add-section .zdebug_big="$T_TMP/big" --set-section-flags .zdebug_big=noload,readonly \
	"$R/usr/bin/audited" "$R/opt/audited-big"
cp "$BIN" "$R/usr/bin/plain"
chmod 755 "$R"/usr/bin/* "$R"/usr/local/bin/* "$R"/opt/*
check "the section has no flags (not allocated)" \
	sh -c "readelf -SW '$R/usr/bin/audited' | grep -E '\\.dep-v0 +PROGBITS +0+ [0-9a-f]+ [0-9a-f]+ 00 +0 '"
check "the stripped copy keeps .dep-v0" sh -c "readelf -SW '$R/usr/local/bin/audited-stripped' | grep -q dep-v0"

"$CGUARD" image sbom "dir:$R" -f json -q >"$T_TMP/sbom.json" 2>"$T_TMP/err"
check "cguard image sbom succeeds" test -s "$T_TMP/sbom.json"

want='anyhow 1.0.75 pkg:cargo/anyhow@1.0.75 false
cc 1.0.83 pkg:cargo/cc@1.0.83 true
mygit 0.2.0-pre.1 pkg:cargo/mygit@0.2.0-pre.1 false
rhello 0.1.0 pkg:cargo/rhello@0.1.0 false
serde 1.0.193 pkg:cargo/serde@1.0.193 false
serde_derive 1.0.193 pkg:cargo/serde_derive@1.0.193 true'
for f in /usr/bin/audited /usr/local/bin/audited-stripped; do
	got=$(jq -r --arg f "$f" '.packages[] | select(.path == $f) |
		"\(.name) \(.version) \(.purl) \(.dev // false)"' "$T_TMP/sbom.json" | sort)
	check_eq "$f: the packages of .dep-v0" "$got" "$want"
done
check_eq "no packages from the file with a 9 MiB tail" \
	"$(jq '[.packages[] | select(.path == "/opt/audited-big")] | length' "$T_TMP/sbom.json")" 0
check_eq "no packages from the file without .dep-v0" \
	"$(jq '[.packages[] | select(.path == "/usr/bin/plain")] | length' "$T_TMP/sbom.json")" 0
check_eq "one warning, about the 9 MiB tail, naming the limit" \
	"$(jq -r '[.warnings[] | select(test("audited-big.*8388608"))] | length' "$T_TMP/sbom.json") $(jq '.warnings | length' "$T_TMP/sbom.json")" "1 1"
check_eq "all packages are cargo" \
	"$(jq -r '[.packages[] | select(.type != "cargo")] | length' "$T_TMP/sbom.json")" 0

finish
