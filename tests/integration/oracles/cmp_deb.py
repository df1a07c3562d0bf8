#!/usr/bin/python3
"""Oracle for deb: reads 'A<TAB>B' lines, prints -1/0/1 or 'invalid: ...'.

Ordering: python3-apt's apt_pkg.version_compare (the dpkg algorithm as libapt-pkg
implements it), or with --dpkg one `dpkg --compare-versions` run per answer (slow).
Validity: dpkg's own parser, asked once per distinct version: `dpkg --compare-versions
V eq V` must succeed without a warning on stderr (dpkg warns, and still compares, for
e.g. a version that does not start with a digit; cguard rejects those)."""
import subprocess
import sys

use_dpkg = "--dpkg" in sys.argv[1:]
apt_pkg = None
if not use_dpkg:
    try:
        import apt_pkg
        apt_pkg.init_system()
    except ImportError:
        use_dpkg = True

_valid = {}


def dpkg(a, op, b):
    p = subprocess.run(["dpkg", "--compare-versions", a, op, b],
                       stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    return p.returncode, p.stderr.strip()


def check(v):
    if v not in _valid:
        rc, err = dpkg(v, "eq", v)
        _valid[v] = None if rc == 0 and not err else (err.splitlines() or ["rejected"])[-1]
    return _valid[v]


def compare(a, b):
    if use_dpkg:
        if dpkg(a, "lt", b)[0] == 0:
            return -1
        return 0 if dpkg(a, "eq", b)[0] == 0 else 1
    r = apt_pkg.version_compare(a, b)
    return (r > 0) - (r < 0)


for line in sys.stdin:
    a, _, b = line.rstrip("\n").partition("\t")
    why = check(a) or check(b)
    print("invalid: " + why if why else compare(a, b))
