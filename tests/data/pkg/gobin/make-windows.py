#!/usr/bin/env python3
"""Trim a Go executable down to the bytes cguard's Go build-info reader needs
(lib/pkg/gobin.c), and write what `go version -m` says of the original.

  make-windows.py inline BINARY OUT   Go >= 1.18: "\\x7fELF" + 12 zero bytes, then
                                      the 16-aligned build-info blob (header, version,
                                      module information, padding) copied verbatim.
  make-windows.py ptr BINARY OUT      Go < 1.18 (ELF64 little-endian): a small ELF file
                                      whose program headers map the five regions the
                                      reader uses, copied verbatim at their original
                                      virtual addresses and in their original file
                                      order: the version string and the module
                                      information (.rodata), the build-info header, the
                                      two string headers (.data). A decoy magic lies at
                                      an aligned offset outside every segment.

Both also write OUT.expected: "stdlib\\tVERSION" and "MODULE\\tVERSION" lines from
`go version -m BINARY`, with the rules of gobin.c applied (replacements, "(devel)"
and local directories as empty versions, stdlib as the Go vulnerability database's
SEMVER)."""
import re
import struct
import subprocess
import sys

MAGIC = b"\xff Go buildinf:"
TAG = re.compile(r'^go(\d+\.\d+)(\.\d+|)((beta|rc|-pre)(\d+))?$')


def stdlib(tag):
    f = tag.split()
    if not f or f[0] == 'go1.0':
        return None
    if f[0] == 'go1':
        return '1.0.0'
    m = TAG.match(f[0])
    if not m:
        return None
    v = m.group(1) + (m.group(2) or '.0')
    if m.group(3):
        v += ('' if m.group(4).startswith('-') else '-') + m.group(4) + '.' + m.group(5)
    return v


def is_dir(p):
    return p.startswith(('./', '../', '/', '.\\', '..\\', '\\')) or \
        (len(p) >= 2 and p[0].isascii() and p[0].isalpha() and p[1] == ':')


def expected(binary):
    out = subprocess.run(['go', 'version', '-m', binary], capture_output=True, text=True,
                         check=True).stdout.split('\n')
    res = []
    s = stdlib(out[0].split(': ', 1)[1])
    if s:
        res.append(('stdlib', s))
    mods = []
    for line in out[1:]:
        c = line.split('\t')
        if len(c) >= 4 and c[1] in ('mod', 'dep'):
            mods.append([c[2], c[3], None])
        elif len(c) >= 4 and c[1] == '=>':
            mods[-1][2] = (c[2], c[3])
    for p, v, r in mods:
        if r:
            if is_dir(r[0]) or r[1] in ('', '(devel)'):
                v = ''
            else:
                p, v = r
        res.append((p, '' if v == '(devel)' else v))
    return ''.join('%s\t%s\n' % x for x in res)


def find_magic(d):
    i = d.find(MAGIC)
    while i >= 0 and i % 16:
        i = d.find(MAGIC, i + 1)
    return i


def uvarint(d, p):
    x = s = 0
    while True:
        b = d[p]
        p += 1
        x |= (b & 0x7f) << s
        s += 7
        if b < 0x80:
            return x, p


def inline(d):
    i = find_magic(d)
    assert d[i + 15] & 2, 'not the inline format'
    n, p = uvarint(d, i + 32)
    n, p = uvarint(d, p + n)
    end = (p + n + 15) & ~15
    return b"\x7fELF" + bytes(12) + d[i:end]


def ptr(d):
    assert d[:4] == b"\x7fELF" and d[4] == 2 and d[5] == 1, 'ELF64 LE only'
    phoff, = struct.unpack_from('<Q', d, 32)
    phent, phnum = struct.unpack_from('<HH', d, 54)
    segs = []
    for k in range(phnum):
        t, fl, off, va, _, fsz = struct.unpack_from('<IIQQQQ', d, phoff + k * phent)
        if t == 1:
            segs.append((off, va, fsz, fl))

    def v2o(a):
        for off, va, fsz, _ in segs:
            if va <= a < va + fsz:
                return off + a - va
        raise ValueError(hex(a))

    def o2v(o):
        for off, va, fsz, _ in segs:
            if off <= o < off + fsz:
                return va + o - off
        raise ValueError(hex(o))
    b = find_magic(d)
    assert not d[b + 15] & 2 and d[b + 14] == 8
    hv, hm = struct.unpack_from('<QQ', d, b + 16)
    sv, sm = v2o(hv), v2o(hm)
    va, vl = struct.unpack_from('<QQ', d, sv)
    ma, ml = struct.unpack_from('<QQ', d, sm)
    vo, mo = v2o(va), v2o(ma)
    lo, hi = min(sv, sm), max(sv, sm) + 16
    regions = [(vo, vl, 4), (mo, ml, 4), (b, 32, 6), (lo, hi - lo, 6)]  # 4: R, 6: RW
    assert vo < b and mo < b and lo > b and regions == sorted(regions)
    out = bytearray(d[:64])
    struct.pack_into('<QQ', out, 32, 64, 0)  # e_phoff, e_shoff
    struct.pack_into('<HHHHHH', out, 52, 64, 56, len(regions), 64, 0, 0)
    out += bytes(56 * len(regions))
    body = bytearray()
    base = 64 + 56 * len(regions)
    phs = []
    for k, (o, n, fl) in enumerate(regions):
        pad = (-(base + len(body)) % 16) + 16
        body += bytes(pad)
        if k == 2:  # a decoy magic at an aligned offset outside every segment
            body += MAGIC + b"\x08\x00" + bytes(16) + bytes(16)
        no = base + len(body)
        phs.append(struct.pack('<IIQQQQQQ', 1, fl, no, o2v(o), o2v(o), n, n, 16))
        body += d[o:o + n]
    out += body + bytes(16)
    for k, ph in enumerate(phs):
        out[64 + 56 * k:64 + 56 * (k + 1)] = ph
    return bytes(out)


def main():
    kind, binary, out = sys.argv[1:4]
    d = open(binary, 'rb').read()
    open(out, 'wb').write(inline(d) if kind == 'inline' else ptr(d))
    open(out + '.expected', 'w').write(expected(binary))


if __name__ == '__main__':
    main()
