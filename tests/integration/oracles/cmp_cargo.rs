// Oracle for cargo: reads "A<TAB>B" lines, prints -1/0/1 or "invalid: ...".
// The semver crate that Cargo itself uses (Debian: librust-semver-dev, source in
// /usr/share/cargo/registry/semver-*): semver::Version::parse decides validity and
// Version's Ord orders (it breaks precedence ties by build metadata, as Cargo does).
// Built by the test with plain rustc, offline:
//   rustc --edition 2018 --crate-type rlib --crate-name semver .../semver-*/src/lib.rs
//   rustc --edition 2018 -O --extern semver=libsemver.rlib cmp_cargo.rs
use std::cmp::Ordering;
use std::io::{self, BufRead, BufWriter, Write};

fn main() {
    let stdin = io::stdin();
    let stdout = io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    for line in stdin.lock().lines() {
        let line = line.expect("read stdin");
        let (a, b) = match line.find('\t') {
            Some(i) => (&line[..i], &line[i + 1..]),
            None => (&line[..], ""),
        };
        let res = match (semver::Version::parse(a), semver::Version::parse(b)) {
            (Ok(va), Ok(vb)) => match va.cmp(&vb) {
                Ordering::Less => "-1".to_string(),
                Ordering::Equal => "0".to_string(),
                Ordering::Greater => "1".to_string(),
            },
            (Err(e), _) | (_, Err(e)) => format!("invalid: {}", e),
        };
        writeln!(out, "{}", res).expect("write stdout");
    }
}
