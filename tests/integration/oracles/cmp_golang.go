// Oracle for golang: reads "A<TAB>B" lines, prints -1/0/1 or "invalid: ...".
// golang.org/x/mod/semver, the package the go command uses for module versions
// (Debian: golang-golang-x-mod-dev). Versions need the "v" that go.mod carries; OSV
// leaves it out, so a version without it is given one. IsValid decides validity and
// Compare orders (build metadata such as +incompatible does not take part).
// Built by the test offline, in GOPATH mode:
//   GO111MODULE=off GOPATH=/usr/share/gocode go build -o cmp_golang cmp_golang.go
package main

import (
	"bufio"
	"fmt"
	"os"
	"strings"

	"golang.org/x/mod/semver"
)

func withV(s string) string {
	if strings.HasPrefix(s, "v") {
		return s
	}
	return "v" + s
}

func main() {
	in := bufio.NewScanner(os.Stdin)
	in.Buffer(make([]byte, 64*1024), 1024*1024)
	out := bufio.NewWriter(os.Stdout)
	defer out.Flush()
	for in.Scan() {
		a, b, _ := strings.Cut(in.Text(), "\t")
		va, vb := withV(a), withV(b)
		switch {
		case !semver.IsValid(va):
			fmt.Fprintf(out, "invalid: %q is not a semantic version\n", a)
		case !semver.IsValid(vb):
			fmt.Fprintf(out, "invalid: %q is not a semantic version\n", b)
		default:
			fmt.Fprintln(out, semver.Compare(va, vb))
		}
	}
}
