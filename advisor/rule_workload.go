package advisor

import (
	"fmt"
	"math"

	"github.com/shardstorm/shardstorm/metrics"
)

// workloadBehind: the generator cannot keep its schedule — records dropped because their turn
// passed, or handed over far behind time — while the producer is not what stalls it. Then the
// load generator, not Kinesis or the producer, is the limit, and its figures understate demand.
func workloadBehind(w *window) []metrics.Finding {
	sched := w.mean(metrics.ScheduledRecords)
	if !w.enough() || !(sched > 0) {
		return nil
	}
	behind := nanTo(meanOf(w.samples, func(s *sample) float64 { return s.droppedBehind }), 0)
	full := nanTo(meanOf(w.samples, func(s *sample) float64 { return s.droppedFull }), 0)
	late, lag := nanTo(w.mean(metrics.LateRecords), 0), nanTo(w.mean(metrics.WorkloadLagMs), 0)
	if !(behind >= 0.01*sched || (late >= 0.1*sched && lag >= 200)) {
		return nil
	}
	// A producer that blocks the generator (its buffers full, no records refused instead) holds
	// the schedule back itself: that is backpressure, diagnosed by the rules about the producer.
	pending := nanTo(w.latest().stream.Get(metrics.PendingRecords), 0)
	if full == 0 && pending >= 0.9*float64(w.settings.MaxBufferedRecords) {
		return nil
	}
	emitted := nanTo(w.mean(metrics.OfferedRecords), 0)
	asked := sched
	if target := w.mean(metrics.TargetRate); target > 0 {
		asked = target // the schedule's own figure, not a sampled rate of it
	}
	agents := int(math.Ceil(asked / math.Max(emitted, 1)))
	f := metrics.Finding{
		Rule: "workload-behind", Severity: Warning, Title: "Workload generator cannot keep up",
		Summary: fmt.Sprintf("the workload asks %s records/s but hands over %s: %s records/s dropped behind schedule, %s late, lag %s",
			count(asked), count(emitted), count(behind), count(late), ms(lag)),
		Evidence: map[string]any{"scheduled_records_per_sec": round3(sched), "emitted_records_per_sec": round3(emitted),
			"dropped_behind_per_sec": round3(behind), "late_per_sec": round3(late), "lag_ms": round3(lag), "target_rate": round3(nanTo(w.mean(metrics.TargetRate), 0))},
		Advice: fmt.Sprintf("The generator is the limit here, not Kinesis: lower the rate to about %s records/s, use a cheaper payload (random rather than json or file) or key strategy, or give the process more CPU",
			count(emitted)),
	}
	agents = max(agents, 2)
	switch {
	case !(emitted >= 1):
		// Nothing handed over: no per-generator rate to divide the demand by, so no count.
		f.Advice += "."
		return []metrics.Finding{f}
	case agents <= 64:
		f.Advice += fmt.Sprintf("; or run %d agents against the stream at %s records/s each.", agents, count(asked/float64(agents)))
	default:
		f.Advice += fmt.Sprintf(": this rate would need about %d generators like this one.", agents)
	}
	f.Evidence["agents_needed"] = agents
	return []metrics.Finding{f}
}
