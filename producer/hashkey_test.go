package producer

import (
	"math/big"
	"regexp"
	"testing"

	"pgregory.net/rapid"
)

// parseHashKey accepts exactly what Kinesis accepts as an ExplicitHashKey and reads its value.
func TestParseHashKeyMatchesTheServiceRule(t *testing.T) {
	rule := regexp.MustCompile(`^(0|[1-9][0-9]{0,38})$`)
	rapid.Check(t, func(t *rapid.T) {
		s := rapid.OneOf(rapid.StringMatching(`[0-9]{0,41}`), rapid.String(),
			rapid.Just("340282366920938463463374607431768211455"), rapid.Just("340282366920938463463374607431768211456")).Draw(t, "s")
		h, ok := parseHashKey(s)
		v, isNum := new(big.Int).SetString(s, 10)
		want := rule.MatchString(s) && isNum && v.Cmp(two128) < 0
		if ok != want {
			t.Fatalf("parseHashKey(%q) ok=%v, want %v", s, ok, want)
		}
		if ok && h.String() != v.String() {
			t.Fatalf("parseHashKey(%q) = %s", s, h)
		}
	})
}
