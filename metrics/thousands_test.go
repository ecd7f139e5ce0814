package metrics

import "testing"

func TestThousands(t *testing.T) {
	for x, want := range map[float64]string{0: "0", 7: "7", 999: "999", 1000: "1,000", 12345.4: "12,345", 1234567: "1,234,567",
		-1000: "-1,000", -0.2: "0", 999.6: "1,000"} {
		if got := Thousands(x); got != want {
			t.Errorf("Thousands(%v) = %q, want %q", x, got, want)
		}
	}
}
