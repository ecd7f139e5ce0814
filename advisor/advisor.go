package advisor

import (
	"sort"
	"sync"
	"time"

	"github.com/shardstorm/shardstorm/metrics"
)

// Config tunes the advisor. Zero values take the defaults.
type Config struct {
	// Window is how much recent history a rule weighs: long enough that one noisy sample does
	// not raise a finding, short enough that a finding appears within seconds. Default 5 s.
	Window time.Duration
	// ClearAfter is how long a rule must not find a finding before it is cleared. Default 2 s.
	ClearAfter time.Duration
}

// Default settings.
const (
	DefaultWindow     = 5 * time.Second
	DefaultClearAfter = 2 * time.Second
)

// Input is one evaluation's reading: a sample and what the samples do not hold.
type Input struct {
	Snapshot *metrics.Snapshot
	// HotKeys names the keys behind a hot shard; nil leaves them out.
	HotKeys *metrics.HotKeys
	// APICalls are this process's recent calls by caller and operation (metrics.APICalls).
	APICalls []metrics.APICallCount
	// LastErrors is the latest error message by error code, e.g. the KMSAccessDeniedException
	// message, which names the key and the principal.
	LastErrors map[string]string
}

// Advisor runs the rules over recent samples and keeps the findings. Safe for concurrent use:
// the sampler's goroutine observes while a dashboard reads.
type Advisor struct {
	cfg Config

	mu      sync.Mutex
	win     window
	active  map[string]*tracked
	history map[string]*metrics.Finding
}

type tracked struct {
	f        metrics.Finding
	lastSeen time.Time // when the rule last found it
}

// New returns an advisor with no samples.
func New(cfg Config) *Advisor {
	if cfg.Window <= 0 {
		cfg.Window = DefaultWindow
	}
	if cfg.ClearAfter <= 0 {
		cfg.ClearAfter = DefaultClearAfter
	}
	return &Advisor{cfg: cfg, win: window{span: cfg.Window}, active: map[string]*tracked{}, history: map[string]*metrics.Finding{}}
}

// Observe adds a sample (a snapshot already seen is not added twice), runs the rules and returns
// the findings raised and cleared by this evaluation, for an event log.
func (a *Advisor) Observe(in Input) (raised, cleared []metrics.Finding) {
	if in.Snapshot == nil {
		return nil, nil
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	a.win.add(in.Snapshot)
	return a.track(in.Snapshot.Time, evaluate(&a.win, &in))
}

// ObserveOutside runs the outside rules over what a watch sees of a stream something else
// loads, and returns the findings raised and cleared by this evaluation. The view carries its
// own recent window (CloudWatch periods, the sample's seconds), so it is judged as it comes;
// findings are tracked, cleared and kept in History as Observe's are.
func (a *Advisor) ObserveOutside(v *metrics.OutsideView) (raised, cleared []metrics.Finding) {
	if v == nil {
		return nil, nil
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.track(v.Time, evaluateOutside(v))
}

// track raises what was found and is not active yet, refreshes what is, and clears what has
// not been found for ClearAfter. The caller holds a.mu.
func (a *Advisor) track(now time.Time, found []metrics.Finding) (raised, cleared []metrics.Finding) {
	for i := range found {
		f := found[i]
		id := f.ID()
		t := a.active[id]
		if t == nil {
			f.FirstSeen = now
			t = &tracked{}
			a.active[id] = t
			raised = append(raised, f)
		} else {
			f.FirstSeen = t.f.FirstSeen
		}
		f.LastSeen, f.Active = now, true
		t.f, t.lastSeen = f, now
		h := f
		a.history[id] = &h
	}
	for id, t := range a.active {
		if now.Sub(t.lastSeen) >= a.cfg.ClearAfter {
			delete(a.active, id)
			a.history[id].Active = false
			cleared = append(cleared, *a.history[id])
		}
	}
	sortFindings(raised)
	sortFindings(cleared)
	return raised, cleared
}

// Active returns the findings in force, most severe first.
func (a *Advisor) Active() []metrics.Finding {
	a.mu.Lock()
	defer a.mu.Unlock()
	out := make([]metrics.Finding, 0, len(a.active))
	for _, t := range a.active {
		out = append(out, t.f)
	}
	sortFindings(out)
	return out
}

// History returns every finding raised so far with its latest figures (Active false once
// cleared), most severe first: what a report keeps.
func (a *Advisor) History() []metrics.Finding {
	a.mu.Lock()
	defer a.mu.Unlock()
	out := make([]metrics.Finding, 0, len(a.history))
	for _, f := range a.history {
		out = append(out, *f)
	}
	sortFindings(out)
	return out
}

// Severities, from the least to the most severe.
const (
	Info     = "info"
	Warning  = "warning"
	Critical = "critical"
)

func severityRank(s string) int {
	switch s {
	case Critical:
		return 2
	case Warning:
		return 1
	}
	return 0
}

// sortFindings orders findings most severe first, then active before cleared, then by rule and
// what they are about, so a list reads the same at every refresh.
func sortFindings(fs []metrics.Finding) {
	sort.Slice(fs, func(i, j int) bool {
		a, b := &fs[i], &fs[j]
		if ra, rb := severityRank(a.Severity), severityRank(b.Severity); ra != rb {
			return ra > rb
		}
		if a.Active != b.Active {
			return a.Active
		}
		return a.ID() < b.ID()
	})
}
