#!/usr/bin/env bash
# IMG-07: an image built here from real parts — a busybox base, packages installed by npm,
# Python distributions from Debian, an rpm database written by Debian's rpm from rpms built
# with rpmbuild, a Go binary built with Debian's Go, jars from Debian's Java packages — and
# for each ecosystem the inventory equals what the native tool says of the same files.
. "$(dirname "$0")/lib/common.sh"
. "$(dirname "$0")/lib/images.sh"

R=$T_TMP/root
mkdir -p "$R/bin" "$R/etc" "$R/app" "$R/usr/lib/python3/dist-packages" "$R/usr/local/bin" "$R/usr/share/java"

# busybox base
cp /bin/busybox "$R/bin/busybox" && ln -s busybox "$R/bin/sh"
printf 'NAME="BusyBox test"\nID=busybox\nVERSION_ID=1.35\n' >"$R/etc/os-release"

# npm packages, installed by npm (the registry is reachable on this machine and on CI)
if (cd "$T_TMP" && mkdir -p npmapp && cd npmapp && npm init -y >/dev/null 2>&1 &&
	timeout 300 npm install --no-audit --no-fund --loglevel=error lodash@4.17.15 express@4.17.1 minimist@1.2.0 >/dev/null 2>&1); then
	cp -r "$T_TMP/npmapp/node_modules" "$R/app/"
	(cd "$T_TMP/npmapp" && npm ls --all --parseable --long 2>/dev/null) | awk -F: 'NR>1 {print $2}' |
		sed -E 's/@([^@]+)$/\t\1/' | sort -u >"$T_TMP/npm.want"
	have_npm=1
else
	echo "  (npm registry not reachable: npm part skipped)"
	have_npm=0
fi

# Python distributions as Debian installed them
for d in /usr/lib/python3/dist-packages/*.dist-info /usr/lib/python3/dist-packages/*.egg-info; do
	[ -e "$d" ] && cp -r "$d" "$R/usr/lib/python3/dist-packages/"
done
/usr/bin/python3 - "$R/usr/lib/python3/dist-packages" <<'PY' | sort -u >"$T_TMP/py.want"
import importlib.metadata as m, re, sys
for d in m.distributions(path=[sys.argv[1]]):
    name = re.sub(r"[-_.]+", "-", d.metadata["Name"]).lower()
    print(f"{name}\t{d.version}")
PY

# an rpm database written by rpm itself
RB=$T_TMP/rpmbuild
mkdir -p "$RB"/{SPECS,RPMS,BUILD,BUILDROOT,SOURCES,SRPMS}
for spec in "tinyutil 1.2.3 4 0" "libtiny 0.9.1 2.fc39 3"; do
	set -- $spec
	cat >"$RB/SPECS/$1.spec" <<SPEC
Name: $1
Version: $2
Release: $3
Epoch: $4
Summary: a tiny test package
License: MIT
BuildArch: noarch
%description
test
%install
mkdir -p %{buildroot}/usr/share/$1
echo $1 > %{buildroot}/usr/share/$1/README
%files
/usr/share/$1/README
SPEC
	rpmbuild --quiet --define "_topdir $RB" -bb "$RB/SPECS/$1.spec" >/dev/null 2>&1
done
mkdir -p "$T_TMP/rpmroot"
rpm --root "$T_TMP/rpmroot" --dbpath /var/lib/rpm --initdb 2>/dev/null
rpm --root "$T_TMP/rpmroot" --dbpath /var/lib/rpm -i --nodeps --noscripts --ignorearch "$RB"/RPMS/noarch/*.rpm 2>/dev/null
check "rpm wrote a database" test -n "$(ls "$T_TMP/rpmroot/var/lib/rpm/" 2>/dev/null)"
rpm --root "$T_TMP/rpmroot" --dbpath /var/lib/rpm -qa --qf '%{NAME}\t%{EPOCH}\t%{VERSION}-%{RELEASE}\n' 2>/dev/null |
	sed 's/(none)/0/' | sort >"$T_TMP/rpm.want"
cp -r "$T_TMP/rpmroot/var" "$R/"
cp -r "$T_TMP/rpmroot/usr" "$R/" 2>/dev/null

# a Go program as Debian built it, and what `go version -m` says of it
have_go=0
if command -v go >/dev/null && [ -x /usr/bin/skopeo ]; then
	cp /usr/bin/skopeo "$R/usr/local/bin/skopeo"
	go version -m /usr/bin/skopeo | awk 'NR==1 {sub(/^go/, "", $2); print "stdlib\t" $2} $1=="dep" {print $2 "\t" $3}' |
		sort >"$T_TMP/go.want"
	have_go=1
fi

# jars from Debian's Java packages, and their own pom.properties
for j in commons-lang3 guava slf4j-api commons-io; do
	[ -e "/usr/share/java/$j.jar" ] && cp -L "/usr/share/java/$j.jar" "$R/usr/share/java/"
done
for j in "$R"/usr/share/java/*.jar; do
	unzip -p "$j" 'META-INF/maven/*/pom.properties' 2>/dev/null |
		awk -F= '/^groupId=/{g=$2} /^artifactId=/{a=$2} /^version=/{v=$2} END {print g ":" a "\t" v}'
done | tr -d '\r' | sort >"$T_TMP/java.want"

# the image: one layer of everything
tar -C "$R" --numeric-owner -cf "$T_TMP/apps.tar" .
oci_layout "$T_TMP/img" apps "$T_TMP/apps.tar"
"$CGUARD" image sbom "oci:$T_TMP/img:apps" -f json -q -o "$T_TMP/inv.json"
check_eq "sbom: exit status" "$?" 0

jq -r '.packages[] | select(.type=="rpm") | "\(.name)\t\(.epoch // "0")\t\(.version)"' "$T_TMP/inv.json" | sort >"$T_TMP/rpm.got"
check "rpm: 2 packages written by rpm" test "$(wc -l <"$T_TMP/rpm.want")" -eq 2
check "rpm: equal to rpm -qa" cmp -s "$T_TMP/rpm.want" "$T_TMP/rpm.got"
check "rpm: the files of an rpm are owned" jq -e '.files.owned_files >= 2' "$T_TMP/inv.json"

jq -r '.packages[] | select(.type=="pypi" and (.path | startswith("/usr/lib/python3/dist-packages/"))) | "\(.name)\t\(.version)"' "$T_TMP/inv.json" | sort -u >"$T_TMP/py.got"
check "python: Debian's distributions found" test "$(wc -l <"$T_TMP/py.want")" -gt 5
check "python: equal to importlib.metadata" cmp -s "$T_TMP/py.want" "$T_TMP/py.got"
[ -s "$T_TMP/py.want" ] && ! cmp -s "$T_TMP/py.want" "$T_TMP/py.got" && diff "$T_TMP/py.want" "$T_TMP/py.got" | head -5

if [ "$have_npm" = 1 ]; then
	jq -r '.packages[] | select(.type=="npm" and (.path | startswith("/app/node_modules/"))) |
		"\(if .namespace then .namespace + "/" else "" end)\(.name)\t\(.version)"' "$T_TMP/inv.json" | sort -u >"$T_TMP/npm.got"
	check "npm: express's tree found" test "$(wc -l <"$T_TMP/npm.want")" -gt 40
	check "npm: equal to npm ls --all" cmp -s "$T_TMP/npm.want" "$T_TMP/npm.got"
	! cmp -s "$T_TMP/npm.want" "$T_TMP/npm.got" && diff "$T_TMP/npm.want" "$T_TMP/npm.got" | head -5
fi
if [ "$have_go" = 1 ]; then
	jq -r '.packages[] | select(.type=="golang" and .path=="/usr/local/bin/skopeo" and .version != "") |
		"\(if .namespace then .namespace + "/" else "" end)\(.name)\t\(.version)"' "$T_TMP/inv.json" | sort >"$T_TMP/go.got"
	check "go: the Go toolchain of a Debian-built binary" grep -q '^stdlib' "$T_TMP/go.got"
	check "go: equal to go version -m" cmp -s "$T_TMP/go.want" "$T_TMP/go.got"
fi
jq -r '.packages[] | select(.type=="maven") | "\(.namespace):\(.name)\t\(.version)"' "$T_TMP/inv.json" | sort >"$T_TMP/java.got"
check "java: Debian's jars found" test "$(wc -l <"$T_TMP/java.want")" -ge 3
check "java: equal to the jars' pom.properties" cmp -s "$T_TMP/java.want" "$T_TMP/java.got"
! cmp -s "$T_TMP/java.want" "$T_TMP/java.got" && diff "$T_TMP/java.want" "$T_TMP/java.got" | head -5
check_eq "OS: busybox" "$(jq -r .os.id "$T_TMP/inv.json")" "busybox"
finish
