package advisor

import "github.com/shardstorm/shardstorm/metrics"

// evaluate runs every rule over the window. Rules read; the advisor tracks what they find.
func evaluate(w *window, in *Input) []metrics.Finding {
	d := measureDemand(w)
	loads := shardLoads(w, d)
	var out []metrics.Finding
	out = append(out, kmsDenied(w, in)...)
	out = append(out, streamGone(w, in)...)
	if w.writing() {
		out = append(out, streamCapacity(w, d, loads)...)
		out = append(out, hotShards(w, in, d, loads)...)
		out = append(out, recordBound(w, d, loads)...)
		out = append(out, rateLimitTooLow(w, loads)...)
	}
	out = append(out, recordsExpiring(w, loads)...)
	out = append(out, apiThrottling(w, in)...)
	out = append(out, producerBound(w, d)...)
	out = append(out, workloadBehind(w)...)
	return out
}
