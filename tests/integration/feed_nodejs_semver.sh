#!/bin/bash
# The nodejs: feed parser's range conversion against node-semver itself (Debian's
# node-semver, /usr/share/nodejs/semver): for every advisory of
# nodejs/security-wg (../shared/feeds/npm/nodejs-security-wg, else the copy in
# tests/data/feeds/nodejs) and for the versions its ranges name plus their
# neighbours (next/previous patch, minor and major, pre-releases around them),
# node-semver's answer must equal the evaluation of the OSV events the parser
# makes (cg_version_osv_affected, through test_feed_nodejs's oracle mode).
#   npm:  satisfies(v, vulnerable_versions) (without it: !satisfies(v, patched_versions))
#   core: satisfies(v, vulnerable) && !satisfies(v, patched)
# Release versions are checked against node-semver's default, pre-releases against
# { includePrerelease: true } (OSV ranges are plain intervals of precedence: see
# lib/vulndb/feed_nodejs.c). Then the same on 3000 generated ranges (every
# operator, x-ranges, ~ ^, hyphens, white space, pre-releases, malformed ones):
# a range node-semver rejects must be skipped; one it accepts and we skip is
# only counted.
. "$(dirname "$0")/lib/common.sh"

TB=${CG_TEST_BIN:-$(dirname "$CGUARD")/tests/test_feed_nodejs}
FEED=${CG_NODEJS_FEED:-$TOP/../shared/feeds/npm/nodejs-security-wg}
[ -d "$FEED/vuln" ] || FEED=$TOP/tests/data/feeds/nodejs

if ! command -v node >/dev/null; then
	echo "$T_NAME: skipped: node is not installed (Debian packages nodejs, node-semver)"
	exit 0
fi
SEMVER_PATH=
for p in /usr/share/nodejs /usr/lib/nodejs; do
	if [ -d "$p/semver" ] && NODE_PATH=$p node -e 'require("semver")' 2>/dev/null; then
		SEMVER_PATH=$p
		break
	fi
done
if [ -z "$SEMVER_PATH" ]; then
	echo "$T_NAME: skipped: node-semver is not installed (Debian package node-semver)"
	exit 0
fi
check "test binary $TB exists" test -x "$TB"

cat >"$T_TMP/oracle.js" <<'EOF'
'use strict';
// node oracle.js FEEDROOT OUT [SYNTHDIR COUNT]: lines PATH\tKIND\tVERSION\tWANT
const fs = require('fs');
const path = require('path');
const semver = require('semver');
const [feed, out, synth, nsynth] = process.argv.slice(2);
const lines = [];
const fixed = ['0.0.0', '0.0.1', '0.1.0', '1.0.0-rc.1', '1.0.0', '2.0.0', '100.0.0'];

function range(r, opts) {
	try { return new semver.Range(r, opts); } catch (e) { return null; }
}

function neighbours(c, set) {
	const v = c.semver;
	if (!v || !v.version) return;
	const M = v.major, m = v.minor, p = v.patch;
	const pre = v.prerelease.join('.');
	const add = (x) => { if (semver.valid(x)) set.add(x); };
	add(v.version);
	for (const [a, b, d] of [[M, m, p], [M, m, p + 1], [M, m, p - 1], [M, m + 1, 0],
				 [M, m - 1, 0], [M + 1, 0, 0], [M - 1, 0, 0], [M, m, p + 2]]) {
		if (a < 0 || b < 0 || d < 0) continue;
		for (const s of ['', '-0', '-alpha', '-rc.1', '-0.0']) add(`${a}.${b}.${d}${s}`);
	}
	if (pre) {
		add(`${M}.${m}.${p}-${pre}.0`);
		add(`${M}.${m}.${p}-${pre}.1`);
		add(`${M}.${m}.${p}-${pre}0`);
		const ids = v.prerelease.slice();
		const last = ids[ids.length - 1];
		if (typeof last === 'number') {
			ids[ids.length - 1] = last + 1;
			add(`${M}.${m}.${p}-${ids.join('.')}`);
			if (last > 0) {
				ids[ids.length - 1] = last - 1;
				add(`${M}.${m}.${p}-${ids.join('.')}`);
			}
		}
	}
}

function versions(ranges) {
	const set = new Set(fixed);
	for (const r of ranges) {
		if (r == null) continue;
		for (const opts of [{}, { includePrerelease: true }]) {
			const R = range(r, opts);
			if (!R) continue;
			for (const cs of R.set) for (const c of cs) neighbours(c, set);
		}
	}
	return [...set];
}

function sat(v, r) {
	const pre = semver.prerelease(v) !== null;
	return semver.satisfies(v, r, pre ? { includePrerelease: true } : {});
}

let releaseModeDiffers = 0;
function emit(file, kind, vuln, patched) {
	const used = [vuln, patched].filter((x) => x != null);
	if (used.some((r) => range(r, {}) === null || range(r, { includePrerelease: true }) === null)) {
		lines.push(`${file}\t${kind}\t-\tinvalid`);
		return;
	}
	for (const v of versions(used)) {
		let want;
		if (vuln != null && patched != null) want = sat(v, vuln) && !sat(v, patched);
		else if (vuln != null) want = sat(v, vuln);
		else want = !sat(v, patched);
		if (semver.prerelease(v) === null)
			for (const r of used)
				if (semver.satisfies(v, r) !== semver.satisfies(v, r, { includePrerelease: true }))
					releaseModeDiffers++;
		lines.push(`${file}\t${kind}\t${v}\t${want ? 1 : 0}`);
	}
}

function walk(dir) {
	for (const e of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name < b.name ? -1 : 1)) {
		const p = path.join(dir, e.name);
		if (e.isDirectory()) { walk(p); continue; }
		const kind = path.basename(dir);
		if (!/^[1-9][0-9]*\.json$/.test(e.name) || (kind !== 'npm' && kind !== 'core')) continue;
		const d = JSON.parse(fs.readFileSync(p, 'utf8'));
		if (kind === 'npm') {
			const v = d.vulnerable_versions;
			emit(p, kind, v, v == null ? d.patched_versions : null);
		} else {
			emit(p, kind, d.vulnerable, d.patched);
		}
	}
}

// generated ranges: a small deterministic PRNG
let seed = 12345;
function rnd(n) { seed = (seed * 1103515245 + 12345) % 2147483648; return Math.floor(seed / 65536) % n; }
function pick(a) { return a[rnd(a.length)]; }
function part() { return pick(['0', '1', '2', '3', '10', 'x', '*', 'X', '01']); }
function ver() {
	const n = 1 + rnd(3);
	const ps = [pick(['0', '1', '2', '3']), pick(['0', '1', '2', '10', 'x']), pick(['0', '1', '3', 'x', '*'])];
	if (rnd(12) === 0) ps[rnd(3)] = part();
	let s = ps.slice(0, n).join('.');
	if (n === 3 && rnd(4) === 0) s += pick(['-0', '-alpha', '-rc.1', '-beta.2', '-1', '-alpha.0']);
	if (n === 3 && rnd(12) === 0) s += '+build.1';
	if (rnd(10) === 0) s = 'v' + s;
	if (rnd(40) === 0) s = pick(['=', 'v=', '=v', 'vv']) + s;
	return s;
}
function sp() { return pick(['', '', '', ' ', '  ']); }
function comparator() {
	switch (rnd(9)) {
	case 0: case 1: return pick(['<', '<=', '>', '>=', '=', '']) + sp() + ver();
	case 2: return '^' + sp() + ver();
	case 3: return pick(['~', '~>']) + sp() + ver();
	case 4: return ver();
	case 5: return pick(['*', 'x', '>=*', '<*', '>x', '<=x']);
	case 6: return pick(['>', '<', '>=', '<=']) + ver();
	case 7: return pick(['>=', '>']) + ver() + ' ' + pick(['<', '<=']) + ver();
	default: return pick(['=>1.2.3', '1.2.3.4', '-1', '1.2-beta', '>= =1.2', '~ >1.2', '1 - ', 'a.b.c', '^^1']);
	}
}
function alternative() {
	if (rnd(6) === 0) return ver() + ' - ' + ver();
	if (rnd(20) === 0) return '';
	const n = 1 + rnd(3);
	const cs = [];
	for (let i = 0; i < n; i++) cs.push(comparator());
	return cs.join(pick([' ', '  ']));
}
function synthetic(dir, count) {
	fs.mkdirSync(path.join(dir, 'npm'), { recursive: true });
	for (let i = 1; i <= count; i++) {
		const n = 1 + rnd(3);
		const alts = [];
		for (let k = 0; k < n; k++) alts.push(alternative());
		const r = alts.join(pick([' || ', '||', ' ||  ']));
		const p = path.join(dir, 'npm', `${i}.json`);
		const usePatched = rnd(5) === 0;
		fs.writeFileSync(p, JSON.stringify({ id: i, module_name: 'x', cves: [],
			vulnerable_versions: usePatched ? null : r, patched_versions: usePatched ? r : null }));
		emit(p, 'npm', usePatched ? null : r, usePatched ? r : null);
	}
}

if (synth) synthetic(synth, +nsynth);
else walk(feed);
fs.writeFileSync(out, lines.join('\n') + '\n');
console.log(`${lines.length} lines; release versions where default and includePrerelease differ: ${releaseModeDiffers}`);
EOF

# 1. the feed
info=$(cd "$T_TMP" && NODE_PATH=$SEMVER_PATH node oracle.js "$FEED" "$T_TMP/feed.tsv" 2>&1)
check "node oracle over $FEED ($info)" test -s "$T_TMP/feed.tsv"
check_eq "release versions: node-semver default == includePrerelease" \
	"$(echo "$info" | sed -n 's/.*differ: //p')" 0
check_eq "no range of the feed is rejected by node-semver" \
	"$(grep -c $'\tinvalid$' "$T_TMP/feed.tsv")" 0
res=$(CG_NODEJS_ORACLE=$T_TMP/feed.tsv "$TB" t_oracle 2>"$T_TMP/feed.err")
st=$?
echo "  feed: $(grep -c . "$T_TMP/feed.tsv") lines, $(cut -f1 "$T_TMP/feed.tsv" | sort -u | wc -l) advisories; $(echo "$res" | grep '^oracle:')"
check_eq "feed: every version agrees with node-semver (exit status)" "$st" 0
[ "$st" -eq 0 ] || head -20 "$T_TMP/feed.err"
check_eq "feed: no advisory skipped" "$(echo "$res" | sed -n 's/.*node-semver accepts: \([0-9]*\).*/\1/p')" 0
check_eq "feed: none differ" "$(echo "$res" | sed -n 's/.* agree, \([0-9]*\) differ.*/\1/p')" 0

# 2. generated ranges
info=$(cd "$T_TMP" && NODE_PATH=$SEMVER_PATH node oracle.js - "$T_TMP/synth.tsv" "$T_TMP/synth" 3000 2>&1)
check "node oracle over generated ranges ($info)" test -s "$T_TMP/synth.tsv"
res=$(CG_NODEJS_ORACLE=$T_TMP/synth.tsv "$TB" t_oracle 2>"$T_TMP/synth.err")
st=$?
echo "  generated: $(cut -f1 "$T_TMP/synth.tsv" | sort -u | wc -l) ranges, $(grep -c $'\tinvalid$' "$T_TMP/synth.tsv") rejected by node-semver; $(echo "$res" | grep '^oracle:')"
check_eq "generated: every version agrees, every rejected range skipped (exit status)" "$st" 0
[ "$st" -eq 0 ] || head -20 "$T_TMP/synth.err"
check_eq "generated: none differ" "$(echo "$res" | sed -n 's/.* agree, \([0-9]*\) differ.*/\1/p')" 0
check_eq "generated: no rejected range taken" \
	"$(echo "$res" | sed -n 's/.* skipped, \([0-9]*\) taken.*/\1/p')" 0
finish
