#!/usr/bin/env bash
# OS identification (IMG-02's distributions): each distribution's own release files, as its
# images ship them, name the OS and version; a distroless image is recognised.
. "$(dirname "$0")/lib/common.sh"

os_of() { # os_of DIR -> "ID VERSION_ID distroless"
	"$CGUARD" image sbom "dir:$1" -f json -q | jq -r '"\(.os.id) \(.os.version_id) \(.os.distroless)"'
}
mk() { # mk NAME FILE CONTENT [FILE CONTENT]...
	local d=$T_TMP/$1; shift
	mkdir -p "$d/bin"
	: >"$d/bin/sh"
	while [ $# -gt 1 ]; do mkdir -p "$d/$(dirname "$1")"; printf '%b' "$2" >"$d/$1"; shift 2; done
	echo "$d"
}

check_eq "debian" "$(os_of "$(mk deb usr/lib/os-release 'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nNAME="Debian GNU/Linux"\nVERSION_ID="12"\nVERSION_CODENAME=bookworm\nID=debian\n')")" "debian 12 false"
ln -s ../usr/lib/os-release "$T_TMP/deb/etc/os-release" 2>/dev/null || { mkdir -p "$T_TMP/deb/etc"; ln -s ../usr/lib/os-release "$T_TMP/deb/etc/os-release"; }
check_eq "debian via the /etc symlink" "$(os_of "$T_TMP/deb")" "debian 12 false"
check_eq "ubuntu" "$(os_of "$(mk ubu etc/os-release 'NAME="Ubuntu"\nVERSION="22.04.4 LTS (Jammy Jellyfish)"\nID=ubuntu\nID_LIKE=debian\nVERSION_ID="22.04"\nVERSION_CODENAME=jammy\n')")" "ubuntu 22.04 false"
check_eq "alpine (os-release and alpine-release)" "$(os_of "$(mk alp etc/os-release 'NAME="Alpine Linux"\nID=alpine\nVERSION_ID=3.19.1\n' etc/alpine-release '3.19.1\n')")" "alpine 3.19.1 false"
check_eq "alpine without os-release" "$(os_of "$(mk alp2 etc/alpine-release '3.18.6\n')")" "alpine 3.18.6 false"
check_eq "rhel" "$(os_of "$(mk rhel etc/os-release 'NAME="Red Hat Enterprise Linux"\nVERSION="9.3 (Plow)"\nID="rhel"\nID_LIKE="fedora"\nVERSION_ID="9.3"\n')")" "rhel 9.3 false"
check_eq "rocky" "$(os_of "$(mk rocky etc/os-release 'NAME="Rocky Linux"\nID="rocky"\nID_LIKE="rhel centos fedora"\nVERSION_ID="9.3"\n')")" "rocky 9.3 false"
check_eq "almalinux" "$(os_of "$(mk alma etc/os-release 'NAME="AlmaLinux"\nID="almalinux"\nVERSION_ID="9.3"\n')")" "almalinux 9.3 false"
check_eq "centos 7 (release file only)" "$(os_of "$(mk c7 etc/centos-release 'CentOS Linux release 7.9.2009 (Core)\n')")" "centos 7.9.2009 false"
check_eq "oracle linux" "$(os_of "$(mk ol etc/os-release 'NAME="Oracle Linux Server"\nID="ol"\nVERSION_ID="8.9"\n')")" "ol 8.9 false"
check_eq "amazon linux" "$(os_of "$(mk amzn etc/os-release 'NAME="Amazon Linux"\nID="amzn"\nVERSION_ID="2023"\n')")" "amzn 2023 false"
check_eq "sles" "$(os_of "$(mk sles etc/os-release 'NAME="SLES"\nVERSION_ID="15.5"\nID="sles"\nID_LIKE="suse"\n')")" "sles 15.5 false"
check_eq "opensuse leap" "$(os_of "$(mk leap etc/os-release 'NAME="openSUSE Leap"\nID="opensuse-leap"\nVERSION_ID="15.5"\n')")" "opensuse-leap 15.5 false"
check_eq "fedora" "$(os_of "$(mk fed etc/os-release 'NAME="Fedora Linux"\nVERSION_ID=39\nID=fedora\n')")" "fedora 39 false"
check_eq "debian testing (no VERSION_ID: debian_version)" "$(os_of "$(mk sid etc/os-release 'ID=debian\nVERSION_CODENAME=trixie\n' etc/debian_version 'trixie/sid\n')")" "debian null false"
# distroless: Debian's base-files os-release, dpkg's status.d, no shell
d=$(mk dl etc/os-release 'ID=debian\nVERSION_ID="12"\n' var/lib/dpkg/status.d/base-files 'Package: base-files\nVersion: 12.4+deb12u5\nArchitecture: amd64\n')
rm -f "$d/bin/sh"
check_eq "distroless" "$(os_of "$d")" "debian 12 true"
check_eq "distroless: the package from status.d" "$("$CGUARD" image sbom "dir:$d" -f json -q | jq -r '.packages[0].name + " " + .packages[0].version')" "base-files 12.4+deb12u5"
# quoting, escapes and comments in os-release
check_eq "quoting and escapes" "$(os_of "$(mk q etc/os-release '# a comment\nID="weird\\"os"\nVERSION_ID='"'"'1.0'"'"'\n')")" 'weird"os 1.0 false'
check_eq "no OS files: unknown" "$(os_of "$(mk none etc/hostname 'x\n')")" "null null null"
finish
