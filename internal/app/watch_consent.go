package app

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"
	"github.com/aws/aws-sdk-go-v2/service/kinesis/types"
)

// Enhanced monitoring costs money per shard, so a watch turns it on only with the user's
// consent (--enable-shard-metrics, or e in the dashboard, which asks first), only the three
// shard-level metrics the advisor's rules read, and never turns off what the user had on.

// shardMetricsWanted are the shard-level metrics the outside rules read: each shard's writes
// and its write throttles.
var shardMetricsWanted = []types.MetricsName{types.MetricsNameIncomingBytes, types.MetricsNameIncomingRecords,
	types.MetricsNameWriteProvisionedThroughputExceeded}

// ShardMetricsCost is the dashboard's question before EnableShardMetrics: what it turns on and
// what it costs, short enough for the status line.
func (w *Watch) ShardMetricsCost() string {
	w.mu.Lock()
	shards := len(w.stream.Shards)
	w.mu.Unlock()
	return fmt.Sprintf("Turn on shard-level metrics for %d shards (≈ USD %.2f a month at list price, stays on until turned off)",
		shards, float64(shards)*enhancedMonitoringPerShardMonth)
}

// EnableShardMetrics calls EnableEnhancedMonitoring for the shard-level metrics the advisor
// needs (the user consented), and says what it turned on and what it costs.
func (w *Watch) EnableShardMetrics(ctx context.Context) (string, error) {
	w.mu.Lock()
	had := slices.Clone(w.stream.ShardLevelMetrics)
	w.mu.Unlock()
	var missing []types.MetricsName
	for _, m := range shardMetricsWanted {
		if !slices.Contains(had, string(m)) && !slices.Contains(had, string(types.MetricsNameAll)) {
			missing = append(missing, m)
		}
	}
	if len(missing) == 0 {
		return "enhanced monitoring already has " + metricNames(shardMetricsWanted) + " on: nothing to turn on", nil
	}
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	_, err := w.kin.EnableEnhancedMonitoring(ctx, &kinesis.EnableEnhancedMonitoringInput{StreamName: aws.String(w.opts.Stream), ShardLevelMetrics: missing})
	if err != nil {
		err = fmt.Errorf("enable enhanced monitoring on %s: %w", w.opts.Stream, err)
		w.events.Addf(Error, "%s", err)
		return "", err
	}
	w.mu.Lock()
	for _, m := range missing {
		w.enabled = append(w.enabled, string(m))
		if !slices.Contains(w.stream.ShardLevelMetrics, string(m)) {
			w.stream.ShardLevelMetrics = append(w.stream.ShardLevelMetrics, string(m))
		}
	}
	w.mu.Unlock()
	msg := fmt.Sprintf("turned on enhanced monitoring for %s (%s): %s; it stays on after the watch", w.opts.Stream, metricNames(missing), enhancedMonitoringCost)
	w.events.Addf(Info, "%s", msg)
	return msg, nil
}

// StillOn says, once the watch ends, which shard-level metrics this watch turned on and how to
// turn them off ("" when it turned on none): they keep costing money.
func (w *Watch) StillOn() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	if len(w.enabled) == 0 {
		return ""
	}
	names := strings.Join(w.enabled, " ")
	return fmt.Sprintf("enhanced monitoring this watch turned on is still on for %s (%s); turn it off with: aws kinesis disable-enhanced-monitoring --stream-name %s --shard-level-metrics %s",
		w.opts.Stream, names, w.opts.Stream, names)
}

func metricNames(ms []types.MetricsName) string {
	s := make([]string, len(ms))
	for i, m := range ms {
		s[i] = string(m)
	}
	return strings.Join(s, ", ")
}
