package workload

import (
	"math/rand/v2"
	"strconv"
	"time"
)

// Fake field values for JSON payloads. A small built-in generator instead of a faker library:
// values append straight into the record buffer without allocating, and a seed keeps giving
// the same records across library upgrades. No value needs JSON escaping.
var (
	firstNames = []string{"Ada", "Alan", "Amara", "Ana", "Bjorn", "Carlos", "Chen", "Dara", "Elena",
		"Emeka", "Farah", "Grace", "Hana", "Ines", "Ivan", "Jamal", "Jin", "Kofi", "Lena", "Liam",
		"Maya", "Mateo", "Nia", "Noor", "Olga", "Omar", "Priya", "Quinn", "Rosa", "Sami", "Sofia",
		"Taro", "Uma", "Vera", "Wei", "Xena", "Yara", "Yusuf", "Zoe", "Zeno"}
	lastNames = []string{"Adeyemi", "Andersen", "Bauer", "Costa", "Dubois", "Evans", "Fischer",
		"Garcia", "Haddad", "Ito", "Jensen", "Kim", "Kowalski", "Lopez", "Mbeki", "Moreau", "Nakamura",
		"Novak", "Okafor", "Olsen", "Patel", "Quispe", "Rossi", "Sato", "Schmidt", "Silva", "Singh",
		"Tanaka", "Usman", "Varga", "Wang", "Weber", "Xu", "Yilmaz", "Zhang", "Ziegler"}
	cities = []string{"Accra", "Amsterdam", "Auckland", "Bangalore", "Berlin", "Bogota", "Cairo",
		"Chicago", "Dublin", "Helsinki", "Istanbul", "Jakarta", "Lagos", "Lima", "Lisbon", "London",
		"Madrid", "Manila", "Melbourne", "Mexico City", "Montreal", "Mumbai", "Nairobi", "Osaka",
		"Paris", "Prague", "Santiago", "Seoul", "Singapore", "Stockholm", "Sydney", "Tokyo",
		"Toronto", "Vienna", "Warsaw", "Zurich"}
	countries = []string{"AR", "AU", "BR", "CA", "CH", "CL", "CN", "CO", "DE", "DK", "EG", "ES",
		"FI", "FR", "GB", "GH", "ID", "IE", "IN", "IT", "JP", "KE", "KR", "MX", "NG", "NL", "NO",
		"NZ", "PE", "PH", "PL", "PT", "SE", "SG", "TR", "US", "ZA"}
	words = []string{"alpha", "amber", "anchor", "atlas", "beacon", "cedar", "cobalt", "comet",
		"delta", "ember", "falcon", "fjord", "garnet", "harbor", "indigo", "juniper", "kestrel",
		"lantern", "maple", "meadow", "nebula", "onyx", "orbit", "pepper", "quartz", "raven",
		"saffron", "summit", "tundra", "umber", "velvet", "willow", "xenon", "yonder", "zephyr"}
)

// fakeField appends one generated value to dst. Generator goroutine only.
type fakeField func(dst []byte, f *fakeCtx) []byte

// fakeCtx is what fields draw from: the payload's random stream and the record's place.
type fakeCtx struct {
	rng   *rand.PCG
	index uint64
	due   time.Time
}

func (f *fakeCtx) pick(list []string) string { return list[uintN(f.rng, uint64(len(list)))] }

func appendLower(dst []byte, s string) []byte {
	for i := range len(s) {
		c := s[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		} else if c == ' ' {
			c = '.'
		}
		dst = append(dst, c)
	}
	return dst
}

// fakeFields are the placeholders without arguments.
var fakeFields = map[string]fakeField{
	"uuid":       func(d []byte, f *fakeCtx) []byte { return appendUUID(d, f.rng) },
	"first_name": func(d []byte, f *fakeCtx) []byte { return append(d, f.pick(firstNames)...) },
	"last_name":  func(d []byte, f *fakeCtx) []byte { return append(d, f.pick(lastNames)...) },
	"name": func(d []byte, f *fakeCtx) []byte {
		d = append(d, f.pick(firstNames)...)
		return append(append(d, ' '), f.pick(lastNames)...)
	},
	"email": func(d []byte, f *fakeCtx) []byte {
		d = appendLower(d, f.pick(firstNames))
		d = append(d, '.')
		d = appendLower(d, f.pick(lastNames))
		d = strconv.AppendUint(d, uintN(f.rng, 100), 10)
		return append(d, "@example.com"...)
	},
	"city":    func(d []byte, f *fakeCtx) []byte { return append(d, f.pick(cities)...) },
	"country": func(d []byte, f *fakeCtx) []byte { return append(d, f.pick(countries)...) },
	"word":    func(d []byte, f *fakeCtx) []byte { return append(d, f.pick(words)...) },
	"ip": func(d []byte, f *fakeCtx) []byte {
		v := f.rng.Uint64()
		for i := range 4 {
			if i > 0 {
				d = append(d, '.')
			}
			d = strconv.AppendUint(d, v>>(8*i)&0xff, 10)
		}
		return d
	},
	"bool": func(d []byte, f *fakeCtx) []byte { return strconv.AppendBool(d, f.rng.Uint64()&1 == 1) },
	"seq":  func(d []byte, f *fakeCtx) []byte { return strconv.AppendUint(d, f.index, 10) },
	// timestamp is the record's scheduled time, not the time it was built: consumers can
	// measure end-to-end delay from it, and a FakeClock makes it reproducible.
	"timestamp": func(d []byte, f *fakeCtx) []byte {
		return f.due.UTC().AppendFormat(d, "2006-01-02T15:04:05.000Z07:00")
	},
	"unix_ms": func(d []byte, f *fakeCtx) []byte { return strconv.AppendInt(d, f.due.UnixMilli(), 10) },
}

func intField(lo, hi int64) fakeField {
	span := uint64(hi-lo) + 1
	return func(d []byte, f *fakeCtx) []byte {
		if span == 0 { // the whole int64 range
			return strconv.AppendInt(d, int64(f.rng.Uint64()), 10)
		}
		return strconv.AppendInt(d, lo+int64(uintN(f.rng, span)), 10)
	}
}

func floatField(lo, hi float64) fakeField {
	return func(d []byte, f *fakeCtx) []byte {
		return strconv.AppendFloat(d, lo+(hi-lo)*float64From(f.rng.Uint64()), 'f', 2, 64)
	}
}

func pickField(options []string) fakeField {
	return func(d []byte, f *fakeCtx) []byte { return append(d, f.pick(options)...) }
}
