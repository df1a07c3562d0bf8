// The oracle of tests/unit/test_bbolt.c: go.etcd.io/bbolt itself (1.3.6,
// Debian's golang-github-coreos-bbolt-dev) writes and dumps the test databases.
//
//	GO111MODULE=off GOPATH=/usr/share/gocode go build -o gen gen.go
//	./gen DB DUMP 512       write a database with 512-byte pages (branch pages,
//	                        overflow pages, inline and nested buckets; SMALL=1
//	                        for the smaller one of the fuzz corpus) and its dump
//	./gen DB DUMP dump      dump an existing database (containerd's meta.db)
//	./gen DB OUT compact    bbolt.Compact DB into OUT
//
// gen512.db is the output of `./gen` trimmed to its high-water mark (98 pages
// of 512 bytes); tests/fuzz/corpus/fuzz_bbolt/containerd-1.6.db is the meta.db
// of Debian's containerd 1.6.20 after `ctr images import` of one small image
// and `ctr images label`, trimmed to its first 17 pages (the pages past them
// hold only the freelist and freed pages). The dump prints one key a line,
// indented two spaces a level: "B <hex name>" for a bucket, "K <hex key> <hex
// value>" for a value.
package main

import (
	"fmt"
	"math/rand"
	"os"
	"sort"
	"strings"

	bolt "go.etcd.io/bbolt"
)

func dump(b *bolt.Bucket, depth int, out *strings.Builder) {
	c := b.Cursor()
	for k, v := c.First(); k != nil; k, v = c.Next() {
		ind := strings.Repeat("  ", depth)
		if v == nil {
			fmt.Fprintf(out, "%sB %x\n", ind, k)
			dump(b.Bucket(k), depth+1, out)
		} else {
			fmt.Fprintf(out, "%sK %x %x\n", ind, k, v)
		}
	}
}

func main() {
	path, psz := os.Args[1], 512
	if len(os.Args) == 4 && os.Args[3] == "dump" {
		db, err := bolt.Open(path, 0400, &bolt.Options{ReadOnly: true})
		if err != nil {
			panic(err)
		}
		writeDump(db, os.Args[2])
		return
	}
	if len(os.Args) == 4 && os.Args[3] == "compact" {
		src, err := bolt.Open(path, 0400, &bolt.Options{ReadOnly: true})
		if err != nil {
			panic(err)
		}
		os.Remove(os.Args[2])
		dst, err := bolt.Open(os.Args[2], 0644, nil)
		if err != nil {
			panic(err)
		}
		if err := bolt.Compact(dst, src, 1<<20); err != nil {
			panic(err)
		}
		dst.Close()
		return
	}
	if len(os.Args) > 3 {
		fmt.Sscanf(os.Args[3], "%d", &psz)
	}
	os.Remove(path)
	db, err := bolt.Open(path, 0600, &bolt.Options{PageSize: psz})
	if err != nil {
		panic(err)
	}
	r := rand.New(rand.NewSource(7))
	err = db.Update(func(tx *bolt.Tx) error {
		v1, _ := tx.CreateBucket([]byte("v1"))
		v1.Put([]byte("version"), []byte{6})
		nss := []string{"default", "k8s.io", "moby"}
		if os.Getenv("SMALL") != "" {
			nss = nss[1:2]
		}
		for _, ns := range nss {
			nb, _ := v1.CreateBucket([]byte(ns))
			imgs, _ := nb.CreateBucket([]byte("images"))
			n := 3
			if ns == "k8s.io" {
				n = 25 // enough for branch pages
				if os.Getenv("SMALL") != "" {
					n = 12
				}
			}
			for i := 0; i < n; i++ {
				name := fmt.Sprintf("docker.io/library/img%03d:%d", r.Intn(1000), i)
				ib, err := imgs.CreateBucket([]byte(name))
				if err != nil {
					continue
				}
				t, _ := ib.CreateBucket([]byte("target")) // stays inline
				t.Put([]byte("digest"), []byte(fmt.Sprintf("sha256:%064x", r.Int63())))
				t.Put([]byte("mediatype"), []byte("application/vnd.oci.image.manifest.v1+json"))
				t.Put([]byte("size"), []byte{0xa2, 0x06})
				ib.Put([]byte("createdat"), []byte("\x01\x00\x00\x00\x0e\xe2\x98\xdd\xe2\x01vG\xd0\xff\xff"))
				if i%7 == 0 { // a large label: not inline, overflow pages
					l, _ := ib.CreateBucket([]byte("labels"))
					big := make([]byte, 600+r.Intn(500))
					r.Read(big)
					l.Put([]byte("big"), big)
				}
			}
		}
		empty, _ := tx.CreateBucket([]byte("empty"))
		_ = empty
		return nil
	})
	if err != nil {
		panic(err)
	}
	// a few more transactions (meta pages alternate, pages get freed)
	for i := 0; i < 3; i++ {
		db.Update(func(tx *bolt.Tx) error {
			ns := "default"
			if os.Getenv("SMALL") != "" {
				ns = "k8s.io"
			}
			b := tx.Bucket([]byte("v1")).Bucket([]byte(ns))
			return b.Put([]byte(fmt.Sprintf("k%d", i)), []byte(fmt.Sprintf("v%d", i)))
		})
	}
	writeDump(db, os.Args[2])
}

func writeDump(db *bolt.DB, to string) {
	var out strings.Builder
	db.View(func(tx *bolt.Tx) error {
		var names []string
		tx.ForEach(func(name []byte, _ *bolt.Bucket) error { names = append(names, string(name)); return nil })
		sort.Strings(names)
		for _, n := range names {
			fmt.Fprintf(&out, "B %x\n", n)
			dump(tx.Bucket([]byte(n)), 1, &out)
		}
		return nil
	})
	db.Close()
	os.WriteFile(to, []byte(out.String()), 0644)
}
