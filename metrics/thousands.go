package metrics

import (
	"math"
	"strconv"
	"strings"
)

// Thousands is x rounded to a whole number and written with thousands separators (12,345;
// -1,000), as the dashboard and the advisor's findings both print counts. NaN and ±Inf are the
// caller's to handle (they print "—" each in their own way).
func Thousands(x float64) string {
	digits := strconv.FormatInt(int64(math.Round(math.Abs(x))), 10)
	var b strings.Builder
	if x < 0 && digits != "0" {
		b.WriteByte('-')
	}
	for i, c := range digits {
		if i > 0 && (len(digits)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String()
}
