#!/usr/bin/env python3
"""Independent counts for tests/unit/test_feed_rustsec.c over advisory-db's
crates/*/RUSTSEC-*.md: advisories, withdrawn, informational, and the total
number of OSV events, recomputed here with Python's tomllib and a separate
implementation of the rustsec crate's range conversion (see the header of
lib/vulndb/feed_rustsec.c)."""
import glob, os, re, sys, tomllib

VER = re.compile(r"^(\d+)(?:\.(\d+)(?:\.(\d+))?)?(?:-([0-9A-Za-z.-]+))?(?:\+[0-9A-Za-z.-]+)?$")


def key(v):  # (maj, min, pat, pre-tuple) SemVer precedence
    maj, mi, pa, pre = v
    if not pre:
        return (maj, mi, pa, 1, ())
    ids = tuple((0, int(x), "") if x.isdigit() else (1, 0, x) for x in pre.split("."))
    return (maj, mi, pa, 0, ids)


def comp(s):
    s = s.strip()
    m = re.match(r"^(>=|<=|>|<|=|\^|~)?\s*(.*)$", s)
    op, rest = m.group(1) or "^", m.group(2)
    vm = VER.match(rest)
    if not vm:
        raise ValueError(s)
    hm, hp = vm.group(2) is not None, vm.group(3) is not None
    v = (int(vm.group(1)), int(vm.group(2) or 0), int(vm.group(3) or 0), vm.group(4) or "")
    return op, v, hm, hp


def req_range(req):
    cs = [comp(x) for x in req.split(",")]
    if len(cs) > 2:
        raise ValueError(req)
    start = end = None  # (kind, v) kind "inc"/"exc"
    for op, v, hm, hp in cs:
        if op in (">", ">="):
            assert start is None
            start = ("inc" if op == ">=" else "exc", v)
        elif op in ("<", "<="):
            assert end is None
            end = ("inc" if op == "<=" else "exc", v)
        else:
            assert len(cs) == 1
            if op == "=":
                start = end = ("inc", v)
                continue
            maj, mi, pa, _ = v
            if op == "~":
                e = (maj + 1, 0, 0) if not hm else (maj, mi + 1, 0)
            elif maj == 0:
                e = (0, 0, pa + 1) if (hm and mi == 0 and hp) else ((0, mi + 1, 0) if hm else (1, 0, 0))
            else:
                e = (maj + 1, 0, 0)
            start, end = ("inc", v), ("exc", e + ("0",))
    return start, end


def le(s, e):
    if s is None or e is None:
        return True
    if key(s[1]) < key(e[1]):
        return True
    return key(s[1]) == key(e[1]) and s[0] == "inc" and e[0] == "inc"


def events(patched, unaffected):
    rs = [req_range(r) for r in unaffected + patched]
    if not rs:
        return 1
    for i in range(len(rs)):
        for j in range(i + 1, len(rs)):
            if le(rs[i][0], rs[j][1]) and le(rs[j][0], rs[i][1]):
                raise ValueError("overlap")
    rs.sort(key=lambda r: (0,) if r[0] is None else (1, key(r[0][1])))
    n = 2 if rs[0][0] is not None else 0
    n += 2 * (len(rs) - 1)
    n += 1 if rs[-1][1] is not None else 0
    return n


root = sys.argv[1]
adv = wd = info = ev = skipped = 0
for p in sorted(glob.glob(os.path.join(root, "crates", "*", "RUSTSEC-*.md"))):
    text = open(p, encoding="utf-8").read()
    block = text.split("```toml\n", 1)[1].split("\n```", 1)[0]
    d = tomllib.loads(block)
    v = d.get("versions", {})
    try:
        n = events(v.get("patched", []), v.get("unaffected", []))
    except (ValueError, AssertionError):
        skipped += 1
        continue
    adv += 1
    ev += n
    wd += "withdrawn" in d["advisory"]
    info += "informational" in d["advisory"]
print("advisories", adv, "withdrawn", wd, "informational", info, "events", ev, "skipped", skipped)
