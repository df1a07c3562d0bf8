#!/usr/bin/env python3
"""Independent counts for tests/unit/test_feed_nodejs.c over nodejs/security-wg's
vuln/npm/<N>.json and vuln/core/<N>.json.

The range conversion is re-implemented here a different way from
lib/vulndb/feed_nodejs.c: node-semver 7.3's own desugaring is ported literally
(the regular expressions of internal/re.js and the string replacements of
classes/range.js, with includePrerelease), then each comparator set becomes an
interval of SemVer precedence, as the C parser documents.

  python3 count.py ROOT            counts (ROOT: the repository or tests/data/feeds/nodejs)
  python3 count.py ROOT --dump     one line per advisory: "ID<TAB>ranges" as
                                   tests/unit/feedrec.h prints them
"""
import json, os, re, sys

MAX_SAFE = 2**53 - 1
A = re.ASCII
NUM = r"0|[1-9]\d*"
NUML = r"[0-9]+"
NONNUM = r"\d*[a-zA-Z-][a-zA-Z0-9-]*"
PREID = f"(?:{NUM}|{NONNUM})"
PREIDL = f"(?:{NUML}|{NONNUM})"
PRERELEASE = f"(?:-({PREID}(?:\\.{PREID})*))"
PRERELEASEL = f"(?:-?({PREIDL}(?:\\.{PREIDL})*))"
BUILD = r"(?:\+([0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*))"
FULLPLAIN = f"v?({NUM})\\.({NUM})\\.({NUM}){PRERELEASE}?{BUILD}?"
LOOSEPLAIN = f"[v=\\s]*({NUML})\\.({NUML})\\.({NUML}){PRERELEASEL}?{BUILD}?"
GTLT = r"((?:<|>)?=?)"
XID = f"{NUM}|x|X|\\*"
XRANGEPLAIN = f"[v=\\s]*({XID})(?:\\.({XID})(?:\\.({XID})(?:{PRERELEASE})?{BUILD}?)?)?"
XRANGE = re.compile(f"^{GTLT}\\s*{XRANGEPLAIN}$", A)
TILDETRIM = re.compile(r"(\s*)(?:~>?)\s+", A)
TILDE = re.compile(f"^(?:~>?){XRANGEPLAIN}$", A)
CARETTRIM = re.compile(r"(\s*)(?:\^)\s+", A)
CARET = re.compile(f"^(?:\\^){XRANGEPLAIN}$", A)
COMPARATOR = re.compile(f"^{GTLT}\\s*({FULLPLAIN})$|^$", A)
COMPARATORTRIM = re.compile(f"(\\s*){GTLT}\\s*({LOOSEPLAIN}|{XRANGEPLAIN})", A)
HYPHENRANGE = re.compile(f"^\\s*({XRANGEPLAIN})\\s+-\\s+({XRANGEPLAIN})\\s*$", A)
STAR = re.compile(r"(<|>)?=?\s*\*", A)
GTE0PRE = re.compile(r"^\s*>=\s*0\.0\.0-0\s*$", A)


class Invalid(Exception):
    pass


def isx(s):
    return not s or s.lower() == "x" or s == "*"


def caret(c):
    def f(m):
        M, mi, p, pr = m.group(1), m.group(2), m.group(3), m.group(4)
        if isx(M):
            return ""
        if isx(mi):
            return f">={M}.0.0-0 <{int(M) + 1}.0.0-0"
        if isx(p):
            if M == "0":
                return f">={M}.{mi}.0-0 <{M}.{int(mi) + 1}.0-0"
            return f">={M}.{mi}.0-0 <{int(M) + 1}.0.0-0"
        if pr:
            if M == "0":
                if mi == "0":
                    return f">={M}.{mi}.{p}-{pr} <{M}.{mi}.{int(p) + 1}-0"
                return f">={M}.{mi}.{p}-{pr} <{M}.{int(mi) + 1}.0-0"
            return f">={M}.{mi}.{p}-{pr} <{int(M) + 1}.0.0-0"
        if M == "0":
            if mi == "0":
                return f">={M}.{mi}.{p}-0 <{M}.{mi}.{int(p) + 1}-0"
            return f">={M}.{mi}.{p}-0 <{M}.{int(mi) + 1}.0-0"
        return f">={M}.{mi}.{p} <{int(M) + 1}.0.0-0"
    return CARET.sub(f, c, count=1)


def tilde(c):
    def f(m):
        M, mi, p, pr = m.group(1), m.group(2), m.group(3), m.group(4)
        if isx(M):
            return ""
        if isx(mi):
            return f">={M}.0.0 <{int(M) + 1}.0.0-0"
        if isx(p):
            return f">={M}.{mi}.0 <{M}.{int(mi) + 1}.0-0"
        if pr:
            return f">={M}.{mi}.{p}-{pr} <{M}.{int(mi) + 1}.0-0"
        return f">={M}.{mi}.{p} <{M}.{int(mi) + 1}.0-0"
    return TILDE.sub(f, c, count=1)


def xrange(c):
    c = c.strip()
    def f(m):
        ret, gtlt, M, mi, p = m.group(0), m.group(1), m.group(2), m.group(3), m.group(4)
        xM = isx(M)
        xm = xM or isx(mi)
        xp = xm or isx(p)
        if gtlt == "=" and xp:
            gtlt = ""
        pr = "-0"
        if xM:
            return "<0.0.0-0" if gtlt in (">", "<") else "*"
        if gtlt and xp:
            if xm:
                mi = 0
            p = 0
            if gtlt == ">":
                gtlt = ">="
                if xm:
                    M, mi, p = int(M) + 1, 0, 0
                else:
                    mi, p = int(mi) + 1, 0
            elif gtlt == "<=":
                gtlt = "<"
                if xm:
                    M = int(M) + 1
                else:
                    mi = int(mi) + 1
            if gtlt == "<":
                pr = "-0"
            return f"{gtlt}{M}.{mi}.{p}{pr}"
        if xm:
            return f">={M}.0.0{pr} <{int(M) + 1}.0.0-0"
        if xp:
            return f">={M}.{mi}.0{pr} <{M}.{int(mi) + 1}.0-0"
        return ret
    return XRANGE.sub(f, c, count=1)


def hyphen(m):
    frm, fM, fm, fp, fpr = m.group(1), m.group(2), m.group(3), m.group(4), m.group(5)
    to, tM, tm, tp, tpr = m.group(7), m.group(8), m.group(9), m.group(10), m.group(11)
    if isx(fM):
        frm = ""
    elif isx(fm):
        frm = f">={fM}.0.0-0"
    elif isx(fp):
        frm = f">={fM}.{fm}.0-0"
    elif fpr:
        frm = f">={frm}"
    else:
        frm = f">={frm}-0"
    if isx(tM):
        to = ""
    elif isx(tm):
        to = f"<{int(tM) + 1}.0.0-0"
    elif isx(tp):
        to = f"<{tM}.{int(tm) + 1}.0-0"
    elif tpr:
        to = f"<={tM}.{tm}.{tp}-{tpr}"
    else:
        to = f"<{tM}.{tm}.{int(tp) + 1}-0"
    return f"{frm} {to}".strip()


def comparators(alt):
    """node-semver's parseRange (includePrerelease): [(op, (M, m, p, pre))]."""
    r = alt.strip()
    r = HYPHENRANGE.sub(hyphen, r, count=1)
    r = COMPARATORTRIM.sub(lambda m: (m.group(1) or "") + (m.group(2) or "") + (m.group(3) or ""), r)
    r = TILDETRIM.sub(lambda m: m.group(1) + "~", r)
    r = CARETTRIM.sub(lambda m: m.group(1) + "^", r)
    r = " ".join(re.split(r"\s+", r, flags=A))
    parsed = []
    for c in r.split(" "):
        c = " ".join(caret(x) for x in re.split(r"\s+", c.strip(), flags=A))
        c = " ".join(tilde(x) for x in re.split(r"\s+", c.strip(), flags=A))
        c = " ".join(xrange(x) for x in re.split(r"\s+", c, flags=A))
        c = STAR.sub("", c.strip(), count=1)
        parsed.append(c)
    out = []
    for c in re.split(r"\s+", " ".join(parsed), flags=A):
        c = GTE0PRE.sub("", c.strip())
        m = COMPARATOR.match(c)
        if not m:
            raise Invalid(c)
        if c == "":
            continue  # any
        if len(m.group(2)) > 256:
            raise Invalid(c)
        M, mi, p = int(m.group(3)), int(m.group(4)), int(m.group(5))
        if max(M, mi, p) > MAX_SAFE:
            raise Invalid(c)
        out.append((m.group(1) or "=", (M, mi, p, m.group(6) or "")))
    return out


def key(v):
    M, mi, p, pre = v
    if not pre:
        return (M, mi, p, 1, ())
    return (M, mi, p, 0, tuple((0, int(x), "") if x.isdigit() else (1, 0, x) for x in pre.split(".")))


def succ(v):
    M, mi, p, pre = v
    return (M, mi, p, pre + ".0") if pre else (M, mi, p + 1, "0")


def fmt(v):
    return f"{v[0]}.{v[1]}.{v[2]}" + (f"-{v[3]}" if v[3] else "")


# A bound: (key of the least version above it, form) with form ("b", v) "before v"
# or ("a", v) "after v"; lower None = -inf, upper None = +inf.
def lo_bound(form):
    return (key(form[1] if form[0] == "b" else succ(form[1])), form)


def hi_bound(form):
    return lo_bound(form)


def interval(alt):
    lo = hi = None
    for op, v in comparators(alt):
        if op in (">=", ">", "="):
            b = lo_bound(("a" if op == ">" else "b", v))
            if lo is None or b[0] > lo[0]:
                lo = b
        if op in ("<", "<=", "="):
            b = hi_bound(("b" if op == "<" else "a", v))
            if hi is None or b[0] < hi[0]:
                hi = b
    if lo is not None and lo[0] == key((0, 0, 0, "0")):
        lo = None
    return lo, hi


def empty(iv):
    lo, hi = iv
    if hi is None:
        return False
    if hi[0] == key((0, 0, 0, "0")):
        return True
    return lo is not None and lo[0] >= hi[0]


def parse_range(s):
    if len(s) > 4096 or any(ord(ch) >= 0x7F for ch in s):
        raise Invalid(s)
    return [interval(a) for a in re.split(r"\s*\|\|\s*", s, flags=A)]


def union(ivs):
    ivs = sorted((iv for iv in ivs if not empty(iv)), key=lambda iv: (0,) if iv[0] is None else (1, iv[0][0]))
    out = []
    for lo, hi in ivs:
        if out and (out[-1][1] is None or lo is None or lo[0] <= out[-1][1][0]):
            plo, phi = out[-1]
            if phi is None or hi is None:
                out[-1] = (plo, None)
            elif hi[0] > phi[0]:
                out[-1] = (plo, hi)
        else:
            out.append((lo, hi))
    return out


def complement(ivs):
    out, lo = [], None
    for a, b in ivs:
        if a is not None and not empty((lo, a)):
            out.append((lo, a))
        lo = b
        if lo is None:
            return out
    out.append((lo, None))
    return out


def intersect(a, b):
    lo = a[0] if b[0] is None or (a[0] is not None and a[0][0] >= b[0][0]) else b[0]
    hi = a[1] if b[1] is None or (a[1] is not None and a[1][0] <= b[1][0]) else b[1]
    return (lo, hi)


def events(iv):
    lo, hi = iv
    ev = ["i:0" if lo is None else "i:" + fmt(succ(lo[1][1]) if lo[1][0] == "a" else lo[1][1])]
    if hi is not None:
        ev.append(("f:" if hi[1][0] == "b" else "la:") + fmt(hi[1][1]))
    return ev


def ranges(vuln, patched):
    """The OSV ranges (lists of event strings) or None when skipped."""
    v = parse_range(vuln) if vuln is not None else None
    np_ = complement(union(parse_range(patched))) if patched is not None else None
    out = []
    if v is None:
        out.append([e for iv in np_ for e in events(iv)])
    else:
        for iv in v:
            if empty(iv):
                continue
            parts = [iv] if np_ is None else [x for x in (intersect(iv, g) for g in np_) if not empty(x)]
            out.append([e for x in parts for e in events(x)])
    out = [r for r in out if r]
    return out or None


V3_BASE = {"AV": "NALP", "AC": "LH", "PR": "NLH", "UI": "NR", "S": "UC", "C": "NLH", "I": "NLH",
           "A": "NLH"}


def cvss3_ok(vec):
    """A CVSS 3.x vector with exactly the base metrics (all this feed has)."""
    parts = vec.split("/")
    if parts[0] not in ("CVSS:3.0", "CVSS:3.1"):
        return False
    seen = {}
    for p in parts[1:]:
        k, _, v = p.partition(":")
        if k not in V3_BASE or k in seen or len(v) != 1 or v not in V3_BASE[k]:
            return False
        seen[k] = v
    return len(seen) == len(V3_BASE)


CVE = re.compile(r"^CVE-\d{4}-\d{4,}$", A)


def advisory(kind, num, d, counts):
    if kind == "npm":
        nswg = f"NSWG-ECO-{d.get('id', num)}"
        vuln, patched = d.get("vulnerable_versions"), d.get("patched_versions")
        if vuln is not None:
            patched = None
        cves, vec = d.get("cves") or [], d.get("cvss_vector")
    else:
        nswg = f"NSWG-COR-{num}"
        vuln, patched = d.get("vulnerable"), d.get("patched")
        cves, vec = d.get("cve") or [], d.get("cvss")
        if vec and (vec.startswith("3.0/") or vec.startswith("3.1/")):
            vec = "CVSS:" + vec
    if vuln is None and patched is None:
        counts["skipped"] += 1
        counts["warnings"] += 1
        return None
    try:
        rs = ranges(vuln, patched)
    except Invalid:
        rs = None
    if rs is None:
        counts["skipped"] += 1
        counts["warnings"] += 1
        return None
    good = []
    for c in cves:
        if not CVE.match(c) or len(c) > 32:
            counts["warnings"] += 1
        elif c not in good:
            good.append(c)
    ident = good[0] if len(good) == 1 else nswg
    counts["advisories"] += 1
    counts[kind] += 1
    counts["cve_ids"] += len(good) == 1
    counts["events"] += sum(len(r) for r in rs)
    counts["ranges"] += len(rs)
    if vec and cvss3_ok(vec):
        counts["cvss"] += 1
    return ident, " ".join("[SEMVER " + " ".join(r) + "]" for r in rs)


def main():
    root = sys.argv[1]
    dump = "--dump" in sys.argv
    counts = dict.fromkeys(["files", "advisories", "npm", "core", "skipped", "warnings",
                            "cve_ids", "events", "ranges", "cvss"], 0)
    for dirpath, dirs, files in os.walk(root):
        dirs.sort()
        kind = os.path.basename(dirpath)
        if kind not in ("npm", "core"):
            continue
        for f in sorted(files):
            m = re.match(r"^([1-9][0-9]*)\.json$", f)
            if not m:
                continue
            counts["files"] += 1
            with open(os.path.join(dirpath, f), encoding="utf-8") as fh:
                d = json.load(fh)
            r = advisory(kind, int(m.group(1)), d, counts)
            if dump and r:
                print(f"{r[0]}\t{r[1]}")
    if not dump:
        for k, v in counts.items():
            print(f"{k} {v}")


if __name__ == "__main__":
    main()
