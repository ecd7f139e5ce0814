package producer

import (
	"encoding/base64"
	"testing"

	"pgregory.net/rapid"
)

// TestAppendBase64IsStandardBase64: the vectorised encoder writes what encoding/base64 writes,
// for blobs of any length up to a whole aggregate's and after any prefix (aligned or not).
func TestAppendBase64IsStandardBase64(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		prefix := rapid.SliceOfN(rapid.Byte(), 0, 70).Draw(t, "prefix")
		n := rapid.OneOf(rapid.IntRange(0, 200), rapid.IntRange(0, 1<<20)).Draw(t, "n")
		data := make([]byte, n)
		for i := range data {
			data[i] = byte(i*131 + n) // varied bytes without drawing a megabyte from rapid
		}
		for i, b := range rapid.SliceOfN(rapid.Byte(), 0, 64).Draw(t, "noise") {
			if n > 0 {
				data[(i*7919)%n] = b
			}
		}
		want := base64.StdEncoding.AppendEncode(append([]byte(nil), prefix...), data)
		sized := make([]byte, len(prefix), len(prefix)+base64.StdEncoding.EncodedLen(n))
		copy(sized, prefix)
		if got := appendBase64(sized, data); string(got) != string(want) {
			t.Fatalf("%d bytes after a prefix of %d: encodings differ", n, len(prefix))
		}
		if got := appendBase64(append([]byte(nil), prefix...), data); string(got) != string(want) {
			t.Fatalf("%d bytes, destination without room: encodings differ", n)
		}
	})
}

// BenchmarkBase64 is one aggregate's worth of data (51,200 bytes) in base64, the PutRecords
// body's largest cost per byte:
//
//	go test ./producer -run '^$' -bench Base64 -count 6
func BenchmarkBase64(b *testing.B) {
	data := make([]byte, 51200)
	for i := range data {
		data[i] = byte(i * 131)
	}
	dst := make([]byte, 0, base64.StdEncoding.EncodedLen(len(data)))
	b.Run("encoding-base64", func(b *testing.B) {
		b.SetBytes(int64(len(data)))
		for b.Loop() {
			dst = base64.StdEncoding.AppendEncode(dst[:0], data)
		}
	})
	b.Run("appendBase64", func(b *testing.B) {
		b.SetBytes(int64(len(data)))
		for b.Loop() {
			dst = appendBase64(dst[:0], data)
		}
	})
}
