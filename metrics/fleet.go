package metrics

import "time"

// FleetClients are the clients of a fleet of simple producers (`run --producer putrecords|
// putrecord --clients N`) at one reading: metrics' own copy, so that metrics does not import
// the fleet. Reconnects is cumulative.
type FleetClients struct {
	Clients, Online, Offline, Buffering int64
	// Buffered is the user records the clients hold while offline (and before sending).
	Buffered   int64
	Reconnects int64
	InFlight   int64
}

// FleetSource is what the sampler reads a fleet's clients through (Config.Fleet), when the
// producer is a fleet.
type FleetSource interface{ FleetClients() FleetClients }

// FleetSummary is the summary's fleet section: the clients over the run. Present only when the
// producer is a fleet.
type FleetSummary struct {
	Clients int64 `json:"clients"`
	// At the end of the run.
	Online    int64 `json:"online"`
	Offline   int64 `json:"offline"`
	Buffering int64 `json:"buffering"`
	Buffered  int64 `json:"buffered_records"`
	// Over the run: every reconnection, the most clients offline and buffering and the most
	// records buffered at a sample, and the fastest reconnections in one sample interval (the
	// burst after an outage).
	Reconnects              int64   `json:"reconnects"`
	MaxOffline              int64   `json:"max_offline"`
	MaxBuffering            int64   `json:"max_buffering"`
	MaxBufferedRecords      int64   `json:"max_buffered_records"`
	PeakReconnectsPerSecond float64 `json:"peak_reconnects_per_second"`
	// ApplicationLatency is what the application waits for each put: from the call to its
	// result (latency_ms.end_to_end, named for a fleet).
	ApplicationLatency LatencyStats `json:"application_latency_ms"`
}

// fleetTrack is what the sampler remembers of the fleet between samples.
type fleetTrack struct {
	last                                  FleetClients
	seen                                  bool
	maxOffline, maxBuffering, maxBuffered int64
	peakReconnects                        float64
	// recent holds the readings of the last second or so: reconnects per second are counted over
	// at least one second, because a burst of 300 reconnects divided by a 0.3 s sample gap (a
	// sampler catching up on a busy machine) would read "1,000/s of 300 clients".
	recent []reconnectReading
}

type reconnectReading struct {
	t time.Time
	n int64
}

// reconnectRate is the clients reconnecting per second: the most that reconnected since any
// recent reading, divided by the time since it but never by less than a second. It is never more
// than the reconnects of some one-second window, and steady reconnects keep their true rate
// however often the sampler reads.
func (t *fleetTrack) reconnectRate(now time.Time, n int64) float64 {
	rate := 0.0
	for _, r := range t.recent {
		span := max(now.Sub(r.t), time.Second)
		rate = max(rate, float64(delta(n, r.n))/span.Seconds())
	}
	return rate
}

// fleetValues fills the fleet's series from a reading and remembers its peaks.
func (t *fleetTrack) values(v *[numMetrics]float64, c FleetClients, now time.Time) {
	v[ClientsOnline], v[ClientsOffline], v[ClientsBuffering] = float64(c.Online), float64(c.Offline), float64(c.Buffering)
	v[ClientsBufferedRecords] = float64(c.Buffered)
	if t.seen {
		r := t.reconnectRate(now, c.Reconnects)
		v[ReconnectsPerSec] = r
		if r > t.peakReconnects {
			t.peakReconnects = r
		}
	}
	t.maxOffline, t.maxBuffering, t.maxBuffered = max(t.maxOffline, c.Offline), max(t.maxBuffering, c.Buffering), max(t.maxBuffered, c.Buffered)
	t.last, t.seen = c, true
	// Keep the newest reading older than a second (the reference) and everything after it.
	t.recent = append(t.recent, reconnectReading{now, c.Reconnects})
	for len(t.recent) > 1 && now.Sub(t.recent[1].t) >= time.Second {
		t.recent = t.recent[1:]
	}
}

func (t *fleetTrack) summary(end LatencyStats) *FleetSummary {
	c := t.last
	return &FleetSummary{Clients: c.Clients, Online: c.Online, Offline: c.Offline, Buffering: c.Buffering, Buffered: c.Buffered,
		Reconnects: c.Reconnects, MaxOffline: t.maxOffline, MaxBuffering: t.maxBuffering, MaxBufferedRecords: t.maxBuffered,
		PeakReconnectsPerSecond: t.peakReconnects, ApplicationLatency: end}
}

// fleetMetric reports whether m is a fleet series (on only with Config.Fleet).
func fleetMetric(m Metric) bool { return m >= ClientsOnline && m <= ReconnectsPerSec }
