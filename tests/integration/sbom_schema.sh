#!/usr/bin/env bash
# `cguard image sbom -f cyclonedx` and `-f spdx` on three images built here (a debootstrap
# Debian 12, a CBL-Mariner rpm database, Python and Ruby packages with licenses of every
# kind) must validate against the official CycloneDX 1.5 JSON schema, and meet what a
# schema cannot say: unique bom-refs and SPDXIDs, dependencies and relationships that
# point at elements of the document, purls that parse, print back the same and name the
# package of cguard's own inventory, and licenses given as SPDX ids or expressions only
# when they are (CycloneDX license.id, SPDX licenseDeclared).
#
# The validators come from the npm registry at the first run, pinned, into
# $CG_TEST_CACHE/npm-sbom (offline afterwards): the schemas as @cyclonedx/cyclonedx-library
# ships them, ajv with ajv-formats and ajv-formats-draft2019 (every "format" of the schema
# checked: date-time, iri-reference, idn-email), packageurl-js and spdx-expression-parse.
# No npm package ships SPDX 2.3's official schema (spdx-spec's schemas/spdx-schema.json):
# the SPDX document is checked field by field against SPDX 2.3 (fields, required ones,
# value sets: what that schema says of what cguard writes), and against the schema file
# itself when CG_SPDX_SCHEMA names a copy of it (else that one check is skipped).
# Without npm or its registry the test is skipped (exit 77).
. "$(dirname "$0")/lib/common.sh"
. "$(dirname "$0")/lib/images.sh"

if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
	echo "$T_NAME: skipped: node and npm are not installed"
	exit 77
fi

# ---- the validators, once (tests/integration/lib/npm.sh) -------------------------------
. "$(dirname "$0")/lib/npm.sh"
if ! npm_tools; then
	echo "$T_NAME: skipped: npm install failed (no registry?)"
	tail -5 "$NPM_DIR/npm.log" 2>/dev/null | sed 's/^/    /'
	exit 77
fi
export NM=$NPM_DIR/node_modules
for p in @cyclonedx/cyclonedx-library:10.3.0 ajv:8.20.0 ajv-formats:3.0.1 \
	ajv-formats-draft2019:1.6.1 packageurl-js:2.0.1 spdx-expression-parse:5.0.0; do
	check_eq "npm: ${p%:*} pinned" "$(jq -r .version "$NM/${p%:*}/package.json")" "${p##*:}"
done

# check.js MODE INVENTORY.json FILE...: each FILE (CycloneDX for MODE cdx, SPDX for spdx)
# is checked; prints "FILE: N checks, P problems" and the problems, one a line.
cat >"$T_TMP/check.js" <<'JS'
'use strict';
const fs = require('fs');
const path = require('path');
const crypto = require('crypto');
const NM = process.env.NM;
const req = (m) => require(path.join(NM, m));
const Ajv = req('ajv').default;
const Ajv2019 = req('ajv/dist/2019').default;
const addFormats = req('ajv-formats').default;
const addFormats2019 = req('ajv-formats-draft2019');
const { PackageURL } = req('packageurl-js');
const spdxParse = req('spdx-expression-parse');

const [mode, invFile, ...files] = process.argv.slice(2);
let inventory = { packages: [] };
try { inventory = JSON.parse(fs.readFileSync(invFile, 'utf8')); } catch (e) { console.log(`inventory: ${e.message}`); }
const byPurl = new Map(inventory.packages.map((p) => [p.purl, p]));

function ajvFor(draft2019, schemas) {
	// strict off: the official schemas hold keywords ajv does not know ("meta:enum");
	// formats stay on, and each one the schema uses must have a check (see formatsUsed)
	const A = draft2019 ? Ajv2019 : Ajv;
	const ajv = new A({ strict: false, allErrors: true, addUsedSchema: false, validateFormats: true,
		schemas, loadSchema: (u) => { throw new Error('remote schema ' + u); } });
	addFormats(ajv);
	addFormats2019(ajv, { formats: ['idn-email', 'idn-hostname', 'iri', 'iri-reference', 'duration'] });
	return ajv;
}
function formatsUsed(schema, out = new Set()) {
	if (schema && typeof schema === 'object') {
		if (typeof schema.format === 'string') out.add(schema.format);
		for (const v of Object.values(schema)) formatsUsed(v, out);
	}
	return out;
}
function compile(schema, draft2019, schemas) {
	const ajv = ajvFor(draft2019, schemas);
	for (const f of formatsUsed(schema)) if (!ajv.formats[f]) throw new Error('no check for format ' + f);
	return ajv.compile(schema);
}
const pick = (o, ptr) => ptr.split('/').slice(1).reduce((v, k) => (v == null ? v : v[k]), o);

let validateCdx = null, validateSpdx = null;
if (mode === 'cdx') {
	const dir = path.join(NM, '@cyclonedx/cyclonedx-library/res/schema');
	const load = (f) => JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8'));
	// the library's copies of the schemas name each other by these files (its res/schema/README.md)
	validateCdx = compile(load('bom-1.5.SNAPSHOT.schema.json'), false, {
		'http://cyclonedx.org/schema/spdx.SNAPSHOT.schema.json': load('spdx.SNAPSHOT.schema.json'),
		'http://cyclonedx.org/schema/jsf-0.82.SNAPSHOT.schema.json': load('jsf-0.82.SNAPSHOT.schema.json'),
	});
} else if (process.env.CG_SPDX_SCHEMA) {
	const bytes = fs.readFileSync(process.env.CG_SPDX_SCHEMA);
	const schema = JSON.parse(bytes);
	console.log(`spdx schema: ${schema.title}, sha256 ${crypto.createHash('sha256').update(bytes).digest('hex')}`);
	validateSpdx = compile(schema, /2019-09/.test(schema.$schema || ''), {});
}

function checkDoc(doc) {
	const problems = [];
	let checks = 0;
	const bad = (m) => problems.push(m);
	const schemaErrors = (validate) => {
		checks++;
		if (validate(doc)) return;
		for (const e of validate.errors.slice(0, 10))
			bad(`schema: ${e.instancePath || '/'} ${e.message}` +
			    (e.params && e.params.additionalProperty ? ` (${e.params.additionalProperty})` : '') +
			    ` [${JSON.stringify(pick(doc, e.instancePath)).slice(0, 70)}]`);
	};
	const spdxExpr = (s) => { try { spdxParse(s); return true; } catch (e) { return false; } };
	// a purl must parse, print back the same and name the inventory's package. "The
	// same" up to the characters packageurl-js leaves bare and ECMA-427 percent-encodes
	// (! ' ( ) * + in a version: "pkg:pypi/weird@2%211.0rc1" prints as "@2!1.0rc1")
	const purl = (where, s) => {
		checks++;
		let p;
		try { p = PackageURL.fromString(s); } catch (e) { return bad(`${where}: purl ${s}: ${e.message}`); }
		const norm = (u) => u.replace(/%(21|27|28|29|2A|2B|7E)/gi, (m, h) => String.fromCharCode(parseInt(h, 16)));
		if (norm(p.toString()) !== norm(s)) bad(`${where}: purl ${s} prints back as ${p.toString()}`);
		const inv = byPurl.get(s);
		if (!inv) return bad(`${where}: purl ${s} is not in the inventory`);
		const name = inv.type === 'pypi' ? inv.name.toLowerCase().replace(/[-_.]+/g, '-') : inv.name;
		const q = p.qualifiers || {};
		if (p.type !== inv.type || p.name !== name || p.version !== inv.version ||
		    (inv.arch || undefined) !== q.arch || (inv.epoch || undefined) !== q.epoch)
			bad(`${where}: purl ${s} says ${JSON.stringify([p.type, p.name, p.version, q.arch, q.epoch])}`);
		return inv;
	};
	const samePurls = (got) => {
		checks++;
		const want = inventory.packages.map((p) => p.purl).sort();
		if (JSON.stringify(got.sort()) !== JSON.stringify(want))
			bad(`inventory: ${got.length} purls here, ${want.length} in the inventory`);
	};

	if (mode === 'cdx') {
		schemaErrors(validateCdx);
		const refs = new Map();
		const ref = (where, r) => {
			checks++;
			if (typeof r !== 'string' || !r) return bad(`${where}: no bom-ref`);
			if (refs.has(r)) bad(`${where}: bom-ref ${r} again (${refs.get(r)})`);
			refs.set(r, where);
		};
		const mc = (doc.metadata || {}).component;
		if (mc) ref('metadata.component', mc['bom-ref']); else bad('no metadata.component');
		const walk = (list, at) => (list || []).forEach((c, i) => {
			ref(`${at}[${i}]`, c['bom-ref']);
			walk(c.components, `${at}[${i}].components`);
		});
		walk(doc.components, 'components');
		const listed = new Set();
		for (const [i, d] of (doc.dependencies || []).entries()) {
			checks++;
			if (!refs.has(d.ref)) bad(`dependencies[${i}]: ref ${d.ref} is no bom-ref`);
			if (listed.has(d.ref)) bad(`dependencies[${i}]: ref ${d.ref} twice`);
			listed.add(d.ref);
			for (const o of d.dependsOn || []) if (!refs.has(o)) bad(`dependencies[${i}]: dependsOn ${o} is no bom-ref`);
		}
		if (mc && !listed.has(mc['bom-ref'])) bad('dependencies: none for the image');
		const purls = [];
		for (const [i, c] of (doc.components || []).entries()) {
			if (c.type === 'operating-system') continue;
			const where = `components[${i}] ${c.name}`;
			if (!c.purl) { bad(`${where}: no purl`); continue; }
			purls.push(c.purl);
			const inv = purl(where, c.purl);
			if (inv && c.version !== inv.version) bad(`${where}: version ${c.version}, inventory ${inv.version}`);
			checks++;
			if (inv && Boolean(inv.license) !== Boolean((c.licenses || []).length)) bad(`${where}: license ${inv.license} lost`);
			for (const l of c.licenses || [])
				if (l.expression !== undefined && !spdxExpr(l.expression))
					bad(`${where}: expression ${JSON.stringify(l.expression)} is not SPDX`);
		}
		samePurls(purls);
	} else {
		if (validateSpdx) schemaErrors(validateSpdx);
		// SPDX 2.3 (clauses 6, 7, 11; its JSON schema's fields, required fields and value sets)
		const F = {
			document: ['SPDXID', 'annotations', 'comment', 'creationInfo', 'dataLicense', 'externalDocumentRefs',
				'hasExtractedLicensingInfos', 'name', 'revieweds', 'spdxVersion', 'documentNamespace',
				'documentDescribes', 'packages', 'files', 'snippets', 'relationships'],
			creationInfo: ['comment', 'created', 'creators', 'licenseListVersion'],
			package: ['SPDXID', 'annotations', 'attributionTexts', 'builtDate', 'checksums', 'comment',
				'copyrightText', 'description', 'downloadLocation', 'externalRefs', 'filesAnalyzed', 'hasFiles',
				'homepage', 'licenseComments', 'licenseConcluded', 'licenseDeclared', 'licenseInfoFromFiles',
				'name', 'originator', 'packageFileName', 'packageVerificationCode', 'primaryPackagePurpose',
				'releaseDate', 'sourceInfo', 'summary', 'supplier', 'validUntilDate', 'versionInfo'],
			externalRef: ['comment', 'referenceCategory', 'referenceLocator', 'referenceType'],
			relationship: ['spdxElementId', 'comment', 'relatedSpdxElement', 'relationshipType'],
		};
		const REQUIRED = { document: ['SPDXID', 'creationInfo', 'dataLicense', 'name', 'spdxVersion'],
			creationInfo: ['created', 'creators'], package: ['SPDXID', 'downloadLocation', 'name'],
			externalRef: ['referenceCategory', 'referenceLocator', 'referenceType'],
			relationship: ['spdxElementId', 'relatedSpdxElement', 'relationshipType'] };
		const BOOLEAN = ['filesAnalyzed'], ARRAY = ['packages', 'relationships', 'creators', 'externalRefs'];
		const PURPOSE = ['OTHER', 'INSTALL', 'ARCHIVE', 'FIRMWARE', 'APPLICATION', 'FRAMEWORK', 'LIBRARY',
			'CONTAINER', 'SOURCE', 'DEVICE', 'OPERATING_SYSTEM', 'FILE'];
		const CATEGORY = ['OTHER', 'PERSISTENT-ID', 'SECURITY', 'PACKAGE-MANAGER'];
		const RELATION = ['DESCRIBES', 'CONTAINS', 'DEPENDS_ON', 'DEPENDENCY_OF', 'DESCRIBED_BY', 'CONTAINED_BY', 'OTHER'];
		const shape = (o, kind, where) => {
			checks++;
			if (!o || typeof o !== 'object' || Array.isArray(o)) return bad(`${where}: not an object`);
			for (const k of Object.keys(o)) if (!F[kind].includes(k)) bad(`${where}: unknown field ${k}`);
			for (const k of REQUIRED[kind]) if (o[k] === undefined) bad(`${where}: no ${k}`);
			for (const [k, v] of Object.entries(o)) {
				const want = BOOLEAN.includes(k) ? 'boolean' : ARRAY.includes(k) ? 'array' :
					['creationInfo'].includes(k) ? 'object' : 'string';
				const got = Array.isArray(v) ? 'array' : v === null ? 'null' : typeof v;
				if (F[kind].includes(k) && got !== want) bad(`${where}: ${k} is ${got}, not ${want}`);
			}
		};
		const SPDXID = /^SPDXRef-[A-Za-z0-9.-]+$/;
		shape(doc, 'document', 'document');
		shape(doc.creationInfo, 'creationInfo', 'creationInfo');
		checks += 6;
		if (doc.spdxVersion !== 'SPDX-2.3') bad(`spdxVersion ${doc.spdxVersion}`);
		if (doc.dataLicense !== 'CC0-1.0') bad(`dataLicense ${doc.dataLicense}`);
		if (doc.SPDXID !== 'SPDXRef-DOCUMENT') bad(`document SPDXID ${doc.SPDXID}`);
		if (!/^[a-z][a-z0-9+.-]*:[^#\s]+$/i.test(doc.documentNamespace || '')) bad(`documentNamespace ${doc.documentNamespace}`);
		const ci = doc.creationInfo || {};
		if (!/^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])T([01]\d|2[0-3]):[0-5]\d:[0-5]\dZ$/.test(ci.created || ''))
			bad(`created ${ci.created}`);
		if (!(ci.creators || []).length || !ci.creators.every((c) => /^(Tool|Person|Organization): \S/.test(c)))
			bad(`creators ${JSON.stringify(ci.creators)}`);
		const ids = new Map([[doc.SPDXID, 'document']]);
		const purls = [];
		for (const [i, p] of (doc.packages || []).entries()) {
			const where = `packages[${i}] ${p.name}`;
			shape(p, 'package', where);
			checks += 5;
			if (!SPDXID.test(p.SPDXID || '')) bad(`${where}: SPDXID ${p.SPDXID}`);
			if (ids.has(p.SPDXID)) bad(`${where}: SPDXID ${p.SPDXID} again (${ids.get(p.SPDXID)})`);
			ids.set(p.SPDXID, where);
			if (!['NOASSERTION', 'NONE'].includes(p.downloadLocation)) bad(`${where}: downloadLocation ${p.downloadLocation}`);
			if (p.primaryPackagePurpose !== undefined && !PURPOSE.includes(p.primaryPackagePurpose))
				bad(`${where}: primaryPackagePurpose ${p.primaryPackagePurpose}`);
			for (const k of ['licenseConcluded', 'licenseDeclared'])
				if (typeof p[k] === 'string' && !['NOASSERTION', 'NONE'].includes(p[k]) && !spdxExpr(p[k]))
					bad(`${where}: ${k} ${JSON.stringify(p[k])} is not SPDX`);
			for (const [j, r] of (p.externalRefs || []).entries()) {
				shape(r, 'externalRef', `${where} externalRefs[${j}]`);
				if (!CATEGORY.includes(r.referenceCategory)) bad(`${where}: referenceCategory ${r.referenceCategory}`);
				if (r.referenceType !== 'purl') continue;
				purls.push(r.referenceLocator);
				const inv = purl(where, r.referenceLocator);
				if (inv && p.versionInfo !== inv.version) bad(`${where}: versionInfo ${p.versionInfo}, inventory ${inv.version}`);
				checks++;
				if (inv && Boolean(inv.license) !== (p.licenseDeclared !== 'NOASSERTION' || p.licenseComments !== undefined))
					bad(`${where}: license ${inv.license} lost`);
			}
		}
		const rels = doc.relationships || [];
		for (const [i, r] of rels.entries()) {
			shape(r, 'relationship', `relationships[${i}]`);
			if (!RELATION.includes(r.relationshipType)) bad(`relationships[${i}]: ${r.relationshipType}`);
			if (!ids.has(r.spdxElementId)) bad(`relationships[${i}]: ${r.spdxElementId} is no element`);
			if (!ids.has(r.relatedSpdxElement) && !['NONE', 'NOASSERTION'].includes(r.relatedSpdxElement))
				bad(`relationships[${i}]: ${r.relatedSpdxElement} is no element`);
		}
		checks += 2;
		const desc = rels.filter((r) => r.spdxElementId === doc.SPDXID && r.relationshipType === 'DESCRIBES');
		if (desc.length !== 1) bad(`${desc.length} DESCRIBES relationships from the document`);
		const related = new Set(rels.map((r) => r.relatedSpdxElement));
		for (const p of doc.packages || []) if (!related.has(p.SPDXID)) bad(`${p.SPDXID}: in no relationship`);
		samePurls(purls);
	}
	return { checks, problems };
}

for (const f of files) {
	let r;
	try { r = checkDoc(JSON.parse(fs.readFileSync(f, 'utf8'))); } catch (e) { r = { checks: 0, problems: [e.message] }; }
	console.log(`${path.basename(f)}: ${r.checks} checks, ${r.problems.length} problems`);
	for (const p of r.problems.slice(0, 25)) console.log('  ' + p);
	if (r.problems.length > 25) console.log(`  ... ${r.problems.length - 25} more`);
}
JS

# ---- the images --------------------------------------------------------------------------
root=$(deb12_rootfs) || { echo "$T_NAME: cannot debootstrap a Debian 12 rootfs"; echo "$T_NAME: 0 passed, 1 failed"; exit 1; }
tar -C "$root" --numeric-owner --exclude=./.complete -cf "$T_TMP/deb.tar" .
oci_layout "$T_TMP/deb" deb12 "$T_TMP/deb.tar"
rm -f "$T_TMP/deb.tar"

# CBL-Mariner 2.0: its real rpm database (as scripts/demo builds it)
m=$T_TMP/mariner-root
mkdir -p "$m/var/lib/rpm" "$m/etc"
cp "$TOP/tests/data/rpmdb/mariner-2.0-sqlite/rpmdb.sqlite" "$m/var/lib/rpm/"
printf 'NAME="Common Base Linux Mariner"\nVERSION="2.0"\nID=mariner\nVERSION_ID="2.0"\nPRETTY_NAME="CBL-Mariner/Linux"\n' >"$m/etc/os-release"
tar -C "$m" -cf "$T_TMP/mariner.tar" .
oci_layout "$T_TMP/mariner" mariner "$T_TMP/mariner.tar"

# no OS: this machine's Python distributions and Ruby gemspecs (licenses as SPDX ids,
# expressions, names, lists, lower case), and a few made here for their versions and
# licenses
l=$T_TMP/lang-root
py=$l/usr/lib/python3/dist-packages
mkdir -p "$py" "$l/usr/share/rubygems-integration/all/specifications"
for d in /usr/lib/python3/dist-packages/*.dist-info /usr/lib/python3/dist-packages/*.egg-info; do
	[ -e "$d" ] && cp -r "$d" "$py/"
done
cp /usr/share/rubygems-integration/all/specifications/*.gemspec "$l/usr/share/rubygems-integration/all/specifications/" 2>/dev/null
made() { # made DIR NAME VERSION LICENSE-HEADER
	mkdir -p "$py/$1" && printf 'Metadata-Version: 2.4\nName: %s\nVersion: %s\n%s\n\n' "$2" "$3" "$4" >"$py/$1/METADATA"
}
made Zope.Interface_Extra-1.0.post1+local.7.dist-info Zope.Interface_Extra 1.0.post1+local.7 \
	'License-Expression: (mit OR Apache-2.0) and bsd-3-clause'
made weird-2!1.0rc1.dist-info weird '2!1.0rc1' 'License: GPL-2.0-or-later WITH Classpath-exception-2.0'
made custom-1.0.dist-info custom 1.0 'License: LicenseRef-Custom'
made plus-1.0.dist-info plus 1.0 'License: GPL-2.0+'
made broken-1.0.dist-info broken 1.0 'License: MIT AND (Apache-2.0'
cat >"$l/usr/share/rubygems-integration/all/specifications/lowcase-2.0.gemspec" <<'GEM'
Gem::Specification.new do |s|
  s.name = "lowcase".freeze
  s.version = "2.0"
  s.licenses = ["bsd-2-clause".freeze]
end
GEM
tar -C "$l" -cf "$T_TMP/lang.tar" .
oci_layout "$T_TMP/lang" lang "$T_TMP/lang.tar"

# ---- the SBOMs ---------------------------------------------------------------------------
for img in deb mariner lang; do
	ref=oci:$T_TMP/$img
	for f in json cyclonedx spdx; do
		"$CGUARD" image sbom "$ref" -f $f -q -o "$T_TMP/$img.$f.json" 2>"$T_TMP/$img.$f.err"
		check_eq "$img: -f $f exit status" "$?" 0
	done
	n=$(jq '.packages | length' "$T_TMP/$img.json.json")
	echo "  $img: $n packages"
	check "$img: has packages" test "$n" -gt 10
done
check_eq "lang: Python and Ruby packages" "$(jq -r '[.packages[].type] | unique | join(" ")' "$T_TMP/lang.json.json")" "gem pypi"

# validated: each must have no problem
validated() { # validated MODE IMG FILE...: the checker's verdict on each FILE
	(cd "$T_TMP" && node "$T_TMP/check.js" "$1" "$T_TMP/$2.json.json" "${@:3}") >"$T_TMP/verdict" 2>&1
	cat "$T_TMP/verdict" >>"$T_TMP/verdicts"
}
for img in deb mariner lang; do
	validated cdx $img "$T_TMP/$img.cyclonedx.json"
	if grep -q "^$img.cyclonedx.json: [1-9][0-9]* checks, 0 problems" "$T_TMP/verdict"; then ok; else
		fail "$img: CycloneDX 1.5 schema and semantics"; sed 's/^/    /' "$T_TMP/verdict" | head -30; fi
	validated spdx $img "$T_TMP/$img.spdx.json"
	if grep -q "^$img.spdx.json: [1-9][0-9]* checks, 0 problems" "$T_TMP/verdict"; then ok; else
		fail "$img: SPDX 2.3 schema and semantics"; sed 's/^/    /' "$T_TMP/verdict" | head -30; fi
done
grep -E '^[a-z]+\.(cyclonedx|spdx)\.json: ' "$T_TMP/verdicts" | sed 's/^/  /'

# what the licenses became
cdx=$T_TMP/lang.cyclonedx.json spdx=$T_TMP/lang.spdx.json
lic() { jq -c --arg n "$1" '[.components[] | select(.name == $n) | .licenses] | first' "$cdx"; }
decl() { jq -r --arg n "$1" '[.packages[] | select(.name == $n) | .licenseDeclared] | first' "$spdx"; }
check_eq "cyclonedx: an expression, canonical" "$(lic zope-interface-extra)" '[{"expression":"(MIT OR Apache-2.0) AND BSD-3-Clause"}]'
check_eq "cyclonedx: WITH an exception" "$(lic weird)" '[{"expression":"GPL-2.0-or-later WITH Classpath-exception-2.0"}]'
check_eq "cyclonedx: id+ is an expression" "$(lic plus)" '[{"expression":"GPL-2.0+"}]'
check_eq "cyclonedx: an undefined LicenseRef is a name" "$(lic custom)" '[{"license":{"name":"LicenseRef-Custom"}}]'
check_eq "cyclonedx: an unbalanced expression is a name" "$(lic broken)" '[{"license":{"name":"MIT AND (Apache-2.0"}}]'
check_eq "spdx: the same expression" "$(decl zope-interface-extra)" "(MIT OR Apache-2.0) AND BSD-3-Clause"
check_eq "spdx: no expression, NOASSERTION" "$(decl custom)" "NOASSERTION"
check_eq "spdx: ...and the declared words in a comment" \
	"$(jq -r '.packages[] | select(.name == "custom") | .licenseComments' "$spdx")" "declared license: LicenseRef-Custom"
check_eq "purl: a local version and an epoch percent-encoded" \
	"$(jq -r '[.components[] | select(.name == "zope-interface-extra" or .name == "weird") | .purl] | join(" ")' "$cdx")" \
	"pkg:pypi/zope-interface-extra@1.0.post1%2Blocal.7 pkg:pypi/weird@2%211.0rc1"
check_eq "cyclonedx: a lower-case id in its SPDX spelling" "$(lic lowcase)" '[{"license":{"id":"BSD-2-Clause"}}]'
check_eq "cyclonedx: rpm's 'zlib' is the id Zlib" \
	"$(jq -c '[.components[] | select(.name == "zlib") | .licenses] | first' "$T_TMP/mariner.cyclonedx.json")" '[{"license":{"id":"Zlib"}}]'
check_eq "cyclonedx: rpm's 'GPLv3+' is a name" \
	"$(jq -c '[.components[] | select(.name == "grep") | .licenses] | first' "$T_TMP/mariner.cyclonedx.json")" '[{"license":{"name":"GPLv3+"}}]'
check_eq "spdx: the OS package's purpose" \
	"$(jq -r '.packages[] | select(.SPDXID == "SPDXRef-OperatingSystem") | .primaryPackagePurpose' "$T_TMP/deb.spdx.json")" OPERATING_SYSTEM

# ---- the checker catches what it is for -----------------------------------------------------
# each mutation of a valid document must be found, with the reason given
mutate() { # mutate MODE NAME FROM JQ-FILTER EXPECTED-PROBLEM
	jq "$4" "$3" >"$T_TMP/bad-$2.json"
	echo "$2|$5" >>"$T_TMP/bad-$1.list"
}
d=$T_TMP/deb.cyclonedx.json
mutate cdx not-an-id "$d" '.components[1].licenses = [{"license": {"id": "GPLv2+"}}]' 'schema: /components/1/licenses'
mutate cdx date "$d" '.metadata.timestamp = "2026-13-01T00:00:00Z"' 'must match format "date-time"'
mutate cdx iri "$d" '.components[1].externalReferences = [{"type": "website", "url": "1http://x"}]' 'must match format "iri-reference"'
mutate cdx unknown-field "$d" '.components[1].licence = "MIT"' 'must NOT have additional properties'
mutate cdx serial "$d" '.serialNumber = "1234"' 'schema: /serialNumber'
mutate cdx bom-ref "$d" '.components[2]."bom-ref" = .components[1]."bom-ref"' 'again'
mutate cdx dependency "$d" '.dependencies[0].dependsOn += ["nothing"]' 'dependsOn nothing is no bom-ref'
mutate cdx purl "$d" '.components[1].purl = "pkg:deb/debian/"' 'purl pkg:deb/debian/:'
mutate cdx purl-data "$d" '.components[1].purl |= sub("@"; "x@")' 'is not in the inventory'
mutate cdx expression "$d" '.components[1].licenses = [{"expression": "GPLv2+ and BSD"}]' 'is not SPDX'
s=$T_TMP/deb.spdx.json
mutate spdx purpose "$s" '(.packages[] | select(.SPDXID == "SPDXRef-OperatingSystem") | .primaryPackagePurpose) = "OPERATING-SYSTEM"' 'primaryPackagePurpose OPERATING-SYSTEM'
mutate spdx spdxid "$s" '.packages[2].SPDXID = "SPDXRef-a_b"' 'SPDXID SPDXRef-a_b'
mutate spdx spdxid-twice "$s" '.packages[3].SPDXID = .packages[2].SPDXID' 'again'
mutate spdx relationship "$s" '.relationships[1].relatedSpdxElement = "SPDXRef-Nothing"' 'SPDXRef-Nothing is no element'
mutate spdx license "$s" '.packages[2].licenseDeclared = "GPLv2+"' 'is not SPDX'
mutate spdx null "$s" '.packages[2].versionInfo = null' 'versionInfo is null'
mutate spdx field "$s" '.packages[2].purl = "x"' 'unknown field purl'
mutate spdx created "$s" '.creationInfo.created = "2026-01-01 00:00:00"' 'created 2026-01-01 00:00:00'
for mode in cdx spdx; do
	img=deb
	mapfile -t bad < <(cut -d'|' -f1 "$T_TMP/bad-$mode.list" | sed "s#^#$T_TMP/bad-#; s#\$#.json#")
	validated $mode $img "${bad[@]}"
	while IFS='|' read -r name want; do
		got=$(awk -v f="bad-$name.json:" '$1 == f {on = 1; next} /^[^ ]/ {on = 0} on' "$T_TMP/verdict")
		if grep -qF -- "$want" <<<"$got"; then ok; else
			fail "$mode checker misses $name (want '$want')"; sed 's/^/    /' <<<"$got" | head -5; fi
	done <"$T_TMP/bad-$mode.list"
done

# ---- SPDX 2.3's own schema file, when there is a copy ---------------------------------------
# (check.js validated every SPDX document above with it too)
skipped=0
if [ -n "${CG_SPDX_SCHEMA:-}" ]; then
	grep -m1 '^spdx schema:' "$T_TMP/verdicts" | sed 's/^/  /'
	check_eq "spdx: the schema file was read each time" "$(grep -c '^spdx schema:' "$T_TMP/verdicts")" 4
	check "spdx: the schema rejects the OS purpose misspelt" \
		grep -q 'schema: /packages/1/primaryPackagePurpose' "$T_TMP/verdicts"
else
	echo "  spdx: no copy of SPDX 2.3's JSON schema (CG_SPDX_SCHEMA): that check skipped"
	skipped=1
fi

echo "$T_NAME: $T_PASS passed, $T_FAIL failed, $skipped skipped"
[ "$T_FAIL" -eq 0 ]
