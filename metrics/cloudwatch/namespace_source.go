package cloudwatch

import (
	"fmt"
	"strings"
	"time"

	"github.com/shardstorm/shardstorm/metrics"
)

// Source names for the two modes, as watch's Sources list shows them.
const (
	KPLSourceName    = "KPL metrics"
	AgentsSourceName = "shardstorm agents"
)

// Source says how reading goes, for watch's Sources list: the status ("reading", "none
// published" with what was looked for, "denied" with the permission refused, "unavailable"),
// the resolution and what the reads cost.
func (r *NamespaceReader) Source() metrics.Source {
	st := r.state.state()
	r.mu.Lock()
	found, discovered, denied := r.found, r.discovered, r.deniedOp
	queries, calls := r.queriesLast, r.callsLast
	r.mu.Unlock()
	if queries == 0 {
		for _, s := range found.series {
			queries += len(s.stats)
		}
		calls = (queries + maxQueriesPerCall - 1) / maxQueriesPerCall
	}

	src := metrics.Source{Name: KPLSourceName, Resolution: periodWords(r.cfg.Period) + " sums and averages",
		Cost: namespaceCost(queries, calls, r.cfg.Interval)}
	if r.cfg.Agents {
		src.Name = AgentsSourceName
	}
	lookedFor := fmt.Sprintf("namespace %q, StreamName=%q", r.cfg.Namespace, r.cfg.StreamName)
	switch {
	case st.Status == AccessDenied:
		op := denied
		if op == "" {
			op = "cloudwatch:ListMetrics or cloudwatch:GetMetricData"
		}
		src.Status, src.Detail = "denied", fmt.Sprintf("%s refused (%s): %s", op, lookedFor, st.Err)
	case st.Status == Unavailable:
		src.Status, src.Detail = "unavailable", fmt.Sprintf("%s: %s", lookedFor, st.Err)
	case st.Status == Pending:
		src.Status, src.Detail = "reading", lookedFor+": first read under way"
	case !discovered.IsZero() && len(found.series) == 0:
		src.Status = "none published"
		if r.cfg.Agents {
			src.Detail = fmt.Sprintf("ListMetrics found no series with an %s dimension in %s (agents publish with `shardstorm run --publish-metrics`)", AgentDimension, lookedFor)
		} else {
			src.Detail = fmt.Sprintf("ListMetrics found no series without an %s dimension in %s (a KPL application at the global granularity publishes no StreamName and cannot be attributed to a stream)", AgentDimension, lookedFor)
		}
	default:
		src.Status = "reading"
		src.Detail = fmt.Sprintf("%s: %d series", lookedFor, len(found.series))
		if r.cfg.Agents {
			src.Detail += fmt.Sprintf(" of %d agents (%s)", len(found.agents), strings.Join(found.agents, ", "))
		}
		if found.other > 0 {
			src.Detail += fmt.Sprintf("; %d series with other dimensions not read", found.other)
		}
		if st.Err != "" {
			src.Detail += "; " + st.Err
		}
	}
	return src
}

// namespaceCost prices the reads as metrics/cloudwatch's Config comment reasons: GetMetricData
// is billed per query (USD 0.01 per 1,000 in us-east-1 at the time of writing); ListMetrics is
// free. Against a local endpoint nothing is billed, but the figure says what AWS would cost.
func namespaceCost(queries, calls int, interval time.Duration) string {
	if interval <= 0 {
		return ""
	}
	perDay := float64(queries) * float64(24*time.Hour) / float64(interval)
	return fmt.Sprintf("%d GetMetricData queries (%d calls) a read every %v: ≈ %.0f queries, ≈ USD %.2f a day on AWS at USD 0.01 per 1,000; ListMetrics is free",
		queries, calls, interval, perDay, perDay*0.01/1000)
}

// periodWords: "1-minute", "1-second", "5-minute".
func periodWords(p time.Duration) string {
	switch {
	case p >= time.Minute && p%time.Minute == 0:
		return fmt.Sprintf("%d-minute", p/time.Minute)
	default:
		return fmt.Sprintf("%d-second", p/time.Second)
	}
}
