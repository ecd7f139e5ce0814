package workload

import (
	"bytes"
	"compress/flate"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

func TestDefaultJSONPayload(t *testing.T) {
	p, err := newJSONPayload("", 5)
	if err != nil {
		t.Fatal(err)
	}
	due := time.Date(2025, 3, 4, 5, 6, 7, 890e6, time.UTC)
	for i := range 100 {
		b := p.make(0, 1<<20, uint64(i), due)
		var doc struct {
			ID   string `json:"id"`
			TS   string `json:"ts"`
			Seq  int    `json:"seq"`
			User struct {
				Name, Email string
			} `json:"user"`
			Qty   int     `json:"qty"`
			Price float64 `json:"price"`
		}
		if err := json.Unmarshal(b, &doc); err != nil {
			t.Fatalf("record %d is not JSON: %v\n%s", i, err, b)
		}
		if doc.Seq != i || doc.TS != "2025-03-04T05:06:07.890Z" || len(doc.ID) != 36 ||
			!strings.Contains(doc.User.Name, " ") || !regexp.MustCompile(`^[a-z.]+\d+@example\.com$`).MatchString(doc.User.Email) ||
			doc.Qty < 1 || doc.Qty > 10 || doc.Price < 1 || doc.Price > 500 {
			t.Fatalf("record %d: %+v", i, doc)
		}
	}
}

func TestJSONPaddedToSize(t *testing.T) {
	p, err := newJSONPayload(`{"a":{{int:1:9}}}`, 5)
	if err != nil {
		t.Fatal(err)
	}
	for _, size := range []int{0, 5, 8, 9, 12, 17, 18, 19, 100, 5000} {
		b := p.make(size, 1<<20, 0, t0)
		if !json.Valid(b) {
			t.Fatalf("size %d: not JSON: %q", size, b)
		}
		if want := max(size, 7); len(b) != want { // {"a":N} is 7 bytes
			t.Errorf("size %d: got %d bytes, want %d: %q", size, len(b), want, b)
		}
	}
	empty, err := newJSONPayload(`{}`, 1)
	if err != nil {
		t.Fatal(err)
	}
	if b := empty.make(50, 1<<20, 0, t0); len(b) != 50 || !json.Valid(b) {
		t.Errorf("empty object padded to 50: %q", b)
	}
}

func TestTemplateErrorsNamePlaceholder(t *testing.T) {
	for tpl, want := range map[string]string{
		`{"a":"{{nope}}"}`:        "{{nope}} at byte 6",
		`{"a":{{int:5:1}}}`:       "{{int:5:1}}",
		`{"a":{{name}}}`:          "does not build a JSON object",
		`{"a":"{{uuid}`:           "unclosed {{ at byte 6",
		`[1,2]`:                   "does not build a JSON object",
		`{"a":{{pick:x|2}}}`:      `option "x"`,
		`{"a":"{{float:1:inf}}"}`: "{{float:1:inf}}",
		`{"a":"{{uuid:3}}"}`:      "takes no argument",
	} {
		_, err := compileTemplate(tpl)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("template %s: error %v, want it to mention %q", tpl, err, want)
		}
	}
	// Quotes in pick options inside a string are escaped, so the output stays JSON.
	p, err := newJSONPayload(`{"a":"{{pick:say "hi"|x\y}}"}`, 1)
	if err != nil {
		t.Fatal(err)
	}
	for range 20 {
		if b := p.make(0, 1000, 0, t0); !json.Valid(b) {
			t.Fatalf("not JSON: %s", b)
		}
	}
}

func TestFilePayloadCyclesLines(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "lines.txt")
	if err := os.WriteFile(path, []byte("one\r\n\ntwo\nthree"), 0o644); err != nil {
		t.Fatal(err)
	}
	p, err := newFilePayload(path, 1024)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for range 7 {
		b := p.make(0, 1000, 0, t0)
		got = append(got, string(b))
		b[0] = 'X' // the sink owns the data: this must not change the next cycle
	}
	if want := "one two three one two three one"; strings.Join(got, " ") != want {
		t.Fatalf("replayed %q, want %q", strings.Join(got, " "), want)
	}
	if _, err := newFilePayload(filepath.Join(dir, "missing"), 1024); err == nil || !strings.Contains(err.Error(), "missing") {
		t.Errorf("missing file: %v", err)
	}
	long := filepath.Join(dir, "long.txt")
	if err := os.WriteFile(long, []byte("ok\n"+strings.Repeat("x", 2000)+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := newFilePayload(long, 1024); err == nil || !strings.Contains(err.Error(), "long.txt:2") {
		t.Errorf("line too long: %v, want it to name line 2", err)
	}
}

func TestRandomPayloadOwnedBySink(t *testing.T) {
	spec := DefaultSpec()
	spec.Seed = 9
	src, err := NewSource(spec, nil)
	if err != nil {
		t.Fatal(err)
	}
	a := src.Next(0, t0)
	keep := append([]byte(nil), a.Data...)
	b := src.Next(1, t0)
	if string(a.Data) != string(keep) || &a.Data[0] == &b.Data[0] {
		t.Fatal("a record's data changed after the next record was built")
	}
	if len(a.Data) != defaultRandomSize {
		t.Fatalf("default random payload is %d bytes, want %d", len(a.Data), defaultRandomSize)
	}
}

// TestRandomPayloadIsTheSeeds: whatever the record sizes, refusals and slabs, a seed gives
// every record the same bytes (a refused record's data, filled again for a later record, gets
// that record's bytes), another seed others, and a sink appending to one record never writes
// into the next.
func TestRandomPayloadIsTheSeeds(t *testing.T) {
	size := func(i int) int { // mostly slab-sized, some not, a few large (several chunks)
		switch {
		case i%97 == 96:
			return 5000 + i
		case i%31 == 30:
			return 800
		}
		return 1 + i*7919%600
	}
	run := func(seed uint64, refuse func(i int) bool) [][]byte {
		p := newRandomPayload(seed)
		var got [][]byte
		for i := range 2000 {
			n := size(i)
			b := p.make(n, 1<<20, uint64(i), t0)
			if len(b) != n {
				t.Fatalf("record %d: %d bytes, want %d", i, len(b), n)
			}
			if refuse(i) { // refused: its data comes back and is filled again
				p.recycle(b)
				got = append(got, nil)
				continue
			}
			got = append(got, b)
		}
		return got
	}
	got := run(11, func(i int) bool { return i%7 == 3 })
	before := make([][]byte, len(got))
	for i, b := range got {
		before[i] = bytes.Clone(b)
		if b != nil {
			_ = append(b, 0xff) // a sink may append: it must not reach the next record
		}
	}
	for i, b := range got {
		if !bytes.Equal(b, before[i]) {
			t.Fatalf("record %d changed when a sink appended to another", i)
		}
	}
	all, other := run(11, func(int) bool { return false }), run(12, func(int) bool { return false })
	for i, b := range got {
		if b != nil && !bytes.Equal(b, all[i]) {
			t.Fatalf("record %d (%d bytes) differs when records before it were refused", i, len(b))
		}
		if len(b) >= 8 && bytes.Equal(b, other[i]) {
			t.Fatalf("record %d (%d bytes) is the same under seeds 11 and 12", i, len(b))
		}
	}
}

// TestRandomPayloadIncompressible: random records do not compress, one by one or together (a
// compressor over a request's records finds no run repeated between them), small or larger
// than the chunk filled from one pair of offsets.
func TestRandomPayloadIncompressible(t *testing.T) {
	for _, c := range []struct{ size, records int }{{100, 20_000}, {1000, 2000}, {randomChunk*3 + 5, 40}} {
		p := newRandomPayload(3)
		var all bytes.Buffer
		for i := range c.records {
			all.Write(p.make(c.size, 1<<20, uint64(i), t0))
		}
		var z bytes.Buffer
		w, _ := flate.NewWriter(&z, flate.BestCompression)
		_, _ = w.Write(all.Bytes())
		_ = w.Close()
		// Stored (incompressible) blocks cost 5 bytes per 64 KiB over the input.
		if z.Len() < all.Len() {
			t.Errorf("%d records of %d bytes: %d bytes compress to %d", c.records, c.size, all.Len(), z.Len())
		}
	}
}
