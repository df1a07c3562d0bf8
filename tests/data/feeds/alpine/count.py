#!/usr/bin/env python3
"""Independent counts for tests/unit/test_feed_alpine.c: per secdb file
(JSON or YAML, read with PyYAML's safe loader or json), the advisories
(one per secfixes entry that names an id) and how many are NOT_AFFECTED
(key "0"), following the rules at the top of lib/vulndb/feed_alpine.c."""
import json, re, sys
import yaml

CVE = re.compile(r"^CVE-\d{4}-\d{4,}$")
OTHER = re.compile(r"^[A-Z][A-Z0-9]*(-[A-Za-z0-9]+)+$")


def is_id(t):
    if len(t) < 3 or len(t) > 128:
        return False
    return bool(CVE.match(t)) if t.startswith("CVE-") else bool(OTHER.match(t))


tot = [0, 0, 0]
for p in sys.argv[1:]:
    raw = open(p, "rb").read()
    d = json.loads(raw) if raw.lstrip().startswith(b"{") else yaml.load(raw, Loader=yaml.BaseLoader)
    n = na = skipped = 0
    for pk in d.get("packages") or []:
        for ver, ids in ((pk.get("pkg") or {}).get("secfixes") or {}).items():
            for e in ids if isinstance(ids, list) else []:
                if any(is_id(t) for t in str(e).split()):
                    n += 1
                    na += ver == "0"
                else:
                    skipped += 1
    print(p, n, na, skipped)
    tot = [tot[0] + n, tot[1] + na, tot[2] + skipped]
print("total", *tot)
