package metrics

import (
	"testing"
	"time"
)

// A burst read over a short sample gap must not read as more clients per second than reconnected
// in the trailing second; steady reconnects sampled twice a second keep their true rate.
func TestReconnectRateCountsOverATrailingSecond(t *testing.T) {
	t0 := time.Unix(1000, 0)
	var tr fleetTrack
	var v [numMetrics]float64
	tr.values(&v, FleetClients{Clients: 300}, t0)
	tr.values(&v, FleetClients{Clients: 300}, t0.Add(time.Second))
	tr.values(&v, FleetClients{Clients: 300, Reconnects: 300}, t0.Add(1300*time.Millisecond))
	if got := v[ReconnectsPerSec]; got != 300 {
		t.Fatalf("300 reconnects 0.3 s after the last sample read as %.0f/s, want 300/s", got)
	}
	if tr.peakReconnects != 300 {
		t.Fatalf("peak %.0f/s, want 300/s", tr.peakReconnects)
	}

	var steady fleetTrack
	n := int64(0)
	for i := range 10 {
		steady.values(&v, FleetClients{Clients: 1000, Reconnects: n}, t0.Add(time.Duration(i)*500*time.Millisecond))
		n += 50
	}
	if got := v[ReconnectsPerSec]; got != 100 {
		t.Fatalf("50 reconnects every 0.5 s read as %.1f/s, want 100/s", got)
	}
}
