#!/usr/bin/python3
"""Oracle for pypi: reads 'A<TAB>B' lines, prints -1/0/1 or 'invalid: ...'.

packaging.version.Version (python3-packaging) is PEP 440 as pip applies it: parses
with normalisation (case, 'v' prefix, separators, spelled-out pre/post/dev markers)
and orders by the PEP's rules; InvalidVersion means not a valid version."""
import sys

from packaging.version import InvalidVersion, Version

for line in sys.stdin:
    a, _, b = line.rstrip("\n").partition("\t")
    try:
        va, vb = Version(a), Version(b)
    except InvalidVersion as e:
        print("invalid: %s" % e)
        continue
    print((va > vb) - (va < vb))
