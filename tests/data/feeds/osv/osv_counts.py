#!/usr/bin/env python3
"""Count what the osv: feed parser (lib/vulndb/feed_osv.c) should report for a
folder of OSV files, by independent means (json + PyYAML), so that
tests/unit/test_feed_osv.c can compare. Usage: osv_counts.py DIR

Files: *.json, *.yaml, *.yml below DIR, no hidden file or folder. A root is a
record, a list of records or {"vulns": [...]}. Counted as the parser reports
them: affected entries that have a package; ranges of type ECOSYSTEM and
SEMVER (GIT dropped) and their events; related ids with upstream ids added,
duplicates dropped; the affected entries that get a severity word."""
import json
import os
import sys

import yaml

Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
RH_WORDS = ("Critical", "Important", "Moderate", "Low")


def records(root):
    if root is None:
        return []
    if isinstance(root, list):
        return root
    if isinstance(root, dict) and "id" not in root and isinstance(root.get("vulns"), list):
        return root["vulns"]
    return [root]


def word(obj, key):
    s = (obj.get(key) or {}).get("severity")
    return s if isinstance(s, str) and s else None


def main():
    top = sys.argv[1]
    c = dict.fromkeys(("files advisories withdrawn aliases related references severities "
                       "affected by_source severity_words ranges events versions").split(), 0)
    for root, dirs, files in os.walk(top):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        for f in files:
            if f.startswith(".") or not f.endswith((".json", ".yaml", ".yml")):
                continue
            c["files"] += 1
            path = os.path.join(root, f)
            with open(path, "rb") as fh:
                data = fh.read()
            if f.endswith(".json"):
                roots = [json.loads(data)]
            else:
                roots = list(yaml.load_all(data, Loader=Loader))
            for r in (rec for root_ in roots for rec in records(root_)):
                c["advisories"] += 1
                c["withdrawn"] += bool(r.get("withdrawn"))
                c["aliases"] += len(set(r.get("aliases") or []))
                c["related"] += len(set((r.get("related") or []) + (r.get("upstream") or [])))
                c["references"] += len(r.get("references") or [])
                sev = r.get("severity") or []
                c["severities"] += len(sev)
                vendor = next((s["score"] for s in sev if not s["type"].startswith("CVSS_")),
                              None)
                summary = r.get("summary") or ""
                rh = next((w for w in RH_WORDS if summary.startswith(w + ":")), None)
                for a in r.get("affected") or []:
                    if not a.get("package"):
                        continue
                    eco = a["package"]["ecosystem"]
                    distro = eco.split(":")[0]
                    c["affected"] += 1
                    c["by_source"] += distro in ("Debian", "Ubuntu", "Alpine")
                    w = (word(a, "ecosystem_specific") or word(a, "database_specific") or
                         word(r, "database_specific") or vendor or
                         (rh if distro in ("AlmaLinux", "Rocky Linux") else None))
                    c["severity_words"] += w is not None
                    c["versions"] += len(a.get("versions") or [])
                    for rg in a.get("ranges") or []:
                        if rg["type"] in ("ECOSYSTEM", "SEMVER"):
                            c["ranges"] += 1
                            c["events"] += len(rg["events"])
    for k, v in c.items():
        print(k, v)


if __name__ == "__main__":
    main()
