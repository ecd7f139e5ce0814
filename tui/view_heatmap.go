package tui

import (
	"cmp"
	"slices"
	"time"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/shardstorm/shardstorm/metrics"
)

// heatmapView shows hotspots forming, moving and dissolving: shards as rows in hash-range order,
// the seconds of the chart window as columns, each cell the shard's % of its binding limit in that
// second (throttled seconds marked), the hot key's shard lit. With more shards than rows, each
// row is a bin of neighbouring shards showing their max; enter (or z) narrows to a bin, esc
// widens back, and enter on one shard opens its details.
type heatmapView struct {
	w, h    int
	noColor bool
	e       *env
	keys    heatmapKeys

	shards []metrics.ShardValues // the latest snapshot's (immutable), hash-range order
	zoom   []shardSpan           // narrowed ranges, innermost last; none: every shard
	rows   []heatmapRow          // the rows on screen
	spans  []shardSpan
	cursor int
	hot    hotShard
	hotRow int    // the row holding the hot key's shard; -1: none on screen
	detail string // shard id whose details are open; "" for the map
	det    *shardDetail

	cols int                // cells per row
	secs []metrics.HeatCell // one shard's seconds of the window
	// binSecs are a row's seconds, the max over its shards.
	binSecs []metrics.HeatCell
	pos     map[string][2]float64 // hash-range ends by shard id, 0…1 (a shard's range never changes)
	style   heatStyles
}

// heatmapRow is one row: a shard or a bin of shards, its cells over the window and its latest
// second.
type heatmapRow struct {
	span   shardSpan
	cells  []metrics.HeatCell
	latest metrics.HeatCell
}

// hotShard is the shard the hot key lands on, and the key.
type hotShard struct{ id, key string }

type heatmapKeys struct{ up, down, enter, zoom, back, backToMap key.Binding }

func newHeatmapView(k *KeyMap, noColor bool) *heatmapView {
	keys := heatmapKeys{
		up: as(k.Up, "previous row"), down: as(k.Down, "next row"),
		enter: as(k.Enter, "zoom in / details"),
		zoom:  key.NewBinding(key.WithKeys("z"), key.WithHelp("z", "zoom into the bin")),
		back:  key.NewBinding(key.WithKeys("esc", "backspace"), key.WithHelp("esc", "zoom out")),
	}
	keys.backToMap = as(keys.back, "back to the heatmap")
	return &heatmapView{noColor: noColor, keys: keys, det: &shardDetail{}, pos: map[string][2]float64{}}
}

func (v *heatmapView) ShortHelp() []key.Binding {
	if v.detail != "" {
		return []key.Binding{v.keys.backToMap}
	}
	if len(v.zoom) > 0 {
		return []key.Binding{v.keys.enter, v.keys.back}
	}
	return []key.Binding{v.keys.enter}
}

func (v *heatmapView) FullHelp() [][]key.Binding {
	if v.detail != "" {
		return [][]key.Binding{{v.keys.backToMap}}
	}
	k := v.keys
	return [][]key.Binding{{k.up, k.down, k.enter, k.zoom, k.back}}
}

// Layout: title, the rows, the time axis and the legend; each row is the cursor marker, the
// label, the cells and the latest second's figure.
const (
	heatFixedLines = 3
	heatMarkerW    = 2
	heatGutterW    = 6
)

func (v *heatmapView) labelW() int {
	if v.w >= 120 {
		return 20
	}
	return 16
}

func (v *heatmapView) SetSize(w, h int) {
	v.w, v.h = w, h
	v.det.SetSize(w, h)
	v.cols = max(w-heatMarkerW-v.labelW()-1-1-heatGutterW, 1)
}

// rowSlots is how many rows the body holds.
func (v *heatmapView) rowSlots() int { return max(v.h-heatFixedLines, 1) }

// span is the range of shards shown: the innermost zoom, clamped to the shards there are now.
func (v *heatmapView) span() shardSpan {
	s := shardSpan{0, len(v.shards)}
	if n := len(v.zoom); n > 0 {
		z := v.zoom[n-1]
		s = shardSpan{min(z.lo, s.hi), min(z.hi, s.hi)}
	}
	return s
}

func (v *heatmapView) refresh(e *env) {
	v.e = e
	if v.detail != "" {
		v.det.refresh(e, v.detail, v.share(v.detail))
		return
	}
	v.shards = nil
	if e.snap != nil {
		v.shards = e.snap.Shards
	}
	v.spans = bins(v.spans, v.span(), v.rowSlots())
	seconds := max(int(e.window/time.Second), 1)
	to := metrics.HeatSecondOf(e.now)
	from := to.Add(-time.Duration(seconds-1) * time.Second)
	store := e.src.Store()
	for len(v.rows) < len(v.spans) {
		v.rows = append(v.rows, heatmapRow{})
	}
	v.rows = v.rows[:len(v.spans)]
	for i, sp := range v.spans {
		r := &v.rows[i]
		r.span = sp
		r.cells = slices.Grow(r.cells[:0], v.cols)[:v.cols]
		for c := range r.cells {
			r.cells[c] = metrics.NoHeat
		}
		// The bin's seconds first (each the max over its shards), then its columns: a pass over
		// each shard's seconds, however many columns.
		v.binSecs = slices.Grow(v.binSecs[:0], seconds)[:seconds]
		for s := range v.binSecs {
			v.binSecs[s] = metrics.NoHeat
		}
		for j := sp.lo; j < sp.hi; j++ {
			v.secs = store.AppendHeatRow(v.secs[:0], v.shards[j].ShardID, from, seconds)
			for s, c := range v.secs {
				v.binSecs[s] = v.binSecs[s].Max(c)
			}
		}
		foldColumns(r.cells, v.binSecs)
		r.latest = v.binSecs[seconds-1]
	}
	v.cursor = min(max(v.cursor, 0), max(len(v.rows)-1, 0))
	v.hot = findHotShard(e, v.shards)
	v.hotRow = -1
	for j := range v.shards {
		if v.hot.id != "" && v.shards[j].ShardID == v.hot.id {
			for i, r := range v.rows {
				if r.span.lo <= j && j < r.span.hi {
					v.hotRow = i
				}
			}
			break
		}
	}
}

// hotCandidates is how many of the most loaded shards are asked for a dominant key: the hot key's
// shard is among them, and asking all of thousands would cost a merge of sketches each per frame.
const hotCandidates = 8

// hotKeyShare is the share of a shard's records a key must carry to be its hot key (the
// advisor's hot-shard rule names a key from the same share).
const hotKeyShare = 0.2

// findHotShard is the shard the hot-key tracker sees the heaviest dominant key on, among the most
// loaded shards of the latest sample.
func findHotShard(e *env, shards []metrics.ShardValues) hotShard {
	hk := e.src.HotKeys()
	if hk == nil || len(shards) == 0 {
		return hotShard{}
	}
	type load struct {
		i   int
		pct float64
	}
	top := make([]load, 0, hotCandidates+1)
	for i := range shards {
		p := shardLoad(&shards[i].Values)
		if p != p { // NaN
			continue
		}
		if len(top) == hotCandidates && p <= top[len(top)-1].pct {
			continue
		}
		at, _ := slices.BinarySearchFunc(top, p, func(l load, p float64) int { return cmp.Compare(p, l.pct) })
		top = slices.Insert(top, at, load{i, p})
		if len(top) > hotCandidates {
			top = top[:hotCandidates]
		}
	}
	var best hotShard
	var bestRecords int64
	for _, l := range top {
		id := shards[l.i].ShardID
		if kc, ok := hk.Dominant(id); ok && kc.RecordShare >= hotKeyShare && kc.Records > bestRecords {
			best, bestRecords = hotShard{id: id, key: kc.Key}, kc.Records
		}
	}
	return best
}

// position is a shard's hash range as parts of the key space, cached by id.
func (v *heatmapView) position(sv *metrics.ShardValues) [2]float64 {
	if p, ok := v.pos[sv.ShardID]; ok {
		return p
	}
	p := [2]float64{keyPosition(sv.StartingHashKey), keyPosition(sv.EndingHashKey)}
	if len(v.pos) > 4*4096 { // bound the cache across many reshards
		clear(v.pos)
	}
	v.pos[sv.ShardID] = p
	return p
}

// share is a shard's part of the key space, for its details.
func (v *heatmapView) share(id string) float64 {
	for i := range v.shards {
		if v.shards[i].ShardID == id {
			p := v.position(&v.shards[i])
			return p[1] - p[0]
		}
	}
	return nan
}

func (v *heatmapView) update(msg tea.KeyMsg) (tea.Cmd, bool) {
	k := v.keys
	if v.detail != "" {
		if key.Matches(msg, k.backToMap) {
			v.detail = ""
			v.refresh(v.e)
			return nil, true
		}
		return nil, false
	}
	switch {
	case key.Matches(msg, k.up):
		v.cursor--
	case key.Matches(msg, k.down):
		v.cursor++
	case key.Matches(msg, k.enter), key.Matches(msg, k.zoom):
		if v.cursor >= len(v.rows) || v.e == nil {
			return nil, true
		}
		sp := v.rows[v.cursor].span
		switch {
		case sp.n() > 1:
			v.zoom = append(v.zoom, sp)
			v.cursor = 0
			v.refresh(v.e)
		case key.Matches(msg, k.enter) && sp.n() == 1:
			v.detail = v.shards[sp.lo].ShardID
			v.det.refresh(v.e, v.detail, v.share(v.detail))
		}
	case key.Matches(msg, k.back):
		if len(v.zoom) == 0 {
			return nil, false
		}
		out := v.zoom[len(v.zoom)-1]
		v.zoom = v.zoom[:len(v.zoom)-1]
		v.refresh(v.e)
		// The cursor goes back to the bin that was zoomed into.
		for i, r := range v.rows {
			if r.span.lo <= out.lo && out.lo < r.span.hi {
				v.cursor = i
			}
		}
	default:
		return nil, false
	}
	v.cursor = min(max(v.cursor, 0), max(len(v.rows)-1, 0))
	return nil, true
}
