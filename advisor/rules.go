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
	if w.settings.Fleet() {
		// A fleet of simple clients has no connections setting to raise: its own rules say
		// what bounds it.
		out = append(out, putRecordThreadBound(w, d)...)
	} else {
		out = append(out, producerBound(w, d)...)
	}
	out = append(out, workloadBehind(w)...)
	if w.writing() {
		out = append(out, putRecordRounding(w, loads)...)
	}
	out = append(out, unbatchedClients(w)...)
	out = append(out, criticalPathPuts(w)...)
	out = append(out, reconnectBurst(w)...)
	return out
}
