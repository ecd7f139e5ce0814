package advisor

import (
	"fmt"
	"math"
	"strconv"
	"time"

	"github.com/shardstorm/shardstorm/metrics"
)

// Figures in findings read as a person would write them: 5.3 MiB/s, 12,000 records/s, 71%.

// mib formats bytes/s as MiB/s.
func mib(bytesPerSec float64) string {
	if math.IsNaN(bytesPerSec) || math.IsInf(bytesPerSec, 0) {
		return "— MiB/s"
	}
	x := bytesPerSec / (1 << 20)
	switch {
	case x >= 100:
		return fmt.Sprintf("%.0f MiB/s", x)
	case x >= 0.1:
		return fmt.Sprintf("%.1f MiB/s", x)
	}
	return fmt.Sprintf("%.0f KiB/s", bytesPerSec/1024)
}

// maxCount caps a computed count of shards or connections: past a million the exact figure says
// nothing more, and converting a larger (or infinite) float to int is undefined in Go.
const maxCount = 1 << 20

// ceilCount rounds a needed amount up to a whole count in [0, maxCount]; NaN counts as 0.
func ceilCount(x float64) int {
	switch {
	case !(x > 0):
		return 0
	case x >= maxCount:
		return maxCount
	}
	return int(math.Ceil(x - 1e-9))
}

// count formats a number with thousands separators, whole below 10,000 only if it is whole.
func count(x float64) string {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return "—"
	}
	if math.Abs(x) < 10 && x != math.Trunc(x) {
		return strconv.FormatFloat(x, 'f', 1, 64)
	}
	if math.Abs(x) >= 1e15 { // past int64's comfort: no real rate is this large, say it plainly
		return strconv.FormatFloat(x, 'g', 3, 64)
	}
	return metrics.Thousands(x)
}

// pct formats a fraction as a percentage.
func pct(fraction float64) string {
	if math.IsNaN(fraction) || math.IsInf(fraction, 0) {
		return "—%"
	}
	p := 100 * fraction
	if p != 0 && math.Abs(p) < 10 {
		return strconv.FormatFloat(p, 'f', 1, 64) + "%"
	}
	return strconv.FormatFloat(p, 'f', 0, 64) + "%"
}

// ms formats milliseconds.
func ms(x float64) string {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return "— ms"
	}
	if x >= 10 || x == 0 {
		return fmt.Sprintf("%.0f ms", x)
	}
	return fmt.Sprintf("%.1f ms", x)
}

// dur formats a duration in its simplest form (30s, 1.5s, 100ms).
func dur(d time.Duration) string {
	if d >= time.Minute && d%time.Minute == 0 {
		return strconv.FormatInt(int64(d/time.Minute), 10) + "m" // not "1m0s"
	}
	return d.String()
}

// round3 keeps evidence figures readable in JSON.
func round3(x float64) float64 {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return 0
	}
	return math.Round(x*1000) / 1000
}

// plural writes n and noun, with an s when n is not 1.
func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return strconv.Itoa(n) + " " + noun + "s"
}
