package main

import (
	"time"

	"github.com/shardstorm/shardstorm/producer/fleet"
)

// clientsInterval is how often a fleet contender looks at its clients (Fleet.Clients is
// O(clients): 2,000 clients four times a second is nothing next to their requests).
const clientsInterval = 250 * time.Millisecond

// clientFigures is what a fleet's clients did over a run, from snapshots: the extremes of the
// outage and the reconnect burst.
type clientFigures struct {
	Clients       int   `json:"clients"`
	MinOnline     int   `json:"min_online"`
	MaxOffline    int   `json:"max_offline"`
	PeakBuffering int   `json:"peak_buffering_clients"` // clients holding records not yet sent
	PeakBuffered  int64 `json:"peak_buffered_records"`  // the records they held
	Reconnects    int64 `json:"reconnects"`             // offline→online transitions, all clients
}

func (c *clientFigures) note(s fleet.ClientStats) {
	if c.Clients == 0 {
		c.Clients, c.MinOnline = s.Clients, s.Online
	}
	c.MinOnline = min(c.MinOnline, s.Online)
	c.MaxOffline = max(c.MaxOffline, s.Offline)
	c.PeakBuffering = max(c.PeakBuffering, s.Buffering)
	c.PeakBuffered = max(c.PeakBuffered, s.Buffered)
	c.Reconnects = max(c.Reconnects, s.Reconnects)
}

// clientWatch snapshots a fleet's clients until stopped.
type clientWatch struct {
	quit chan struct{}
	done chan clientFigures
}

func watchClients(f *fleet.Fleet, every time.Duration) *clientWatch {
	w := &clientWatch{quit: make(chan struct{}), done: make(chan clientFigures, 1)}
	go func() {
		var figs clientFigures
		tick := time.NewTicker(every)
		defer tick.Stop()
		for {
			figs.note(f.Clients())
			select {
			case <-tick.C:
			case <-w.quit:
				w.done <- figs
				return
			}
		}
	}()
	return w
}

// stop ends the watch with a last snapshot of f and returns the figures.
func (w *clientWatch) stop(f *fleet.Fleet) clientFigures {
	close(w.quit)
	figs := <-w.done
	figs.note(f.Clients())
	return figs
}
