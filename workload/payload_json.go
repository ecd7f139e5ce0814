package workload

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// DefaultTemplate is the JSON payload used when none is given. Placeholders are {{NAME}} or
// {{NAME:ARGS}}: uuid, name, first_name, last_name, email, city, country, word, ip, bool, seq
// (the record's index in the schedule), timestamp (its scheduled time, RFC 3339 UTC), unix_ms,
// int:MIN:MAX, float:MIN:MAX (2 decimals) and pick:A|B|C. Inside a JSON string a value is
// escaped as string content; outside it must itself be a JSON value (numbers, bool).
const DefaultTemplate = `{"id":"{{uuid}}","ts":"{{timestamp}}","seq":{{seq}},` +
	`"user":{"name":"{{name}}","email":"{{email}}","city":"{{city}}","country":"{{country}}"},` +
	`"item":"{{pick:book|pen|lamp|mug|chair}}","qty":{{int:1:10}},"price":{{float:1:500}},"gift":{{bool}}}`

// Template limits keep a payload small enough to fit any record with room for padding.
const (
	maxTemplateBytes  = 64 << 10
	maxTemplateFields = 1000
)

// jsonPayload builds records from a compiled template into a reused scratch buffer, then copies
// the result into the record's own allocation (one per record).
type jsonPayload struct {
	parts   []templatePart
	ctx     fakeCtx
	scratch []byte
}

type templatePart struct {
	literal string
	field   fakeField // nil for a pure literal
}

func newJSONPayload(template string, seed uint64) (*jsonPayload, error) {
	if template == "" {
		template = DefaultTemplate
	}
	if path, ok := strings.CutPrefix(template, "@"); ok {
		b, err := os.ReadFile(path)
		if err != nil {
			return nil, fmt.Errorf("payload json template: %w", err)
		}
		if !utf8.Valid(b) || bytes.IndexByte(b, 0) >= 0 {
			return nil, fmt.Errorf("payload json template %s: not text (a binary file?); want a JSON object with placeholders", path)
		}
		template = string(b)
	}
	parts, err := compileTemplate(template)
	if err != nil {
		return nil, err
	}
	return &jsonPayload{parts: parts, ctx: fakeCtx{rng: newPCG(seed, streamPayload, 0)}}, nil
}

// compileTemplate splits the template into literals and fields and checks that what it builds
// is a JSON object, so a typo fails at start and not in a consumer.
func compileTemplate(t string) ([]templatePart, error) {
	if len(t) > maxTemplateBytes {
		return nil, fmt.Errorf("template: %d bytes, over the %d-byte limit", len(t), maxTemplateBytes)
	}
	var parts []templatePart
	inString, escaped := false, false
	scan := func(lit string) { // tracks whether the next placeholder sits inside a JSON string
		for i := range len(lit) {
			switch c := lit[i]; {
			case escaped:
				escaped = false
			case c == '\\' && inString:
				escaped = true
			case c == '"':
				inString = !inString
			}
		}
	}
	rest, offset := t, 0
	for {
		open := strings.Index(rest, "{{")
		if open < 0 {
			scan(rest)
			parts = append(parts, templatePart{literal: rest})
			break
		}
		closing := strings.Index(rest[open:], "}}")
		if closing < 0 {
			return nil, fmt.Errorf("template: unclosed {{ at byte %d", offset+open)
		}
		scan(rest[:open])
		name := rest[open+2 : open+closing]
		f, err := compileField(name, inString)
		if err != nil {
			return nil, fmt.Errorf("template: placeholder {{%s}} at byte %d: %w", name, offset+open, err)
		}
		parts = append(parts, templatePart{literal: rest[:open], field: f})
		if len(parts) > maxTemplateFields {
			return nil, fmt.Errorf("template: more than %d placeholders", maxTemplateFields)
		}
		rest, offset = rest[open+closing+2:], offset+open+closing+2
	}
	// Try the template once; every value of a field has the same JSON shape (pick options are
	// checked one by one in compileField), so one build checks them all.
	p := &jsonPayload{parts: parts, ctx: fakeCtx{rng: newPCG(1, streamPayload, 0), due: time.Unix(0, 0)}}
	out := p.build()
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(out, &obj); err != nil {
		return nil, fmt.Errorf("template: does not build a JSON object (%v); built %.200q", err, out)
	}
	return parts, nil
}

func compileField(spec string, inString bool) (fakeField, error) {
	name, args, hasArgs := strings.Cut(spec, ":")
	if f, ok := fakeFields[name]; ok && !hasArgs {
		return f, nil
	}
	switch name {
	case "int":
		a, b, ok := strings.Cut(args, ":")
		lo, err1 := strconv.ParseInt(a, 10, 64)
		hi, err2 := strconv.ParseInt(b, 10, 64)
		if !ok || err1 != nil || err2 != nil || lo > hi {
			return nil, fmt.Errorf("want int:MIN:MAX with whole numbers MIN ≤ MAX")
		}
		return intField(lo, hi), nil
	case "float":
		a, b, ok := strings.Cut(args, ":")
		lo, err1 := strconv.ParseFloat(a, 64)
		hi, err2 := strconv.ParseFloat(b, 64)
		if !ok || err1 != nil || err2 != nil || lo > hi || math.IsInf(lo, 0) || math.IsInf(hi, 0) || math.IsNaN(hi-lo) {
			return nil, fmt.Errorf("want float:MIN:MAX with finite numbers MIN ≤ MAX")
		}
		return floatField(lo, hi), nil
	case "pick":
		if !hasArgs || args == "" {
			return nil, fmt.Errorf("want pick:A|B|...")
		}
		opts := strings.Split(args, "|")
		for i, o := range opts {
			if inString {
				q, _ := json.Marshal(o)
				opts[i] = string(q[1 : len(q)-1])
			} else if !json.Valid([]byte(o)) {
				return nil, fmt.Errorf("option %q is outside quotes but not a JSON value", o)
			}
		}
		return pickField(opts), nil
	}
	if _, ok := fakeFields[name]; ok {
		return nil, fmt.Errorf("%s takes no argument", name)
	}
	return nil, fmt.Errorf("unknown placeholder; want uuid, name, first_name, last_name, email, city, country, word, ip, bool, seq, timestamp, unix_ms, int:MIN:MAX, float:MIN:MAX or pick:A|B")
}

// build renders the template into the scratch buffer (valid until the next build).
func (p *jsonPayload) build() []byte {
	b := p.scratch[:0]
	for _, part := range p.parts {
		b = append(b, part.literal...)
		if part.field != nil {
			b = part.field(b, &p.ctx)
		}
	}
	p.scratch = b
	return b
}

// padField is added before the closing brace to grow a record to the drawn size.
const padField = `"_pad":""`

// make builds one record: as built when size is 0 or smaller; grown to exactly size with a
// "_pad" field of x's (or, when the gap is too small for one, trailing spaces, which JSON
// allows); cut to maxData only if the built object alone does not fit (then it is not JSON).
func (p *jsonPayload) make(size, maxData int, index uint64, due time.Time) []byte {
	p.ctx.index, p.ctx.due = index, due
	doc := p.build()
	size = min(size, maxData)
	if size <= len(doc) {
		return append([]byte(nil), doc[:min(len(doc), maxData)]...)
	}
	out := make([]byte, 0, size)
	gap := size - len(doc)
	end := bytes.LastIndexByte(doc, '}') // compileTemplate made sure the document is an object
	sep := ","
	if head := bytes.TrimRight(doc[:end], " \t\r\n"); head[len(head)-1] == '{' {
		sep = ""
	}
	if fill := gap - len(sep) - len(padField); fill >= 0 {
		out = append(out, doc[:end]...)
		out = append(out, sep...)
		out = append(out, padField[:len(padField)-1]...)
		for range fill {
			out = append(out, 'x')
		}
		out = append(out, '"')
		out = append(out, doc[end:]...)
		return out
	}
	out = append(out, doc...)
	for len(out) < size {
		out = append(out, ' ')
	}
	return out
}
