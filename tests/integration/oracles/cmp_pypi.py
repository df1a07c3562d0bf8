#!/usr/bin/python3
"""Oracle for pypi: reads 'A<TAB>B' lines, prints -1/0/1 or 'invalid: ...'.

packaging.version.Version (python3-packaging 23) is PEP 440 as pip applies it. Strings that
are not PEP 440 are ordered as packaging 21.3 ordered them (LegacyVersion, below every PEP 440
version), which is what cguard does too (the osv-scalibr vectors need it); 21.3 is the copy
Debian's pip vendors (python3-pip). Only a string neither accepts is invalid."""
import sys

from packaging.version import InvalidVersion, Version

try:
    from pip._vendor.packaging import version as legacy  # packaging 21.3
except ImportError:  # no pip: PEP 440 only
    legacy = None


def parse(s):
    try:
        return Version(s), False
    except InvalidVersion:
        if legacy is None or not s.strip():
            raise
        return legacy.parse(s), True


for line in sys.stdin:
    a, _, b = line.rstrip("\n").partition("\t")
    try:
        (va, la), (vb, lb) = parse(a), parse(b)
    except InvalidVersion as e:
        print("invalid: %s" % e)
        continue
    if la or lb:  # compare both with 21.3's rules, where Legacy < PEP 440
        va, vb = legacy.parse(a), legacy.parse(b)
    print((va > vb) - (va < vb))
