package tui

import (
	"math"
	"strings"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/shardstorm/shardstorm/metrics"
)

// overview is the stream at a glance: throughput against capacity, the shard heat strip,
// latency percentiles, retries and throttles.
type overview struct {
	noKeys
	w, h int
	out  string // drawn at refresh: View is called far more often than figures change
	cols []float64
}

func newOverview() *overview { return &overview{} }

func (o *overview) SetSize(w, h int)                  { o.w, o.h = w, h }
func (o *overview) View() string                      { return o.out }
func (o *overview) update(tea.KeyMsg) (tea.Cmd, bool) { return nil, false }

// Fixed parts of the layout, in lines: chart title, legend, heat title, latency table (header +
// 3 rows), retries (2).
const overviewFixed = 1 + 1 + 1 + 4 + 2

func (o *overview) refresh(e *env) {
	if o.w <= 0 || o.h <= 0 {
		return
	}
	st := e.st
	if e.snap == nil {
		o.out = st.Muted.Render("Waiting for the first sample…")
		return
	}
	v := &e.snap.Stream
	shards := len(e.snap.Shards)
	heatCell := 6
	perLine := max(1, (o.w-2)/heatCell)
	heatLines := max(1, (shards+perLine-1)/perLine)
	fleet := fleetLine(e) // a fleet of simple clients: one more line, its clients
	fixed := overviewFixed
	if fleet != "" {
		fixed++
	}
	chartH := o.h - fixed - heatLines
	if chartH < 4 { // keep the chart readable; the heat strip gives way (it says how many are hidden)
		heatLines = max(1, heatLines-(4-chartH))
		chartH = o.h - fixed - heatLines
	}

	var b strings.Builder
	// Throughput against capacity, in bytes: with aggregation, the byte limit is the one that
	// binds, and user records (offered) and Kinesis records (put) are not the same unit; bytes are.
	capBytes := float64(shards) * metrics.ShardBytesPerSec
	offered := e.seriesCopy(metrics.OfferedBytes.String(), "")
	put := e.seriesCopy(metrics.PutBytes.String(), "")
	thr := e.seriesCopy(metrics.ThrottledBytes.String(), "")
	top, capShown := throughputScale(maxOf(offered, put, thr), capBytes)
	capNote := " · capacity " + fmtBytes(capBytes) + "/s (" + fmtNum(float64(shards)) + " shards × 1 MiB/s)"
	ref := capBytes
	if !capShown {
		capNote += " ↑ off scale"
		ref = 0
	}
	b.WriteString(st.Title.Render("Throughput") + st.Muted.Render(" bytes/s, last "+fmtWindow(e.window)+capNote) + "\n")
	labelW := axisWidth(fmtBytes, top, ref)
	c := newBrailleChart(max(o.w-labelW, 1), max(chartH, 1), e.now.Add(-e.window), e.now, top)
	refRow := -1
	if ref > 0 {
		refRow = c.refLine(ref, 3)
	}
	c.line(offered, 0)
	c.line(put, 1)
	c.line(thr, 2)
	b.WriteString(chartBlock(st, c, labelW, ref, refRow, fmtBytes) + "\n")
	capValue := fmtBytes(capBytes) + "/s"
	if !capShown {
		capValue += " ↑" // above the chart's top
	}
	b.WriteString(legend(st, []legendItem{
		{0, "offered", fmtBytes(v.Get(metrics.OfferedBytes)) + "/s"},
		{1, "put", fmtBytes(v.Get(metrics.PutBytes)) + "/s " + fmtPct(v.Get(metrics.PutBytesPct))},
		{2, "throttled", fmtBytes(v.Get(metrics.ThrottledBytes)) + "/s"},
		{3, "cap", capValue}, // "capacity" is spelt out in the title; 80 columns are tight
	}) + "\n")
	if fleet != "" {
		b.WriteString(fitLine(fleet, o.w) + "\n")
	}

	// Heat strip.
	b.WriteString(st.Title.Render("Shards") + st.Muted.Render(" % of limit (max of records, bytes) — ▁ low … █ ≥100%, ! over") + "\n")
	b.WriteString(heatStrip(st, e.snap.Shards, perLine, heatLines, heatCell) + "\n")

	// Latency.
	b.WriteString(st.Label.Render(padRight("latency ms", 14)+padLeft("p50", 8)+padLeft("p90", 8)+padLeft("p99", 8)+padLeft("max", 8)) + "  " + st.Muted.Render("p99 over the window") + "\n")
	spark := max(0, o.w-14-32-2)
	endToEnd := "end to end"
	if fleet != "" {
		endToEnd = "app waits" // a fleet's end to end is from the put call to its result
	}
	for _, row := range []struct {
		name string
		m    [4]metrics.Metric
	}{
		{endToEnd, [4]metrics.Metric{metrics.EndToEndP50, metrics.EndToEndP90, metrics.EndToEndP99, metrics.EndToEndMax}},
		{"request", [4]metrics.Metric{metrics.RequestP50, metrics.RequestP90, metrics.RequestP99, metrics.RequestMax}},
		{"buffering", [4]metrics.Metric{metrics.BufferingP50, metrics.BufferingP90, metrics.BufferingP99, metrics.BufferingMax}},
	} {
		b.WriteString(padRight(row.name, 14))
		for _, m := range row.m {
			b.WriteString(st.Value.Render(padLeft(fmtMs(v.Get(m)), 8)))
		}
		o.cols = bucketMax(o.cols, e.series(row.m[2].String(), ""), e.now.Add(-e.window), e.now, spark)
		b.WriteString("  " + st.Info.Render(sparkline(o.cols, 0)) + "\n")
	}

	// Retries, throttles, failures.
	retries := v.Get(metrics.Retries)
	b.WriteString(st.Label.Render("retries ") + st.Value.Render(fmtNum(retries)+"/s") +
		st.Label.Render("  throttled ") + st.level(v.Get(metrics.ThrottledFraction)*1000).Render(fmtNum(v.Get(metrics.ThrottledRecords))+"/s ("+fmtPct(v.Get(metrics.ThrottledFraction)*100)+")") +
		st.Label.Render("  failed ") + st.Value.Render(fmtNum(v.Get(metrics.Failed))+"/s") +
		st.Label.Render("  expired ") + st.Value.Render(fmtNum(v.Get(metrics.Expired))+"/s") +
		st.Label.Render("  buffered ") + st.Value.Render(fmtNum(v.Get(metrics.BufferedRecords))) +
		st.Label.Render("  in flight ") + st.Value.Render(fmtNum(v.Get(metrics.InFlightRecords))) + "\n")
	b.WriteString(st.Label.Render("errors/s ") + errorList(v.Errors))
	o.out = b.String()
}

type legendItem struct {
	series      int
	name, value string
}

// legend names each chart series with its glyph and current value, so lines are told apart
// without colour too.
func legend(st *theme, items []legendItem) string {
	var parts []string
	for _, it := range items {
		parts = append(parts, st.seriesMark(it.series)+" "+st.Label.Render(it.name+" ")+st.Value.Render(it.value))
	}
	return strings.Join(parts, "  ")
}

// heatStrip is one cell per shard: a glyph for the level, the percentage, and colour.
func heatStrip(st *theme, shards []metrics.ShardValues, perLine, lines, cell int) string {
	var b strings.Builder
	shown := min(len(shards), perLine*lines)
	for i := range shown {
		if i > 0 && i%perLine == 0 {
			b.WriteByte('\n')
		}
		pct := shardLoad(&shards[i].Values)
		b.WriteString(heatCell(st, pct, cell))
	}
	if hidden := len(shards) - shown; hidden > 0 {
		b.WriteString(st.Muted.Render(" +" + fmtNum(float64(hidden)) + " more (Shards view)"))
	}
	if len(shards) == 0 {
		b.WriteString(st.Muted.Render("no open shards"))
	}
	return b.String()
}

// shardLoad is a shard's % of its limit: the larger of records and bytes.
func shardLoad(v *metrics.Values) float64 {
	r, by := v.Get(metrics.PutRecordsPct), v.Get(metrics.PutBytesPct)
	switch {
	case math.IsNaN(r):
		return by
	case math.IsNaN(by):
		return r
	}
	return max(r, by)
}

func heatCell(st *theme, pct float64, cell int) string {
	if math.IsNaN(pct) {
		return st.Muted.Render(padRight("·  "+dash, cell))
	}
	g := "!"
	if pct < 100 {
		g = string(sparkGlyphs[min(int(pct/100*float64(len(sparkGlyphs))), len(sparkGlyphs)-1)])
	}
	return st.level(pct).Render(g+padLeft(fmtNum(math.Round(pct)), cell-2)) + " "
}

// errorList formats failed attempts by code, largest first.
func errorList(errs map[string]float64) string {
	if len(errs) == 0 {
		return "none"
	}
	type kv struct {
		k string
		v float64
	}
	var list []kv
	for k, v := range errs {
		list = append(list, kv{k, v})
	}
	// Small map: insertion sort keeps it allocation-light and deterministic.
	for i := 1; i < len(list); i++ {
		for j := i; j > 0 && (list[j].v > list[j-1].v || list[j].v == list[j-1].v && list[j].k < list[j-1].k); j-- {
			list[j], list[j-1] = list[j-1], list[j]
		}
	}
	var parts []string
	for _, e := range list {
		parts = append(parts, e.k+" "+fmtNum(e.v))
	}
	return strings.Join(parts, " · ")
}

// throughputScale is the throughput chart's top, and whether the capacity line is on it. The
// chart scales to the data when the data is far below capacity (under a third of it): a large
// stream at 2 % would otherwise be a flat line at the bottom. The capacity is then stated, not
// drawn. With no data yet the capacity sets the scale.
func throughputScale(dataMax, capacity float64) (top float64, capShown bool) {
	if capacity > 0 && dataMax > 0 && dataMax < capacity/3 {
		return niceTop(dataMax * 1.1), false
	}
	return niceTop(max(dataMax, capacity) * 1.05), capacity > 0
}
