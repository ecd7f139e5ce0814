package tui

import (
	"cmp"
	"math"
	"slices"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/shardstorm/shardstorm/metrics"
)

// shardRow is one line of the shards table, read at refresh.
type shardRow struct {
	id                      string
	share                   float64 // of the hash key space
	recPct, bytePct         float64
	recTok, recCap          float64
	byteTok, byteCap        float64
	buffered, inFlight      float64
	throttled, retries, p99 float64
	topKey                  string
	topShare                float64
}

// A column of the table. drop ranks what goes first when the screen is narrow (0: never).
type shardCol struct {
	title string
	w     int
	drop  int
	less  func(a, b *shardRow) int // nil: not sortable
}

func byNum(f func(r *shardRow) float64) func(a, b *shardRow) int {
	return func(a, b *shardRow) int {
		x, y := f(a), f(b)
		if math.IsNaN(x) {
			x = math.Inf(-1)
		}
		if math.IsNaN(y) {
			y = math.Inf(-1)
		}
		return cmp.Compare(y, x) // largest first: the hot shard on top
	}
}

var shardCols = []shardCol{
	{"shard", 6, 0, func(a, b *shardRow) int { return cmp.Compare(a.id, b.id) }},
	{"range", 6, 2, byNum(func(r *shardRow) float64 { return r.share })},
	{"rec%", 5, 0, byNum(func(r *shardRow) float64 { return r.recPct })},
	{"KiB%", 5, 0, byNum(func(r *shardRow) float64 { return r.bytePct })},
	{"rec tok", 8, 0, nil},
	{"byte tok", 8, 0, nil},
	{"buffer", 6, 0, byNum(func(r *shardRow) float64 { return r.buffered })},
	{"infl", 6, 3, byNum(func(r *shardRow) float64 { return r.inFlight })},
	{"thr/s", 6, 0, byNum(func(r *shardRow) float64 { return r.throttled })},
	{"rty/s", 6, 1, byNum(func(r *shardRow) float64 { return r.retries })},
	{"p99ms", 6, 4, nil},
}

const (
	topKeyMin = 10 // the top-key column takes the rest of the width, at least this
	colTopKey = -1
)

// shardsView is the per-shard table; enter opens one shard's charts and top keys.
type shardsView struct {
	w, h   int
	rows   []shardRow
	total  int // shards before the filter
	shares map[string]float64
	sortBy int
	cursor int
	// selected is the id of the shard under the cursor: the cursor follows the shard, not the
	// row, when a live sort moves it (enter opens the shard the user chose).
	selected string
	offset   int
	detail   string // shard id whose details are open; "" for the table
	det      *shardDetail
	cols     []int // indexes of shardCols shown at this width
	topW     int
	e        *env
	keys     shardsKeys
	// out is the table as last drawn; stale once the rows, the cursor or the size change. View
	// is called after every message, the figures change once a frame.
	out   string
	stale bool
}

// shardsKeys are the Shards view's keys: move through the table, sort it, open a shard's
// details and come back.
type shardsKeys struct{ up, down, pageUp, pageDown, details, sort, back key.Binding }

func newShardsView(k *KeyMap) *shardsView {
	keys := shardsKeys{up: as(k.Up, "previous shard"), down: as(k.Down, "next shard"), pageUp: k.PageUp, pageDown: k.PageDown,
		details: as(k.Enter, "details"), sort: as(k.Sort, "sort"), back: as(k.Back, "back to all shards")}
	return &shardsView{shares: map[string]float64{}, det: &shardDetail{}, keys: keys}
}

// ShortHelp is the keys of the table, or the way back from a shard's details.
func (v *shardsView) ShortHelp() []key.Binding {
	if v.detail != "" {
		return []key.Binding{v.keys.back}
	}
	return []key.Binding{v.keys.details, v.keys.sort}
}

func (v *shardsView) FullHelp() [][]key.Binding {
	if v.detail != "" {
		return [][]key.Binding{{v.keys.back}}
	}
	k := v.keys
	return [][]key.Binding{{k.up, k.down, k.pageUp, k.pageDown, k.details, k.sort}}
}

func (v *shardsView) SetSize(w, h int) {
	v.w, v.h, v.stale = w, h, true
	v.det.SetSize(w, h)
	// Drop the lowest-ranked columns until the rest fit beside a usable top-key column.
	v.cols = v.cols[:0]
	for i := range shardCols {
		v.cols = append(v.cols, i)
	}
	for {
		used := 2 // the cursor marker
		for _, i := range v.cols {
			used += shardCols[i].w + 1
		}
		if used+topKeyMin <= w {
			v.topW = w - used
			return
		}
		worst, at := 0, -1
		for j, i := range v.cols {
			if shardCols[i].drop > worst {
				worst, at = shardCols[i].drop, j
			}
		}
		if at < 0 {
			v.topW = max(w-used, 0)
			return
		}
		v.cols = slices.Delete(v.cols, at, at+1)
	}
}

func (v *shardsView) refresh(e *env) {
	v.e, v.stale = e, true
	if v.detail != "" {
		v.det.refresh(e, v.detail, v.shares[v.detail])
		return
	}
	v.rows = v.rows[:0]
	v.total = 0
	if e.snap == nil {
		return
	}
	for i := range e.snap.Shards {
		sv := &e.snap.Shards[i]
		v.total++
		if e.filter != "" && !strings.Contains(sv.ShardID, e.filter) {
			continue
		}
		r := shardRow{
			id: sv.ShardID, share: v.share(e, sv.ShardID),
			recPct: sv.Get(metrics.PutRecordsPct), bytePct: sv.Get(metrics.PutBytesPct),
			recTok: sv.Get(metrics.RecordTokens), recCap: sv.Get(metrics.RecordCapacity),
			byteTok: sv.Get(metrics.ByteTokens), byteCap: sv.Get(metrics.ByteCapacity),
			buffered: sv.Get(metrics.BufferedRecords), inFlight: sv.Get(metrics.InFlightRecords),
			throttled: sv.Get(metrics.ThrottledRecords), retries: sv.Get(metrics.Retries),
			// Latency exists per stream only today; a per-shard p99 shows when the store has one.
			p99: sv.Get(metrics.EndToEndP99),
		}
		v.rows = append(v.rows, r)
	}
	if less := shardCols[v.sortBy].less; less != nil {
		slices.SortStableFunc(v.rows, func(a, b shardRow) int {
			if c := less(&a, &b); c != 0 {
				return c
			}
			return cmp.Compare(a.id, b.id)
		})
	}
	v.follow()
}

// follow puts the cursor back on the selected shard after the rows were rebuilt; when that
// shard is gone (filtered out, closed by a reshard) the cursor stays where it was and selects
// the shard now there.
func (v *shardsView) follow() {
	if v.selected != "" {
		for i := range v.rows {
			if v.rows[i].id == v.selected {
				v.cursor = i
				return
			}
		}
	}
	v.select_(v.cursor)
}

// select_ moves the cursor to row i (clamped) and remembers its shard.
func (v *shardsView) select_(i int) {
	v.cursor = min(max(i, 0), max(len(v.rows)-1, 0))
	v.selected = ""
	if v.cursor < len(v.rows) {
		v.selected = v.rows[v.cursor].id
	}
}

// share is a shard's hash-range share, from the producer's map in the snapshot, cached by id
// (a shard's range never changes; a reshard makes new ids). A miss fills the cache from the
// whole map in one pass: one lookup per shard, not a scan of the map per shard (which cost
// 10,000 shards a quarter of a second a frame).
func (v *shardsView) share(e *env, id string) float64 {
	if s, ok := v.shares[id]; ok {
		return s
	}
	shards := e.snap.Producer.Shards
	if len(v.shares) > 2*len(shards)+64 { // bound the cache across many reshards
		clear(v.shares)
	}
	for _, ps := range shards {
		if _, ok := v.shares[ps.ShardID]; !ok {
			v.shares[ps.ShardID] = rangeShare(ps.StartingHashKey, ps.EndingHashKey)
		}
	}
	s, ok := v.shares[id]
	if !ok {
		s = math.NaN()
		v.shares[id] = s
	}
	return s
}

func (v *shardsView) update(msg tea.KeyMsg) (tea.Cmd, bool) {
	k := v.keys
	v.stale = true
	if v.detail != "" {
		if key.Matches(msg, k.back) {
			v.detail = ""
			v.refresh(v.e)
			return nil, true
		}
		return nil, false
	}
	page := max(v.h-3, 1)
	switch {
	case key.Matches(msg, k.up):
		v.select_(v.cursor - 1)
	case key.Matches(msg, k.down):
		v.select_(v.cursor + 1)
	case key.Matches(msg, k.pageUp):
		v.select_(v.cursor - page)
	case key.Matches(msg, k.pageDown):
		v.select_(v.cursor + page)
	case key.Matches(msg, k.sort):
		for {
			v.sortBy = (v.sortBy + 1) % len(shardCols)
			if shardCols[v.sortBy].less != nil {
				break
			}
		}
		v.refresh(v.e)
	case key.Matches(msg, k.details):
		if v.cursor < len(v.rows) {
			v.detail = v.rows[v.cursor].id
			v.det.refresh(v.e, v.detail, v.shares[v.detail])
		}
	default:
		return nil, false
	}
	return nil, true
}

func (v *shardsView) View() string {
	if v.detail != "" {
		return v.det.View()
	}
	if v.e == nil || v.e.snap == nil {
		return "Waiting for the first sample…"
	}
	if v.stale {
		v.out, v.stale = v.table(), false
	}
	return v.out
}

// table draws the visible rows of the table.
func (v *shardsView) table() string {
	st := v.e.st
	var b strings.Builder
	title := st.Title.Render("Shards") + st.Muted.Render(" "+fmtNum(float64(len(v.rows)))+" of "+fmtNum(float64(v.total))+
		" · sorted by "+shardCols[v.sortBy].title+" (o) · ↑↓ enter: details · / filter · limits 1000 rec/s, 1 MiB/s")
	if note := notThisProducer(v.e.snap); note != "" {
		title += st.Muted.Render(" · tok — " + note)
	}
	b.WriteString(title + "\n")
	// Header.
	b.WriteString("  ")
	for _, i := range v.cols {
		t := shardCols[i].title
		if i == v.sortBy {
			t += "▼"
		}
		if i == 0 {
			b.WriteString(st.Label.Render(padRight(t, shardCols[i].w)) + " ")
		} else {
			b.WriteString(st.Label.Render(padLeft(t, shardCols[i].w)) + " ")
		}
	}
	b.WriteString(st.Label.Render(padRight("top key (share of shard)", v.topW)))
	rowsH := max(v.h-2, 0)
	if v.cursor < v.offset {
		v.offset = v.cursor
	}
	if v.cursor >= v.offset+rowsH {
		v.offset = v.cursor - rowsH + 1
	}
	v.offset = min(v.offset, max(len(v.rows)-rowsH, 0))
	// Only the visible rows are formatted (and their top keys looked up): the table costs the
	// same at 10,000 shards as at 64.
	hk := v.e.src.HotKeys()
	for n := v.offset; n < len(v.rows) && n < v.offset+rowsH; n++ {
		r := &v.rows[n]
		if hk != nil && r.topKey == "" {
			if top, ok := hk.Dominant(r.id); ok { // none when keys are evenly spread
				r.topKey, r.topShare = top.Key, top.RecordShare
			}
		}
		b.WriteByte('\n')
		b.WriteString(v.row(r, n == v.cursor))
	}
	if len(v.rows) == 0 {
		b.WriteString("\n" + st.Muted.Render("no shard matches"))
	}
	return b.String()
}

func (v *shardsView) row(r *shardRow, selected bool) string {
	st := v.e.st
	var b strings.Builder
	if selected {
		b.WriteString(st.Selected.Render("▸"))
		b.WriteByte(' ')
	} else {
		b.WriteString("  ")
	}
	for _, i := range v.cols {
		w := shardCols[i].w
		var cell string
		switch i {
		case 0:
			id := shortShard(r.id)
			if selected {
				cell = st.Selected.Render(padRight(id, w))
			} else {
				cell = st.Value.Render(padRight(id, w))
			}
		case 1:
			cell = padLeft(fmtPct(r.share*100), w)
		case 2:
			cell = st.level(r.recPct).Render(padLeft(fmtPct(r.recPct), w))
		case 3:
			cell = st.level(r.bytePct).Render(padLeft(fmtPct(r.bytePct), w))
		case 4, 5:
			switch {
			case notThisProducer(v.e.snap) != "": // a fleet has no token buckets
				cell = st.Muted.Render(padLeft(dash, w))
			case i == 4:
				cell = miniBar(st, r.recTok, r.recCap, w)
			default:
				cell = miniBar(st, r.byteTok, r.byteCap, w)
			}
		case 6:
			cell = padLeft(fmtNum(r.buffered), w)
		case 7:
			cell = padLeft(fmtNum(r.inFlight), w)
		case 8:
			s := padLeft(fmtNum(r.throttled), w)
			if r.throttled > 0 {
				s = st.Bad.Render(s)
			}
			cell = s
		case 9:
			cell = padLeft(fmtNum(r.retries), w)
		case 10:
			cell = padLeft(fmtMs(r.p99), w)
		}
		b.WriteString(cell + " ")
	}
	top := dash
	if r.topKey != "" {
		top = r.topKey + " " + fmtPct(r.topShare*100)
		// Keep the share visible: cut the key, not the number.
		if width(top) > v.topW {
			share := " " + fmtPct(r.topShare*100)
			top = padRight(r.topKey, max(v.topW-width(share), 1)) + share
		}
	}
	b.WriteString(top)
	return b.String()
}

// miniBar is a token bucket in a table cell: a 3-cell bar and the fill percentage.
func miniBar(st *theme, level, capacity float64, w int) string {
	return bar(st, level, capacity, w-5)
}

// shortShard drops the "shardId-" prefix and leading zeros: shardId-000000000012 → 12. The
// filter still matches the full id.
func shortShard(id string) string {
	s := strings.TrimPrefix(id, "shardId-")
	if t := strings.TrimLeft(s, "0"); t != s {
		if t == "" {
			t = "0"
		}
		s = t
	}
	return s
}
