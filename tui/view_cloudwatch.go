package tui

import (
	"strings"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/shardstorm/shardstorm/metrics"
	"github.com/shardstorm/shardstorm/metrics/cloudwatch"
)

// cloudWatchView puts the stream's CloudWatch metrics beside the producer's own figures for the
// same quantities, with the age of CloudWatch's latest point: the two views of one truth, and
// how far behind the service's lags.
type cloudWatchView struct {
	noKeys
	w, h int
	out  string
	cols []float64
}

func newCloudWatchView() *cloudWatchView { return &cloudWatchView{} }

func (v *cloudWatchView) SetSize(w, h int)                  { v.w, v.h = w, h }
func (v *cloudWatchView) View() string                      { return v.out }
func (v *cloudWatchView) update(tea.KeyMsg) (tea.Cmd, bool) { return nil, false }

// cwPair is a CloudWatch metric and the producer series that measures the same thing.
type cwPair struct {
	label string
	cw    cloudwatch.Metric
	rate  bool // a Sum per period: shown per second
	prod  metrics.Metric
	fmt   func(float64) string
}

var cwPairs = []cwPair{
	{"records in", cloudwatch.Metric{Name: "IncomingRecords", Stat: cloudwatch.Sum}, true, metrics.PutRecords, fmtNum},
	{"bytes in", cloudwatch.Metric{Name: "IncomingBytes", Stat: cloudwatch.Sum}, true, metrics.PutBytes, fmtBytes},
	{"throttled", cloudwatch.Metric{Name: "WriteProvisionedThroughputExceeded", Stat: cloudwatch.Sum}, true, metrics.ThrottledRecords, fmtNum},
	{"PutRecords ok", cloudwatch.Metric{Name: "PutRecords.SuccessfulRecords", Stat: cloudwatch.Sum}, true, metrics.PutRecords, fmtNum},
	{"latency avg", cloudwatch.Metric{Name: "PutRecords.Latency", Stat: cloudwatch.Average}, false, metrics.RequestP50, fmtMs},
	{"latency max", cloudwatch.Metric{Name: "PutRecords.Latency", Stat: cloudwatch.Maximum}, false, metrics.RequestMax, fmtMs},
}

func (v *cloudWatchView) refresh(e *env) {
	st := e.st
	var b strings.Builder
	p := e.src.CloudWatch()
	if p == nil {
		b.WriteString(st.Title.Render("CloudWatch") + "  " + st.Muted.Render("○ Disabled") + "\n\n")
		b.WriteString("CloudWatch is not being polled in this run, so only the producer's own figures are shown\n")
		b.WriteString("(Overview and Shards views).")
		v.out = b.String()
		return
	}
	snap := p.Snapshot()
	period := snap.Period
	if period <= 0 {
		period = time.Minute
	}
	b.WriteString(st.Title.Render("CloudWatch") + " " + cwStateLine(st, snap.State, e.now) +
		st.Muted.Render(" · period "+fmtDur(period)+" · AWS/Kinesis "+snap.StreamName) + "\n")
	if msg := snap.State.Err; msg != "" {
		for _, l := range wrap(msg, v.w-4) {
			b.WriteString("  " + st.Error.Render(l) + "\n")
		}
		switch snap.State.Status {
		case cloudwatch.AccessDenied:
			b.WriteString(st.Muted.Render("  Grant cloudwatch:GetMetricData (and kinesis:DescribeStreamSummary) to see the service's figures.") + "\n")
		case cloudwatch.Unavailable:
			b.WriteString(st.Muted.Render("  Retrying with backoff.") + "\n")
		}
	}
	if snap.State.Status == cloudwatch.Pending && len(snap.Latest) == 0 {
		b.WriteString(st.Muted.Render("Waiting for the first poll…") + "\n")
	}

	// The pairs, each with a sparkline of both sides over the same window.
	spark := max((v.w-14-10-8-10-8)/2, 4)
	hdr := padRight("", 14) + padLeft("CloudWatch", 10) + padLeft("age", 8) + "  " + padRight("", spark) +
		padLeft("producer", 10) + "  " + padRight("", spark)
	b.WriteString(st.Label.Render(hdr) + "\n")
	from := e.now.Add(-e.window)
	for _, pr := range cwPairs {
		cwVal, age := nan, dash
		if l, ok := p.Latest(pr.cw); ok {
			cwVal = l.Value
			if pr.rate {
				cwVal /= period.Seconds()
			}
			age = fmtDur(l.Age)
		}
		hist := p.History(pr.cw)
		pts := make([]metrics.Point, 0, len(hist))
		for _, h := range hist {
			val := h.Value
			if pr.rate {
				val /= period.Seconds()
			}
			pts = append(pts, metrics.Point{T: h.Time, V: val})
		}
		// CloudWatch points are a period old at best: widen their window by one period so a
		// 60 s series is not empty in a 30 s chart.
		v.cols = bucketMax(v.cols, pts, from.Add(-period), e.now, spark)
		cwSpark := sparkline(v.cols, 0)
		prodVal := nan
		if e.snap != nil {
			prodVal = e.snap.Stream.Get(pr.prod)
		}
		v.cols = bucketMax(v.cols, e.series(pr.prod.String(), ""), from, e.now, spark)
		b.WriteString(padRight(pr.label, 14) + st.Value.Render(padLeft(pr.fmt(cwVal), 10)) + st.Muted.Render(padLeft(age, 8)) +
			"  " + st.Info.Render(cwSpark) + st.Value.Render(padLeft(pr.fmt(prodVal), 10)) + "  " + st.OK.Render(sparkline(v.cols, 0)) + "\n")
	}
	b.WriteString(st.Muted.Render("producer side: "+metrics.PutRecords.String()+", "+metrics.PutBytes.String()+", "+
		metrics.ThrottledRecords.String()+", "+metrics.RequestP50.String()+"/"+metrics.RequestMax.String()+" (rates per second)") + "\n")

	// Shard level, while enhanced monitoring is on.
	if len(snap.ShardLevelMetrics) == 0 {
		b.WriteString(st.Muted.Render("Shard-level metrics: off (enhanced monitoring is not enabled on the stream)."))
		v.out = b.String()
		return
	}
	b.WriteString(st.Title.Render("Shard level") + st.Muted.Render(" (enhanced monitoring) — CloudWatch | producer, per second") + "\n")
	b.WriteString(st.Label.Render(padRight("shard", 8)+padLeft("records", 10)+padLeft("prod", 8)+padLeft("bytes", 10)+padLeft("prod", 10)+padLeft("throttled", 11)+padLeft("prod", 8)+padLeft("age", 8)) + "\n")
	// Only the rows that fit are drawn: at thousands of shards, formatting (and looking up the
	// producer's figures of) rows below the screen cost a frame many times over. The points
	// come sorted by shard, so the shards are counted without a map of them all.
	room := max(v.h-strings.Count(b.String(), "\n"), 1)
	byShard := map[string]map[string]cloudwatch.Latest{}
	var order []string
	shards, last := 0, ""
	for _, l := range snap.Latest {
		if l.ShardID == "" {
			continue
		}
		if l.ShardID != last {
			last = l.ShardID
			shards++
			if len(order) < room {
				order = append(order, l.ShardID)
				byShard[l.ShardID] = map[string]cloudwatch.Latest{}
			}
		}
		if m := byShard[l.ShardID]; m != nil {
			m[l.Name] = l
		}
	}
	more := 0
	if shards > room {
		order = order[:room-1] // the last line says how many more
		more = shards - len(order)
	}
	for _, id := range order {
		m := byShard[id]
		get := func(name string) (float64, time.Duration) {
			if l, ok := m[name]; ok {
				return l.Value / period.Seconds(), l.Age
			}
			return nan, -1
		}
		rec, age := get("IncomingRecords")
		byt, _ := get("IncomingBytes")
		thr, _ := get("WriteProvisionedThroughputExceeded")
		pr, pb, pt := nan, nan, nan
		if e.snap != nil {
			if sv := e.snap.Shard(id); sv != nil {
				pr, pb, pt = sv.Get(metrics.PutRecords), sv.Get(metrics.PutBytes), sv.Get(metrics.ThrottledRecords)
			}
		}
		ageS := dash
		if age >= 0 {
			ageS = fmtDur(age)
		}
		b.WriteString(padRight(shortShard(id), 8) + padLeft(fmtNum(rec), 10) + padLeft(fmtNum(pr), 8) + padLeft(fmtBytes(byt), 10) +
			padLeft(fmtBytes(pb), 10) + padLeft(fmtNum(thr), 11) + padLeft(fmtNum(pt), 8) + st.Muted.Render(padLeft(ageS, 8)) + "\n")
	}
	if more > 0 {
		b.WriteString(st.Muted.Render("… " + fmtNum(float64(more)) + " more shards (the Shards view has them all)"))
	}
	if len(order) == 0 {
		b.WriteString(st.Muted.Render("no shard-level points yet"))
	}
	v.out = b.String()
}

// cwStateLine is the link's status with a glyph (never colour alone) and its timing.
func cwStateLine(st *theme, s cloudwatch.State, now time.Time) string {
	var out string
	switch s.Status {
	case cloudwatch.OK:
		out = st.OK.Render("● OK")
	case cloudwatch.Degraded:
		out = st.Warn.Render("◐ Degraded")
	case cloudwatch.Unavailable:
		out = st.Bad.Render("✖ Unavailable")
	case cloudwatch.AccessDenied:
		out = st.Bad.Render("✖ AccessDenied")
		if s.Code != "" && s.Code != "AccessDenied" {
			out += st.Bad.Render(" (" + s.Code + ")")
		}
	case cloudwatch.Pending:
		out = st.Muted.Render("○ Pending")
	default:
		out = st.Muted.Render("○ " + s.Status.String())
	}
	if !s.LastSuccess.IsZero() {
		out += st.Muted.Render(" · last success " + fmtDur(now.Sub(s.LastSuccess)) + " ago")
	}
	if s.Failures > 0 {
		out += st.Muted.Render(" · " + fmtNum(float64(s.Failures)) + " failures")
	}
	return out
}
