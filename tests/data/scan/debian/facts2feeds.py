#!/usr/bin/python3
"""facts2feeds.py FACTS ARCHIVE JSON_OUT DEBSECAN_DIR

Writes the same bookworm facts (facts.tsv, archive.tsv: see README.md) in two feeds:
 - JSON_OUT: the Debian security tracker's JSON export (/tracker/data/json shape:
   {source: {CVE: {description, releases: {codename: {status, repositories,
   fixed_version, urgency, nodsa, nodsa_reason}}}}}), what `cguard db build debian:` reads;
 - DEBSECAN_DIR/bookworm: debsecan's "VERSION 1" feed for the suite, zlib-compressed, as the
   tracker serves it at /tracker/debsecan/release/1/bookworm. Lines are made the way the
   tracker's lib/python/security_db.py (calculateDebsecan1) makes them from its package
   notes: issues whose urgency is unimportant or end-of-life, or whose sid line says "not
   affected" (0), are left out; the unstable version is the sid line's fixed version (empty
   when unfixed or not stated); the "other versions" are the bookworm line's fixed version
   and every newer fixed version of the same package in bookworm and every archive version
   at or above it; the F flag (fix available in the suite) is set when the bookworm line
   carries a version (a fixed version or 0).
Version order: python3-apt's apt_pkg.version_compare (dpkg's order)."""
import functools
import json
import sys
import zlib

import apt_pkg

apt_pkg.init_system()


def vcmp(a, b):
    return apt_pkg.version_compare(a, b)


def read_facts(path):
    rows = []
    for line in open(path, encoding='utf-8'):
        if not line.strip() or line.startswith('#'):
            continue
        cve, src, sid, bookworm, urgency, nodsa, how = line.rstrip('\n').split('\t')
        rows.append(dict(cve=cve, src=src, sid=sid, bookworm=bookworm,
                         urgency='not yet assigned' if urgency == 'nya' else urgency,
                         nodsa='' if nodsa == '-' else nodsa, how=how))
    return rows


def read_archive(path):
    arch = {}
    for line in open(path, encoding='utf-8'):
        if not line.strip() or line.startswith('#'):
            continue
        src, vers = line.rstrip('\n').split('\t')
        arch[src] = vers.split()
    return arch


def bookworm_state(r, archive):
    """(status, fixed_version or None) of bookworm, as the tracker's JSON would say."""
    b = r['bookworm']
    if b == '-':  # no bookworm line: the sid line applies to bookworm's versions
        s = r['sid']
        if s in ('-', '<unfixed>'):
            return 'open', None
        vers = archive.get(r['src'], [])
        if vers and all(vcmp(v, s) >= 0 for v in vers):
            return 'resolved', s
        return 'open', None
    if b in ('<unfixed>', '<no-dsa>', '<end-of-life>'):
        return 'open', None
    return 'resolved', b  # a version, or 0 (not affected)


def tracker_json(rows, archive):
    out = {}
    for r in rows:
        repos = {}
        vers = sorted(archive.get(r['src'], []), key=functools.cmp_to_key(vcmp))
        if vers:  # the newest of bookworm's versions (main or security)
            repos = {'bookworm': vers[-1]}
        status, fixed = bookworm_state(r, archive)
        rel = {'status': status, 'repositories': repos,
               'urgency': 'end-of-life' if r['bookworm'] == '<end-of-life>' else r['urgency']}
        if fixed is not None:
            rel['fixed_version'] = fixed
        if r['bookworm'] == '<no-dsa>':
            rel['nodsa'] = r['nodsa'] or 'Minor issue'
            rel['nodsa_reason'] = ''
        releases = {'bookworm': rel}
        if r['sid'] != '-':
            sid = {'status': 'open' if r['sid'] == '<unfixed>' else 'resolved',
                   'repositories': {}, 'urgency': r['urgency']}
            if r['sid'] != '<unfixed>':
                sid['fixed_version'] = r['sid']
            releases['sid'] = sid
        out.setdefault(r['src'], {})[r['cve']] = {
            'scope': 'local', 'description': '%s in %s (%s)' % (r['cve'], r['src'], r['how']),
            'releases': releases}
    return out


def debsecan_feed(rows, archive):
    keep = []
    for r in rows:
        if r['urgency'] in ('unimportant', 'end-of-life') or r['bookworm'] == '<end-of-life>':
            continue
        if r['sid'] == '0':
            continue
        keep.append(r)
    bugs = sorted({r['cve'] for r in keep})
    index = {b: i for i, b in enumerate(bugs)}
    lines = ['VERSION 1']
    lines += ['%s,,%s' % (b, b) for b in bugs]
    lines.append('')
    flag = {'low': 'L', 'medium': 'M', 'high': 'H', 'not yet assigned': ' '}
    for r in sorted(keep, key=lambda r: (r['src'], r['cve'])):
        unstable = r['sid'] if r['sid'] not in ('-', '<unfixed>') else ''
        other = set()
        fixed_here = r['bookworm'] not in ('-', '<unfixed>', '<no-dsa>', '<end-of-life>')
        if fixed_here:
            ref = r['bookworm']
            for o in rows:  # newer fixed versions of the same package in bookworm
                b = o['bookworm']
                if o['src'] == r['src'] and b not in ('-', '<unfixed>', '<no-dsa>', '<end-of-life>') \
                        and vcmp(b, ref) >= 0:
                    other.add(b)
            other |= {v for v in archive.get(r['src'], []) if vcmp(v, ref) >= 0}
        lines.append('%s,%d,S%c?%c,%s,%s' % (r['src'], index[r['cve']], flag[r['urgency']],
                                             'F' if fixed_here else ' ', unstable,
                                             ' '.join(sorted(other))))
    lines.append('')
    lines.append('')  # no source -> binaries section
    return zlib.compress('\n'.join(lines).encode('utf-8'), 9)


def main():
    facts, archive_path, json_out, debsecan_dir = sys.argv[1:5]
    rows = read_facts(facts)
    archive = read_archive(archive_path)
    with open(json_out, 'w', encoding='utf-8') as f:
        json.dump(tracker_json(rows, archive), f, indent=2, sort_keys=True)
        f.write('\n')
    with open(debsecan_dir + '/bookworm', 'wb') as f:
        f.write(debsecan_feed(rows, archive))


if __name__ == '__main__':
    main()
