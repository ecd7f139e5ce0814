package tui

import (
	"fmt"
	"strings"

	"github.com/shardstorm/shardstorm/metrics"
)

// shardDetail is one shard's own charts and its top keys (by records and by bytes): why this
// shard is hot.
type shardDetail struct {
	w, h int
	out  string
	cols []float64
}

func (d *shardDetail) SetSize(w, h int) { d.w, d.h = w, h }
func (d *shardDetail) View() string     { return d.out }

const topKeysN = 10

func (d *shardDetail) refresh(e *env, id string, share float64) {
	st := e.st
	var b strings.Builder
	b.WriteString(st.Title.Render("Shard "+id) + st.Muted.Render(" · hash range "+fmtPct(share*100)+" · last "+fmtWindow(e.window)+" · esc back") + "\n")
	var sv *metrics.ShardValues
	if e.snap != nil {
		sv = e.snap.Shard(id)
	}
	if sv == nil {
		b.WriteString(st.Warn.Render("! this shard is no longer in the producer's map (closed by a reshard)") + "\n")
	}

	// % of limit chart: records and bytes against the 100 % line.
	keysH := min(topKeysN+1, max(d.h/3, 3))
	chartH := max(d.h-1-1-1-4-1-keysH, 3)
	rec := e.seriesCopy(metrics.PutRecordsPct.String(), id)
	byt := e.seriesCopy(metrics.PutBytesPct.String(), id)
	top := niceTop(max(maxOf(rec, byt), 100) * 1.05)
	pct := func(v float64) string { return fmtNum(v) + "%" }
	labelW := axisWidth(pct, top, 100)
	c := newBrailleChart(max(d.w-labelW, 1), chartH, e.now.Add(-e.window), e.now, top)
	ref := c.refLine(100, 3)
	c.line(byt, 0)
	c.line(rec, 1)
	b.WriteString(chartBlock(st, c, labelW, 100, ref, pct) + "\n")
	get := func(m metrics.Metric) float64 {
		if sv == nil {
			return nan
		}
		return sv.Get(m)
	}
	b.WriteString(legend(st, []legendItem{
		{1, "records", fmtPct(get(metrics.PutRecordsPct)) + " (" + fmtNum(get(metrics.PutRecords)) + "/s)"},
		{0, "bytes", fmtPct(get(metrics.PutBytesPct)) + " (" + fmtBytes(get(metrics.PutBytes)) + "/s)"},
		{3, "limit", "100%"},
	}) + "\n")

	// Sparklines of what the limiter and the retrier do on this shard.
	sw := max(d.w-34, 1)
	for _, r := range []struct {
		label string
		m     metrics.Metric
		f     func(float64) string
	}{
		{"throttled/s", metrics.ThrottledRecords, fmtNum},
		{"retries/s", metrics.Retries, fmtNum},
		{"buffered", metrics.BufferedRecords, fmtNum},
		{"record tokens", metrics.RecordTokens, fmtNum},
	} {
		if note := notThisProducer(e.snap); note != "" && r.m == metrics.RecordTokens {
			b.WriteString(st.Label.Render(padRight(r.label, 14)) + st.Muted.Render(padLeft(dash, 8)+"  "+note) + "\n")
			continue
		}
		d.cols = bucketMax(d.cols, e.series(r.m.String(), id), e.now.Add(-e.window), e.now, sw)
		b.WriteString(st.Label.Render(padRight(r.label, 14)) + st.Value.Render(padLeft(r.f(get(r.m)), 8)) + "  " +
			st.Info.Render(sparkline(d.cols, 0)) + "\n")
	}

	// Top keys.
	hk := e.src.HotKeys()
	if hk == nil {
		b.WriteString(st.Muted.Render("Hot keys are not tracked in this run."))
		d.out = b.String()
		return
	}
	n := max(keysH-1, 1)
	half := (d.w - 2) / 2
	left := topKeyTable(st, "top keys by records", hk.Top(id, n, false), false, half)
	right := topKeyTable(st, "top keys by bytes", hk.Top(id, n, true), true, d.w-2-half)
	b.WriteString(joinCols(2, []int{half, d.w - 2 - half}, left, right))
	d.out = b.String()
}

func topKeyTable(st *theme, title string, keys []metrics.KeyCount, byBytes bool, w int) string {
	var b strings.Builder
	b.WriteString(st.Label.Render(title))
	if len(keys) == 0 {
		b.WriteString("\n" + st.Muted.Render("no keys in the window"))
	}
	const numW = 16
	for _, k := range keys {
		v := fmt.Sprintf("%s %s", fmtNum(float64(k.Records)), padLeft(fmtPct(k.RecordShare*100), 6))
		if byBytes {
			v = fmt.Sprintf("%s %s", fmtBytes(float64(k.Bytes)), padLeft(fmtPct(k.ByteShare*100), 6))
		}
		b.WriteString("\n" + padRight(k.Key, max(w-numW, 1)) + st.Value.Render(padLeft(v, numW)))
	}
	return b.String()
}
