# Shared helpers of the integration tests (sourced). Each test script counts
# its checks and ends with "NAME: N passed, N failed".
set -u
: "${CGUARD:?set CGUARD to the cguard binary (make integration does)}"
T_NAME=$(basename "$0" .sh)
T_PASS=0
T_FAIL=0
TOP=$(cd "$(dirname "$0")/../.." && pwd)
T_TMP=$(mktemp -d "/tmp/cguard-$T_NAME.XXXXXX")
trap '[ -n "${T_KEEP:-}" ] || rm -rf "$T_TMP"' EXIT

ok() { T_PASS=$((T_PASS + 1)); }
fail() { T_FAIL=$((T_FAIL + 1)); echo "  FAIL: $*"; }

# check DESCRIPTION COMMAND...: passes when the command exits 0.
check() {
	local what=$1; shift
	if "$@" >/dev/null; then ok; else fail "$what"; fi
}

# check_eq DESCRIPTION GOT WANT
check_eq() {
	if [ "$2" == "$3" ]; then ok; else fail "$1: got '$2', want '$3'"; fi
}

# check_status DESCRIPTION WANT_STATUS COMMAND...: the exit status only.
check_status() {
	local what=$1 want=$2 got; shift 2
	"$@" >/dev/null 2>&1
	got=$?
	check_eq "$what (exit status)" "$got" "$want"
}

finish() {
	echo "$T_NAME: $T_PASS passed, $T_FAIL failed"
	[ "$T_FAIL" -eq 0 ]
}
