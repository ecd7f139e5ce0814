package workload

import (
	"bytes"
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

// TestRandomPayloadIsTheSeedsStream: whatever the record sizes, refusals and slabs, the records'
// bytes are the seed's ChaCha8 stream read in order (so a seed gives the same payloads as
// before slabs), and a sink appending to one record never writes into the next.
func TestRandomPayloadIsTheSeedsStream(t *testing.T) {
	p := &randomPayload{rng: newChaCha8(11, streamPayload, 0)}
	var got [][]byte
	size := func(i int) int { // mostly slab-sized, some not, a few large
		switch {
		case i%97 == 96:
			return 5000
		case i%31 == 30:
			return 800
		}
		return 1 + i*7919%600
	}
	for i := range 2000 {
		n := size(i)
		b := p.make(n, 1<<20, uint64(i), t0)
		if len(b) != n {
			t.Fatalf("record %d: %d bytes, want %d", i, len(b), n)
		}
		if i%7 == 3 { // refused: its data comes back and is filled again
			p.recycle(b)
			continue
		}
		got = append(got, b)
	}
	before := make([][]byte, len(got))
	for i, b := range got {
		before[i] = bytes.Clone(b)
		_ = append(b, 0xff) // a sink may append: it must not reach the next record
	}
	for i, b := range got {
		if !bytes.Equal(b, before[i]) {
			t.Fatalf("record %d changed when a sink appended to another", i)
		}
	}
	want := newChaCha8(11, streamPayload, 0)
	for i := range 2000 {
		n := size(i)
		b := make([]byte, n)
		_, _ = want.Read(b)
		if i%7 == 3 {
			continue
		}
		if !bytes.Equal(got[0], b) {
			t.Fatalf("record %d (%d bytes) is not the seed's stream read in order", i, n)
		}
		got = got[1:]
	}
}
