# npm packages the tests need, installed once from the npm registry into
# $CG_TEST_CACHE (pinned versions; offline afterwards).
#
#   npm_cached DIR PACKAGE_JSON   install into DIR unless that exact package.json is
#                                 installed there already (a stamp holds its hash);
#                                 concurrent tests wait on a lock; 1 when npm fails
#                                 (its log: DIR/npm.log)
#
# The schema validators of sbom_schema.sh and scan_formats.sh: CycloneDX's schemas
# as @cyclonedx/cyclonedx-library ships them, ajv with ajv-formats and
# ajv-formats-draft2019, packageurl-js and spdx-expression-parse.
NPM_DIR=$CG_TEST_CACHE/npm-sbom
NPM_PKG='{"name":"cguard-sbom-check","private":true,"dependencies":{
 "@cyclonedx/cyclonedx-library":"10.3.0","ajv":"8.20.0","ajv-formats":"3.0.1",
 "ajv-formats-draft2019":"1.6.1","packageurl-js":"2.0.1","spdx-expression-parse":"5.0.0"}}'

npm_cached() {
	local dir=$1 pkg=$2 stamp
	stamp=$dir/.complete-$(sha256sum <<<"$pkg" | cut -c1-16)
	[ -f "$stamp" ] && return 0
	command -v npm >/dev/null || return 1
	mkdir -p "$dir" || return 1
	(
		flock 9
		[ -f "$stamp" ] && exit 0
		rm -rf "$dir/node_modules" "$dir"/.complete-* &&
			printf '%s\n' "$pkg" >"$dir/package.json" &&
			cd "$dir" &&
			timeout 600 npm install --no-audit --no-fund --ignore-scripts --legacy-peer-deps \
				--prefer-offline >npm.log 2>&1 &&
			touch "$stamp"
	) 9>"$dir.lock"
}

npm_tools() {
	npm_cached "$NPM_DIR" "$NPM_PKG"
}
