#!/usr/bin/env python3
"""Independent counts for tests/unit/test_feed_debian.c.

For each Debian tracker list (data/{CVE,DSA,DLA,DTSA}/list) or tracker JSON
given, print: path, advisories, affected entries, and affected entries by
status (AFFECTED UNFIXED NOT_AFFECTED EOL), following the mapping documented
at the top of lib/vulndb/feed_debian.c, written from the format alone."""
import json, re, sys

RELEASES = set("buzz rex bo hamm slink potato woody sarge etch lenny squeeze wheezy jessie "
               "stretch buster bullseye bookworm trixie forky sid".split())
TAGS = {"unfixed": "UNFIXED", "undetermined": "UNFIXED", "not-affected": "NOT_AFFECTED",
        "end-of-life": "EOL", "no-dsa": "UNFIXED", "postponed": "UNFIXED", "ignored": "UNFIXED",
        "removed": None, "itp": None}
PKG = re.compile(r"^(?:\[([a-z-]+)\] )?- (\S+)\s+(<[a-z-]+>|\S+)\s*(\(.*\))?\s*$")


def count_list(path):
    text = open(path, encoding="utf-8", errors="surrogateescape").read()
    cve = text.lstrip().startswith("CVE-")
    recs, cur = [], None
    for line in text.split("\n"):
        if not line.strip():
            continue
        if not line[0].isspace():
            cur = {"ok": True, "aff": []}
            recs.append(cur)
            if cve:
                cur["ok"] = re.match(r"^CVE-\d{4}-\d{4,}(\s|$)", line) is not None
            else:
                cur["ok"] = re.match(r"^\[[^\]]*\]\s+(DSA|DLA|DTSA)-\S+", line) is not None
            continue
        s = line.strip()
        if not cur["ok"]:
            continue
        if s.startswith("NOT-FOR-US:") or s in ("RESERVED", "REJECTED"):
            cur["ok"] = False
            continue
        m = PKG.match(s)
        if not m or (m.group(1) is None and not cve):
            continue
        rel, what = m.group(1), m.group(3)
        if rel is not None and rel not in RELEASES:
            continue
        if what.startswith("<"):
            st = TAGS.get(what[1:-1], "unknown")
            if st is None or st == "unknown":
                continue
        else:
            st = "AFFECTED"
        cur["aff"].append(st)
    return [r["aff"] for r in recs if r["ok"] and r["aff"]]


def count_json(path):
    out = []
    for src, issues in json.load(open(path)).items():
        for cid, issue in issues.items():
            aff = []
            for rel, r in (issue.get("releases") or {}).items():
                if rel not in RELEASES:
                    continue
                st = r.get("status")
                if st == "resolved":
                    fv = r.get("fixed_version")
                    if not fv:
                        continue
                    aff.append("NOT_AFFECTED" if fv == "0" else "AFFECTED")
                elif st in ("open", "undetermined"):
                    aff.append("EOL" if r.get("urgency") == "end-of-life" else "UNFIXED")
            if aff:
                out.append(aff)
    return out


for p in sys.argv[1:]:
    recs = count_json(p) if open(p, "rb").read(64).lstrip().startswith(b"{") else count_list(p)
    flat = [s for r in recs for s in r]
    print(p, len(recs), len(flat), *(flat.count(k) for k in ("AFFECTED", "UNFIXED", "NOT_AFFECTED", "EOL")))
