package emulator

import (
	"bytes"
	"fmt"
	"strconv"
	"unicode/utf16"
	"unicode/utf8"
)

// checkJSONText refuses a request body that is not well-formed UTF-8 JSON text: raw bytes that
// are not UTF-8, or a \u escape naming a lone surrogate. Go's encoding/json would silently turn
// either into U+FFFD, and the emulator would then store (and hash) a partition key other than
// the one sent; AWS's JSON front end cannot parse such a body and refuses the whole request.
func checkJSONText(body []byte) error {
	if !utf8.Valid(body) {
		i := firstInvalidUTF8(body)
		return fmt.Errorf("invalid UTF-8 byte 0x%02x at offset %d", body[i], i)
	}
	if !bytes.Contains(body, []byte(`\u`)) {
		return nil // the common case: no escapes to check
	}
	inString := false
	for i := 0; i < len(body); i++ {
		switch c := body[i]; {
		case c == '"':
			inString = !inString
		case c == '\\' && inString && i+1 < len(body):
			i++
			if body[i] != 'u' {
				continue
			}
			r, ok := hexRune(body, i+1)
			if !ok {
				continue // malformed escapes are encoding/json's to report
			}
			switch {
			case utf16.IsSurrogate(r) && r < 0xdc00: // high: a low must follow
				if i+6 < len(body) && body[i+5] == '\\' && body[i+6] == 'u' {
					if lo, ok := hexRune(body, i+7); ok && lo >= 0xdc00 && lo <= 0xdfff {
						i += 10
						continue
					}
				}
				return fmt.Errorf("unpaired surrogate \\u%04x at offset %d", r, i-1)
			case utf16.IsSurrogate(r):
				return fmt.Errorf("unpaired surrogate \\u%04x at offset %d", r, i-1)
			}
			i += 4
		}
	}
	return nil
}

// hexRune reads the four hex digits of a \u escape starting at body[at].
func hexRune(body []byte, at int) (rune, bool) {
	if at+4 > len(body) {
		return 0, false
	}
	v, err := strconv.ParseUint(string(body[at:at+4]), 16, 32)
	return rune(v), err == nil
}

func firstInvalidUTF8(b []byte) int {
	for i := 0; i < len(b); {
		r, n := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && n <= 1 {
			return i
		}
		i += n
	}
	return 0
}
