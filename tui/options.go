package tui

import (
	"os"
	"time"
)

// ViewID names a view.
type ViewID int

// The views, in tab order (keys 1–6).
const (
	ViewOverview ViewID = iota
	ViewShards
	ViewCloudWatch
	ViewFindings
	ViewSettings
	ViewHeatmap
	numViews
)

var viewNames = [numViews]string{"Overview", "Shards", "CloudWatch", "Findings", "Settings", "Heatmap"}

func (v ViewID) String() string {
	if v < 0 || v >= numViews {
		return "?"
	}
	return viewNames[v]
}

// DefaultFrameInterval is how often the figures are refreshed: the sampler's interval, so every
// sample shows and nothing is drawn twice for nothing.
const DefaultFrameInterval = 250 * time.Millisecond

// MinWidth and MinHeight: below them the dashboard shows a "terminal too small" screen.
const (
	MinWidth  = 80
	MinHeight = 24
)

// Options tune the dashboard. The zero value works.
type Options struct {
	// FrameInterval is the refresh period of the figures (default 250 ms); screen writes are
	// further capped by the renderer.
	FrameInterval time.Duration
	// NoColor draws without colour; the NO_COLOR environment variable (non-empty) does too.
	NoColor bool
	// View is the view shown first (default ViewOverview).
	View ViewID
	// Now is the clock (default time.Now); tests fix it for deterministic frames.
	Now func() time.Time
}

func (o Options) withDefaults() Options {
	if o.FrameInterval <= 0 {
		o.FrameInterval = DefaultFrameInterval
	}
	if os.Getenv("NO_COLOR") != "" {
		o.NoColor = true
	}
	if o.View < 0 || o.View >= numViews {
		o.View = ViewOverview
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	return o
}

// chartWindows are the time windows of the charts, cycled by < and >.
var chartWindows = []time.Duration{30 * time.Second, time.Minute, 2 * time.Minute, 5 * time.Minute, 10 * time.Minute}

const defaultWindowIndex = 1 // 1 minute
