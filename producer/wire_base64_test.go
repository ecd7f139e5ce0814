package producer

import (
	"encoding/base64"
	"math/rand/v2"
	"testing"
)

// TestAppendBase64IsTheStandards: appendBase64 appends what base64.StdEncoding.AppendEncode
// appends, for every length up to a few blocks past the six-byte steps and long random data,
// after any prefix.
func TestAppendBase64IsTheStandards(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	for n := range 4000 {
		if n > 200 {
			n = rng.IntN(100_000)
		}
		src := make([]byte, n)
		for i := range src {
			src[i] = byte(rng.Uint32())
		}
		prefix := []byte("prefix")[:rng.IntN(7)]
		want := base64.StdEncoding.AppendEncode(append([]byte(nil), prefix...), src)
		if got := appendBase64(append([]byte(nil), prefix...), src); string(got) != string(want) {
			t.Fatalf("%d bytes: got %q, want %q", n, got[:min(len(got), 40)], want[:min(len(want), 40)])
		}
	}
}

// BenchmarkAppendBase64: a 50 KiB aggregate's data, as the PutRecords serializer writes it.
//
//	go test ./producer -run '^$' -bench AppendBase64 -cpu 1
func BenchmarkAppendBase64(b *testing.B) {
	src := make([]byte, 51200)
	for i := range src {
		src[i] = byte(i * 7)
	}
	dst := make([]byte, 0, base64.StdEncoding.EncodedLen(len(src)))
	b.Run("appendBase64", func(b *testing.B) {
		b.SetBytes(int64(len(src)))
		for b.Loop() {
			dst = appendBase64(dst[:0], src)
		}
	})
	b.Run("encoding-base64", func(b *testing.B) {
		b.SetBytes(int64(len(src)))
		for b.Loop() {
			dst = base64.StdEncoding.AppendEncode(dst[:0], src)
		}
	})
}
