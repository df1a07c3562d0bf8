#!/usr/bin/env bash
# Precision of the content checks on benign content: a full minbase Debian 12 image
# (debootstrap), the Python standard library of this machine, and popular npm packages
# (installed once from the npm registry, pinned, into $CG_TEST_CACHE): no malware finding
# at all, and at most a handful of secret or sensitive-file findings, each printed (the
# counts are the figures the issue asks for).
. "$(dirname "$0")/lib/common.sh"
. "$(dirname "$0")/lib/images.sh"
. "$(dirname "$0")/lib/npm.sh"

count() { # count REF LABEL: the malware and secret/file findings of a scan, printed
	"$CGUARD" image scan "$1" --scanners malware,secret,files -f json -q >"$T_TMP/c.json" || return 1
	jq -r --arg l "$2" '"  \($l): \(.content | map(select(.kind == "malware")) | length) malware, \(.content | map(select(.kind != "malware")) | length) secret/file findings"' "$T_TMP/c.json"
	jq -r '.content[] | "    \(.kind) \(.rule) \(.path // .where)"' "$T_TMP/c.json" | head -10
}
malware() { jq '[.content[] | select(.kind == "malware")] | length' "$T_TMP/c.json"; }
secrets() { jq '[.content[] | select(.kind != "malware")] | length' "$T_TMP/c.json"; }

if root=$(deb12_rootfs); then
	count "dir:$root" "debian 12 minbase"
	check_eq "debian: no malware" "$(malware)" 0
	check_eq "debian: no secrets" "$(secrets)" 0
fi
py=$(/usr/bin/python3 -c 'import sysconfig; print(sysconfig.get_paths()["stdlib"])')
count "dir:$py" "python stdlib ($py)"
check_eq "python stdlib: no malware" "$(malware)" 0
check "python stdlib: at most a handful of secret findings" test "$(secrets)" -le 3

# popular npm packages, pinned, once
POP_DIR=$CG_TEST_CACHE/npm-popular
POP_PKG='{"name":"cguard-precision","private":true,"dependencies":{
 "express":"4.21.2","lodash":"4.17.21","axios":"1.7.9","moment":"2.30.1","jsonwebtoken":"9.0.2",
 "stripe":"17.5.0","chalk":"5.4.1","commander":"13.0.0","react":"19.0.0","react-dom":"19.0.0",
 "typescript":"5.7.3","@aws-sdk/client-s3":"3.730.0","openai":"4.79.1","twilio":"5.4.2"}}'
if npm_cached "$POP_DIR" "$POP_PKG"; then
	count "dir:$POP_DIR/node_modules" "npm: $(find "$POP_DIR/node_modules" -name package.json -path '*/node_modules/*/package.json' | wc -l) package.json files"
	check_eq "npm packages: no malware" "$(malware)" 0
	check "npm packages: at most a handful of secret findings" test "$(secrets)" -le 3
else
	echo "  (npm or its registry unavailable: the npm part is skipped)"
fi
finish
