package advisor

import (
	"fmt"
	"sort"
	"strings"

	"github.com/shardstorm/shardstorm/metrics"
)

// apiLimit is a control-plane operation's rate limit and how to need it less.
type apiLimit struct {
	perSec float64
	scope  string // "account" or "stream"
	advice string
}

// Control-plane limits (Kinesis Data Streams quotas), shared by every caller in their scope.
var apiLimits = map[string]apiLimit{
	"DescribeStream":        {10, "account", "Call DescribeStreamSummary (20/s per account) for the stream's status and ListShards (1,000/s per stream) for its shards instead, cache the answers, and back off with jitter on LimitExceededException."},
	"DescribeStreamSummary": {20, "account", "Cache the stream's description (it changes only on resharding or an encryption change) and back off with jitter on LimitExceededException."},
	"ListShards":            {1000, "stream", "Refresh shard maps less often (the producer refreshes on evidence of a reshard and every ShardMapRefreshInterval) and back off with jitter."},
	"ListStreams":           {5, "account", "Cache the stream list; look streams up by name or ARN instead of listing them."},
	"CreateStream":          {5, "account", "Create streams once, at deploy time, not per run."},
	"DeleteStream":          {5, "account", "Delete streams at teardown, one at a time."},
	"SplitShard":            {5, "account", "Reshard with one UpdateShardCount rather than many SplitShard calls."},
	"MergeShards":           {5, "account", "Reshard with one UpdateShardCount rather than many MergeShards calls."},
	"UpdateShardCount":      {0, "stream", "UpdateShardCount is limited to 10 calls per rolling 24 hours per stream: size for the peak once."},
	"GetShardIterator":      {5, "shard", "Keep iterators: GetRecords returns the next one."},
}

// apiThrottling: control-plane calls refused with LimitExceededException. The limits are shared
// by the account (or stream), so say which API, its limit, who here calls it and how often —
// and, when this process alone stays under the limit, that someone else uses the rest.
func apiThrottling(_ *window, in *Input) []metrics.Finding {
	byOp := map[string][]metrics.APICallCount{}
	for _, c := range in.APICalls {
		byOp[c.Operation] = append(byOp[c.Operation], c)
	}
	ops := make([]string, 0, len(byOp))
	for op := range byOp {
		ops = append(ops, op)
	}
	sort.Strings(ops)
	var out []metrics.Finding
	for _, op := range ops {
		calls := byOp[op]
		var total, refused int64
		secs := calls[0].Window.Seconds()
		callers := make([]string, 0, len(calls))
		evCallers := map[string]any{}
		sort.Slice(calls, func(i, j int) bool { return calls[i].Calls > calls[j].Calls })
		for _, c := range calls {
			total += c.Calls
			refused += c.Refused
			callers = append(callers, fmt.Sprintf("%s %s/s (%d refused)", c.Caller, count(float64(c.Calls)/secs), c.Refused))
			evCallers[c.Caller] = map[string]any{"calls_per_sec": round3(float64(c.Calls) / secs), "refused": c.Refused}
		}
		if refused == 0 {
			continue
		}
		rate := float64(total) / secs
		lim, known := apiLimits[op]
		f := metrics.Finding{
			Rule: "api-throttling", Severity: Warning, API: op, Title: "Control-plane API throttled: " + op,
			Summary: fmt.Sprintf("%d of %d %s calls in the last %.0f s were refused with LimitExceededException%s; callers in this process: %s",
				refused, total, op, secs, limitText(lim, known), strings.Join(callers, ", ")),
			Evidence: map[string]any{"api": op, "calls": total, "refused": refused, "window_seconds": secs,
				"calls_per_sec": round3(rate), "callers": evCallers},
		}
		if known && lim.perSec > 0 {
			f.Evidence["limit_per_sec"], f.Evidence["limit_scope"] = lim.perSec, lim.scope
			if rate < 0.8*lim.perSec {
				f.Summary += fmt.Sprintf(". This process calls it %s/s, under the %s/s limit: other clients sharing the %s's limit (monitoring, deploy scripts, consumers, other producers) use the rest",
					count(rate), count(lim.perSec), lim.scope)
			} else {
				f.Summary += fmt.Sprintf(". This process alone calls it %s/s against a limit of %s/s", count(rate), count(lim.perSec))
			}
		}
		if known {
			f.Advice = lim.advice
		} else {
			f.Advice = "Call it less often, cache its answers and back off with jitter on LimitExceededException."
		}
		out = append(out, f)
	}
	return out
}

func limitText(l apiLimit, known bool) string {
	switch {
	case !known:
		return ""
	case l.perSec == 0:
		return " (limit: 10 calls per rolling 24 hours per stream)"
	}
	return fmt.Sprintf(" (limit %s/s per %s)", count(l.perSec), l.scope)
}
