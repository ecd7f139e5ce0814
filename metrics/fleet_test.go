package metrics_test

import (
	"math"
	"sync"
	"testing"
	"time"

	"github.com/shardstorm/shardstorm/metrics"
)

type fakeFleet struct {
	mu sync.Mutex
	c  metrics.FleetClients
}

func (f *fakeFleet) FleetClients() metrics.FleetClients {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.c
}

// A fleet's clients become series — online, offline, buffering, the records held, reconnects
// per second — and the summary's fleet section keeps the peaks: the outage and the burst.
func TestFleetSeriesAndSummary(t *testing.T) {
	fp := newFakeProducer("shardId-000000000000")
	fl := &fakeFleet{c: metrics.FleetClients{Clients: 300, Online: 300}}
	s := newSampler(t, metrics.Config{Stream: "s", Producer: fp, Fleet: fl, Profile: "putrecords"})
	t0 := time.Unix(1_700_000_000, 0)
	s.Sample(t0)
	fl.c = metrics.FleetClients{Clients: 300, Offline: 300, Buffering: 300, Buffered: 8000}
	snap := s.Sample(t0.Add(250 * time.Millisecond))
	if snap.Stream.Get(metrics.ClientsOffline) != 300 || snap.Stream.Get(metrics.ClientsBufferedRecords) != 8000 || snap.Stream.Get(metrics.ReconnectsPerSec) != 0 {
		t.Fatalf("outage sample: offline %v, buffered %v, reconnects %v", snap.Stream.Get(metrics.ClientsOffline),
			snap.Stream.Get(metrics.ClientsBufferedRecords), snap.Stream.Get(metrics.ReconnectsPerSec))
	}
	if snap.Fleet == nil || snap.Fleet.Offline != 300 || snap.Settings.Profile != "putrecords" || !snap.Settings.Fleet() {
		t.Fatalf("snapshot fleet %+v, settings %+v", snap.Fleet, snap.Settings)
	}
	fl.c = metrics.FleetClients{Clients: 300, Online: 300, Reconnects: 300, Buffering: 120, Buffered: 3000}
	snap = s.Sample(t0.Add(500 * time.Millisecond))
	// Per second means over a second at least: 300 clients reconnecting within 250 ms are 300 in
	// that second, not "1,200/s of 300 clients".
	if got := snap.Stream.Get(metrics.ReconnectsPerSec); got != 300 {
		t.Errorf("300 reconnects in 250 ms: %v/s, want 300", got)
	}
	fl.c = metrics.FleetClients{Clients: 300, Online: 300, Reconnects: 300}
	sum := s.Summary(t0.Add(750*time.Millisecond), nil)
	_, back := validateSummary(t, sum)
	f := back.Fleet
	if back.Producer != "putrecords" || f == nil {
		t.Fatalf("summary producer %q, fleet %+v", back.Producer, f)
	}
	if f.Clients != 300 || f.Online != 300 || f.Offline != 0 || f.Reconnects != 300 || f.MaxOffline != 300 ||
		f.MaxBuffering != 300 || f.MaxBufferedRecords != 8000 || f.PeakReconnectsPerSecond != 300 {
		t.Errorf("fleet summary %+v", *f)
	}
}

// Without a fleet the series do not exist and the summary has no fleet section.
func TestNoFleetNoFleetSeries(t *testing.T) {
	s := newSampler(t, metrics.Config{Stream: "s", Producer: newFakeProducer("shardId-000000000000")})
	t0 := time.Unix(1_700_000_000, 0)
	s.Sample(t0)
	snap := s.Sample(t0.Add(time.Second))
	if !math.IsNaN(snap.Stream.Get(metrics.ClientsOnline)) || snap.Fleet != nil {
		t.Errorf("clients_online %v, fleet %+v without a fleet", snap.Stream.Get(metrics.ClientsOnline), snap.Fleet)
	}
	if sum := s.Summary(t0.Add(2*time.Second), nil); sum.Fleet != nil || sum.Producer != "shardstorm" {
		t.Errorf("summary producer %q, fleet %+v", sum.Producer, sum.Fleet)
	}
}
