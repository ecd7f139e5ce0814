package app

import (
	"fmt"
	"sync"
	"time"

	"github.com/shardstorm/shardstorm/metrics/cloudwatch"
	"github.com/shardstorm/shardstorm/tui"
)

// Event is one line of the run's event log: errors, reshards, configuration changes.
type Event struct {
	Time  time.Time
	Level Level
	Text  string
}

// Level grades an event.
type Level int

// Event levels.
const (
	Info Level = iota
	Warn
	Error
)

func (l Level) String() string {
	switch l {
	case Warn:
		return "warn"
	case Error:
		return "error"
	}
	return "info"
}

// EventLog keeps the last events in a ring (fixed memory); safe for concurrent use.
type EventLog struct {
	mu     sync.Mutex
	events []Event
	next   int
	full   bool
	total  int64
}

// NewEventLog keeps the last n events.
func NewEventLog(n int) *EventLog { return &EventLog{events: make([]Event, n)} }

// Addf records an event now.
func (l *EventLog) Addf(level Level, format string, args ...any) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.events[l.next] = Event{Time: time.Now(), Level: level, Text: fmt.Sprintf(format, args...)}
	l.next = (l.next + 1) % len(l.events)
	l.full = l.full || l.next == 0
	l.total++
}

// noteCloudWatch logs the poller's status when it differs from *last (a warning if it carries
// an error), and remembers it: the run and the watch both report CloudWatch this way.
func (l *EventLog) noteCloudWatch(p *cloudwatch.Poller, last *cloudwatch.Status) {
	s := p.State()
	if s.Status == *last {
		return
	}
	*last = s.Status
	level := Info
	if s.Err != "" {
		level = Warn
	}
	l.Addf(level, "CloudWatch: %s %s", s.Status, s.Err)
}

// Events returns the kept events, oldest first.
func (l *EventLog) Events() []Event {
	l.mu.Lock()
	defer l.mu.Unlock()
	if !l.full {
		return append([]Event(nil), l.events[:l.next]...)
	}
	return append(append([]Event(nil), l.events[l.next:]...), l.events[:l.next]...)
}

// Total counts every event ever added, kept or not.
func (l *EventLog) Total() int64 {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.total
}

// ForDashboard returns the kept events as the dashboard shows them, oldest first.
func (l *EventLog) ForDashboard() []tui.Event {
	evs := l.Events()
	out := make([]tui.Event, len(evs))
	for i, e := range evs {
		out[i] = tui.Event{Time: e.Time, Level: e.Level.String(), Text: e.Text}
	}
	return out
}
