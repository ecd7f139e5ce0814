package kpl

import (
	"bytes"
	"crypto/md5"
	"fmt"
	"math/rand/v2"
	"testing"
)

// TestAppendChecksumsIsMD5: whatever the number of aggregates and their lengths (every tail
// length, across the padding's one- and two-block cases, and lanes finishing at different
// blocks), each gets the MD5 of its protobuf appended, exactly as Finish appends it, with or
// without room in its slice: in every lane width the CPU has (one, eight with AVX2, sixteen
// with AVX-512).
func TestAppendChecksumsIsMD5(t *testing.T) {
	widths := []int{1}
	if laneCount >= 8 {
		widths = append(widths, 8)
	}
	if laneCount == 16 {
		widths = append(widths, 16)
	}
	defer func(n int) { laneCount = n }(laneCount)
	for _, w := range widths {
		laneCount = w
		t.Run(fmt.Sprint(w, "-lanes"), testAppendChecksums)
	}
	// Aggregates lying too far apart for the block functions' 32-bit offsets are hashed one by
	// one (the spread is lowered to a few bytes: any two buffers lie further apart).
	defer func(s uintptr) { maxLaneSpread = s }(maxLaneSpread)
	maxLaneSpread = 8
	laneCount = widths[len(widths)-1]
	t.Run("too-far-apart", testAppendChecksums)
}

func testAppendChecksums(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	lengths := []int{0, 1, 55, 56, 57, 63, 64, 65, 119, 120, 127, 128, 129, 4096, 51200}
	for trial := range 400 {
		n := 1 + rng.IntN(40)
		aggs, want := make([][]byte, n), make([][]byte, n)
		for i := range aggs {
			size := lengths[rng.IntN(len(lengths))]
			if trial%2 == 1 {
				size = rng.IntN(3000)
			}
			a := make([]byte, MagicLen+size, MagicLen+size+rng.IntN(2)*ChecksumLen)
			for j := range a {
				a[j] = byte(rng.Uint32())
			}
			sum := md5.Sum(a[MagicLen:])
			want[i] = append(bytes.Clone(a), sum[:]...)
			aggs[i] = a
		}
		AppendChecksums(aggs)
		for i := range aggs {
			if !bytes.Equal(aggs[i], want[i]) {
				t.Fatalf("trial %d, aggregate %d of %d (%d bytes): checksum % x, want % x", trial, i, n,
					len(want[i])-ChecksumLen, aggs[i][max(len(aggs[i])-ChecksumLen, 0):], want[i][len(want[i])-ChecksumLen:])
			}
		}
	}
}

// BenchmarkAppendChecksums: eight and sixteen 50 KiB aggregates (a request to eight or sixteen
// shards) checksummed at once, and one by one as Finish does.
//
//	go test ./producer/kpl -run '^$' -bench AppendChecksums -cpu 1
func BenchmarkAppendChecksums(b *testing.B) {
	for _, n := range []int{2, 3, 4, 8, 16} {
		aggs := make([][]byte, n)
		for i := range aggs {
			aggs[i] = make([]byte, 51200, 51200+ChecksumLen)
		}
		b.Run(fmt.Sprint(n, "/lanes"), func(b *testing.B) {
			b.SetBytes(int64(n) * 51200)
			for b.Loop() {
				for i := range aggs {
					aggs[i] = aggs[i][:51200]
				}
				AppendChecksums(aggs)
			}
		})
		b.Run(fmt.Sprint(n, "/one-by-one"), func(b *testing.B) {
			b.SetBytes(int64(n) * 51200)
			for b.Loop() {
				for i := range aggs {
					aggs[i] = appendChecksum(aggs[i][:51200], MagicLen)
				}
			}
		})
	}
}
