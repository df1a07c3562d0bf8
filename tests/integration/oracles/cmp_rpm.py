#!/usr/bin/python3
"""Oracle for rpm: reads 'A<TAB>B' lines, prints -1/0/1.

Each side is split into (epoch, version, release) the way rpm's parseEVR does (epoch =
leading digits before ':', release = after the last '-'), then compared with
rpm.labelCompare from python3-rpm (rpmvercmp on epoch, version, release; a missing
epoch counts as 0, a missing release sorts before any release). rpm accepts any
string, so there is no 'invalid' answer."""
import sys

import rpm


def parse_evr(s):
    i = 0
    while i < len(s) and s[i].isdigit() and s[i].isascii():
        i += 1
    epoch = None
    rest = s
    if i < len(s) and s[i] == ":":
        epoch = s[:i] or "0"
        rest = s[i + 1:]
    # parseEVR looks for the last '-' after the epoch digits, in the whole rest.
    version, dash, release = rest.rpartition("-")
    if not dash:
        version, release = rest, None
    return (epoch, version, release)


for line in sys.stdin:
    a, _, b = line.rstrip("\n").partition("\t")
    r = rpm.labelCompare(parse_evr(a), parse_evr(b))
    print((r > 0) - (r < 0))
