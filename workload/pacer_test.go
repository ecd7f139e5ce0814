package workload

import (
	"math"
	"testing"
	"time"
)

var shapeCases = []string{
	"constant:1000",
	"2500",
	"ramp:1000-10000:60s",
	"ramp:5000-0:10s",
	"steps:1000@10s,5000@5s,0@5s,2000@10s",
	"sine:5000:2000:60s",
	"sine:1000:1000:10s",
	"periodic:500-5000:2m",
	"bursts:1000:20000:30s:5s",
	"bursts:0:3000:10s:1s",
}

// integrate is ∫₀ᵗ Rate by the midpoint rule on 10 ms slices: an independent check of Hits.
func integrate(p Pacer, t time.Duration) float64 {
	const dt = 10 * time.Millisecond
	sum := 0.0
	for x := time.Duration(0); x < t; x += dt {
		w := min(dt, t-x)
		sum += p.Rate(x+w/2) * w.Seconds()
	}
	return sum
}

func TestPacerHitsIsIntegralOfRate(t *testing.T) {
	for _, c := range shapeCases {
		p := mustShape(t, c)
		for _, at := range []time.Duration{0, 3 * time.Second, 17500 * time.Millisecond, 61 * time.Second, 150 * time.Second} {
			want := integrate(p, at)
			got := p.Hits(at)
			// Steps fall on slice edges, so the midpoint rule is near exact.
			if math.Abs(got-want) > 1e-6*want+1 {
				t.Errorf("%s: Hits(%s) = %.3f, ∫Rate = %.3f", c, at, got, want)
			}
		}
	}
}

func TestPacerAtInvertsHits(t *testing.T) {
	for _, c := range shapeCases {
		p := mustShape(t, c)
		for h := 1.0; h < 1e6; h *= 3.7 {
			at, ok := p.At(h)
			if !ok {
				continue // rate fell to zero for good (ramp to 0)
			}
			if got := p.Hits(at); got < h-1e-6*h || got > h+1e-3*max(1, p.Rate(at)) {
				t.Errorf("%s: Hits(At(%g) = %s) = %g", c, h, at, got)
			}
			if at > time.Nanosecond {
				if before := p.Hits(at - time.Microsecond); before > h {
					t.Errorf("%s: At(%g) = %s is not the earliest: Hits(%s) = %g", c, h, at, at-time.Microsecond, before)
				}
			}
		}
	}
}

func TestRampToZeroEnds(t *testing.T) {
	p := mustShape(t, "ramp:5000-0:10s")
	if _, ok := p.At(25001); ok {
		t.Fatal("a ramp to 0 that delivered all 25000 records must report no further record")
	}
	// Where the rate nears 0 a rounding error in the count is worth microseconds.
	if at, ok := p.At(25000); !ok || at < 10*time.Second-100*time.Microsecond || at > 10*time.Second {
		t.Fatalf("At(25000) = %s, %v; want 10s", at, ok)
	}
}

func TestShapeRates(t *testing.T) {
	s := time.Second
	cases := []struct {
		shape string
		at    time.Duration
		want  float64
	}{
		{"ramp:1000-10000:60s", 0, 1000},
		{"ramp:1000-10000:60s", 30 * s, 5500},
		{"ramp:1000-10000:60s", 90 * s, 10000},
		{"steps:1000@10s,5000@5s", 9 * s, 1000},
		{"steps:1000@10s,5000@5s", 10 * s, 5000},
		{"steps:1000@10s,5000@5s", 100 * s, 5000},
		{"sine:5000:2000:60s", 15 * s, 7000},
		{"sine:5000:2000:60s", 45 * s, 3000},
		{"periodic:500-5000:24m", 4 * time.Minute, 500},   // 04:00
		{"periodic:500-5000:24m", 20 * time.Minute, 5000}, // 20:00
		{"periodic:500-5000:24m", 44 * time.Minute, 5000}, // next day's 20:00
		{"bursts:1000:20000:30s:5s", 24 * s, 1000},
		{"bursts:1000:20000:30s:5s", 26 * s, 20000},
		{"bursts:1000:20000:30s:5s", 31 * s, 1000},
	}
	for _, c := range cases {
		if got := mustShape(t, c.shape).Rate(c.at); math.Abs(got-c.want) > 1e-6 {
			t.Errorf("%s: Rate(%s) = %g, want %g", c.shape, c.at, got, c.want)
		}
	}
}

// TestGeneratorFollowsShape runs each shape on a FakeClock and checks that by every 50 ms the
// sink has received exactly the records the shape makes due by then (±1 for rounding of
// record times to nanoseconds): sends follow the clock.
func TestGeneratorFollowsShape(t *testing.T) {
	for _, c := range []string{"constant:1000", "ramp:0-4000:2s", "steps:500@1s,3000@1s", "sine:2000:2000:2s", "periodic:100-3000:3s", "bursts:200:5000:1s:200ms"} {
		t.Run(c, func(t *testing.T) {
			spec := DefaultSpec()
			spec.Seed = 1
			spec.Shape = mustShape(t, c)
			h := startGen(t, spec)
			h.settle()
			for at := time.Duration(0); at <= 3*time.Second; at += 50 * time.Millisecond {
				if at > 0 {
					h.clock.Advance(50 * time.Millisecond)
					h.settle()
				}
				want := math.Floor(spec.Shape.Hits(at)) + 1
				if got := float64(h.sink.count()); math.Abs(got-want) > 1 {
					t.Fatalf("at %s: sink has %v records, the shape makes %v due", at, got, want)
				}
			}
			if st := h.gen.Stats(); st.Dropped != 0 || st.Scheduled != st.Emitted {
				t.Fatalf("stats %+v: want every scheduled record emitted", st)
			}
		})
	}
}
