#!/usr/bin/env node
// Oracle for npm: reads "A<TAB>B" lines, prints -1/0/1 or "invalid: ...".
// node-semver, the package npm itself uses: semver.parse (strict mode, as npm reads a
// package.json "version") decides validity and semver.compare orders; build metadata
// does not take part in the order. semver comes from Debian's node-semver
// (run with NODE_PATH=/usr/share/nodejs: a Node.js not built by Debian does not look
// there, and semver needs its neighbour lru-cache) or from an npm install in NODE_PATH.
'use strict';
let semver;
try {
	semver = require('semver');
} catch (e) {
	process.stderr.write('cmp_npm.js: semver module not found\n');
	process.exit(77);
}
const out = [];
let rest = '';
function handle(line) {
	const tab = line.indexOf('\t');
	const a = tab < 0 ? line : line.slice(0, tab);
	const b = tab < 0 ? '' : line.slice(tab + 1);
	const pa = semver.parse(a), pb = semver.parse(b);
	if (!pa || !pb)
		out.push('invalid: not a semver version: ' + JSON.stringify(pa ? b : a));
	else
		out.push(String(semver.compare(pa, pb)));
}
process.stdin.setEncoding('utf8');
process.stdin.on('data', (chunk) => {
	const lines = (rest + chunk).split('\n');
	rest = lines.pop();
	for (const l of lines) handle(l);
});
process.stdin.on('end', () => {
	if (rest !== '') handle(rest);
	process.stdout.write(out.length ? out.join('\n') + '\n' : '');
});
