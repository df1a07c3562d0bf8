#!/usr/bin/env bash
# HTTPS: the server with --tls-cert/--tls-key answers over TLS (certificate
# checked against the test's CA), sends HSTS, and refuses plain HTTP.
. "$(dirname "$0")/lib/common.sh"
. "$(dirname "$0")/lib/server.sh"
trap 'srv_stop; [ -n "${T_KEEP:-}" ] || rm -rf "$T_TMP"' EXIT

openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=localhost \
	-addext "subjectAltName=IP:127.0.0.1,DNS:localhost" \
	-keyout "$T_TMP/key.pem" -out "$T_TMP/cert.pem" >/dev/null 2>&1 || { fail "openssl"; finish; exit 1; }
SRV_PORT=$(free_port)
CGUARD_ADMIN_PASSWORD=$ADMIN_PW "$CGUARD" server --data "$T_TMP/d" --listen "127.0.0.1:$SRV_PORT" \
	--tls-cert "$T_TMP/cert.pem" --tls-key "$T_TMP/key.pem" 2>>"$T_TMP/server.log" &
SRV_PID=$!
B=https://127.0.0.1:$SRV_PORT
for _ in $(seq 1 100); do curl -s --cacert "$T_TMP/cert.pem" -o /dev/null "$B/healthz" && break; sleep 0.1; done
check_eq "healthz over TLS" "$(curl -s --cacert "$T_TMP/cert.pem" "$B/healthz" | jq -r .status)" ok
curl -s --cacert "$T_TMP/cert.pem" -D "$T_TMP/h" -o /dev/null "$B/healthz"
check "HSTS" grep -qi '^Strict-Transport-Security: max-age' "$T_TMP/h"
T=$(curl -s --cacert "$T_TMP/cert.pem" -H 'Content-Type: application/json' \
	--data-binary "{\"username\":\"admin\",\"password\":\"$ADMIN_PW\"}" "$B/api/v1/auth/login" | jq -r .token)
check "login over TLS" test "$T" != null
st=$(curl -s -o /dev/null -w '%{http_code}' --max-time 3 "http://127.0.0.1:$SRV_PORT/healthz")
check "plain HTTP gets no answer" test "$st" != 200
check_status "a key without a certificate is refused" 2 bash -c "'$CGUARD' server --data '$T_TMP/x' --tls-key '$T_TMP/key.pem' --bogus"
CGUARD_ADMIN_PASSWORD=$ADMIN_PW "$CGUARD" server --data "$T_TMP/y" --listen 127.0.0.1:0 --tls-key "$T_TMP/key.pem" 2>"$T_TMP/err" &
pid=$!; sleep 1; kill $pid 2>/dev/null; wait $pid 2>/dev/null
check "half TLS configuration named" grep -q "both --tls-cert and --tls-key" "$T_TMP/err"
srv_stop
finish
