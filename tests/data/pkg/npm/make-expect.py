#!/usr/bin/env python3
"""Reference inventory of npm/yarn/pnpm lock files, read with real parsers
(json, PyYAML, @yarnpkg/lockfile through node): one "name@version FLAGS" line
per package, FLAGS from L (from lock) D (dev) I (indirect), sorted."""
import json, os, subprocess, sys
import yaml

def line(name, ver, dev=False, ind=False):
    return "%s@%s L%s%s" % (name, ver, "D" if dev else "-", "I" if ind else "-")

def is_version(v):
    return bool(v) and ":" not in v and "/" not in v

def npm_lock(path):
    j = json.load(open(path))
    out = []
    if isinstance(j.get("packages"), dict):
        pk = j["packages"]
        folders = [v for k, v in pk.items() if not (k.startswith("node_modules/") or "/node_modules/" in k)]
        kinds = ("dependencies", "devDependencies", "optionalDependencies", "peerDependencies")
        for k, e in pk.items():
            parts = ("/" + k).split("/node_modules/")
            if len(parts) < 2:
                continue
            last = parts[-1]
            t = e
            if e.get("link"):
                t = pk.get(e.get("resolved"))
                if not isinstance(t, dict):
                    continue
            name = t.get("name") or e.get("name") or last
            if "version" not in t:
                continue
            dev = bool(e.get("dev") or t.get("dev"))
            direct = len(parts) == 2 and any(last in (f.get(x) or {}) for f in folders for x in kinds)
            out.append(line(name, t["version"], dev, not direct))
    else:
        def walk(d):
            for name, e in d.items():
                v = e["version"]
                if v.startswith("npm:"):
                    r = v[4:]
                    at = r.index("@", 1)
                    out.append(line(r[:at], r[at + 1:], e.get("dev", False)))
                elif not v.startswith(("file:", "link:")):
                    out.append(line(name, v, e.get("dev", False)))
                walk(e.get("dependencies", {}))
        walk(j["dependencies"])
    return out

def split_desc(d):
    at = d.index("@", 1)
    return d[:at], d[at + 1:]

def yarn(path):
    text = open(path).read()
    out = []
    if "__metadata:" in text:
        y = yaml.safe_load(text)
        for k, e in y.items():
            if k == "__metadata":
                continue
            name, rng = split_desc(e.get("resolution") or k.split(", ")[0])
            if rng.startswith(("workspace:", "patch:", "link:", "portal:")):
                continue
            if str(e["version"]) == "0.0.0-use.local":
                continue
            out.append(line(name, str(e["version"])))
        return out
    js = ("const l=require('@yarnpkg/lockfile');const r=l.parse(require('fs').readFileSync(process.argv[1],'utf8'));"
          "const seen=new Set(),o=[];for(const [k,v] of Object.entries(r.object)){if(seen.has(v))continue;seen.add(v);o.push([k,v.version])}"
          "console.log(JSON.stringify(o))")
    env = dict(os.environ, NODE_PATH="/tmp/tools/yl/node_modules")
    for k, v in json.loads(subprocess.check_output(["node", "-e", js, path], env=env)):
        name, rng = split_desc(k)
        if rng.startswith("npm:") and "@" in rng[5:]:
            name = split_desc(rng[4:])[0]
        out.append(line(name, v))
    return out

def pnpm(path):
    y = yaml.safe_load(open(path))
    major = int(str(y["lockfileVersion"]).split(".")[0])
    recs = {}
    prod_marks, dev_marks = set(), set()
    if major >= 9:
        snaps = y.get("snapshots") or {}
        def target(name, v):
            v = str(v)
            if v.startswith("link:"):
                return None
            if v[0].isdigit() or ("@" not in v[1:]) or (":" in v and v.index(":") < v.index("@", 1)):
                return name + "@" + v
            return v
        def bfs(roots, marks):
            todo = [r for r in roots if r in snaps]
            marks.update(todo)
            while todo:
                s = todo.pop()
                e = snaps[s] or {}
                for sec in ("dependencies", "optionalDependencies"):
                    for n, v in (e.get(sec) or {}).items():
                        t = target(n, v)
                        if t in snaps and t not in marks:
                            marks.add(t)
                            todo.append(t)
        proots, droots = [], []
        for imp in (y.get("importers") or {}).values():
            for sec, lst in (("dependencies", proots), ("optionalDependencies", proots), ("devDependencies", droots)):
                for n, d in (imp.get(sec) or {}).items():
                    lst.append(target(n, d["version"] if isinstance(d, dict) else d))
        bfs(proots, prod_marks)
        bfs(droots, dev_marks)
    for k, e in (y.get("packages") or {}).items():
        e = e or {}
        name, ver = e.get("name"), e.get("version")
        if name is None or ver is None:
            kk = k
            if major < 9:
                if not k.startswith("/"):
                    continue
                kk = k[1:]
            if major < 6:
                first = kk.index("/", kk.index("/") + 1) if kk.startswith("@") else kk.index("/")
                kname, kver = kk[:first], kk[first + 1:].split("_")[0]
            else:
                kname, kver = split_desc(kk)
                kver = kver.split("(")[0]
            name = name if name is not None else kname
            ver = ver if ver is not None else kver
        ver = str(ver)
        if not is_version(ver):
            continue
        if major >= 9:
            snaps_of = [s for s in (y.get("snapshots") or {}) if s.split("(")[0] == k]
            p = any(s in prod_marks for s in snaps_of)
            d = any(s in dev_marks for s in snaps_of)
            dev = d and not p
        else:
            dev = e.get("dev") is True
        key = (name, ver)
        recs[key] = (recs[key] and dev) if key in recs else dev
    return [line(n, v, d) for (n, v), d in recs.items()]

if __name__ == "__main__":
    p = sys.argv[1]
    b = os.path.basename(p)
    f = npm_lock if b in ("package-lock.json", "npm-shrinkwrap.json") else yarn if b == "yarn.lock" else pnpm
    for l in sorted(f(p)):
        print(l)
