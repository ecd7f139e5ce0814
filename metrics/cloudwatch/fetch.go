package cloudwatch

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cwsdk "github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"
)

// Reader is what the poller needs of a CloudWatch client; *cwsdk.Client has it.
type Reader interface {
	GetMetricData(ctx context.Context, in *cwsdk.GetMetricDataInput, optFns ...func(*cwsdk.Options)) (*cwsdk.GetMetricDataOutput, error)
}

const (
	// maxQueriesPerCall is GetMetricData's limit on MetricDataQueries per request.
	maxQueriesPerCall = 500
	// maxPages guards against a service that keeps answering with a NextToken: far more
	// pages than any history window can fill (MaxDatapoints defaults to 100,800 per page).
	maxPages = 100
)

// fetchResult is what one window's queries returned. points has an entry (possibly empty)
// for every metric whose call succeeded: "no data in the window" is an answer too.
type fetchResult struct {
	points  map[Metric][]Point
	calls   int // batches attempted
	failed  int // batches that returned nothing
	partial []error
}

// cwFetch reads the poller's AWS/Kinesis metrics over [start, end) through cwRead.
func cwFetch(ctx context.Context, api Reader, stream string, period time.Duration,
	start, end time.Time, metrics []Metric, res *fetchResult) {
	stats := make([]types.MetricStat, len(metrics))
	for i, m := range metrics {
		stats[i] = cwStat(m, stream, period)
	}
	calls, failed, partial := cwRead(ctx, api, start, end, stats,
		func(i int) string { return metricWhat(metrics[i]) },
		func(i int, pts []Point) { res.points[metrics[i]] = pts })
	res.calls += calls
	res.failed += failed
	res.partial = append(res.partial, partial...)
}

// cwRead reads one series per MetricStat over [start, end) in batches of up to 500 queries,
// paging each batch with NextToken, and hands each series' points to store (possibly none: "no
// data in the window" is an answer too) when its batch succeeded. A failed batch does not stop
// the others: stream-level data is still worth showing when one batch of shard queries fails.
// what names a query in error messages. It is the one GetMetricData reader of this package:
// the poller and the namespace reader both go through it.
func cwRead(ctx context.Context, api Reader, start, end time.Time, stats []types.MetricStat,
	what func(i int) string, store func(i int, pts []Point)) (calls, failed int, partial []error) {
	for lo := 0; lo < len(stats); lo += maxQueriesPerCall {
		hi := min(lo+maxQueriesPerCall, len(stats))
		calls++
		if err := fetchBatch(ctx, api, start, end, stats[lo:hi], lo, what, store, &partial); err != nil {
			failed++
			partial = append(partial, err)
			if ctx.Err() != nil {
				return
			}
		}
	}
	return
}

func fetchBatch(ctx context.Context, api Reader, start, end time.Time, batch []types.MetricStat, offset int,
	what func(int) string, store func(int, []Point), partial *[]error) error {
	in := &cwsdk.GetMetricDataInput{
		StartTime: aws.Time(start),
		EndTime:   aws.Time(end),
		ScanBy:    types.ScanByTimestampAscending,
	}
	for i := range batch {
		in.MetricDataQueries = append(in.MetricDataQueries, types.MetricDataQuery{
			// Ids must start with a lowercase letter; the index maps answers back to the batch.
			Id: aws.String("q" + strconv.Itoa(i)), MetricStat: &batch[i], ReturnData: aws.Bool(true),
		})
	}
	got := make(map[int][]Point, len(batch))
	var bad []string
	seen := map[string]bool{}
	for page := 0; ; page++ {
		if page == maxPages {
			return fmt.Errorf("GetMetricData: still paging after %d pages", maxPages)
		}
		out, err := api.GetMetricData(ctx, in)
		if err != nil {
			return err
		}
		for _, r := range out.MetricDataResults {
			i, ok := queryIndex(aws.ToString(r.Id), len(batch))
			if !ok {
				continue
			}
			if len(r.Timestamps) != len(r.Values) {
				return fmt.Errorf("GetMetricData: result %s has %d timestamps and %d values", aws.ToString(r.Id), len(r.Timestamps), len(r.Values))
			}
			for j := range r.Values {
				got[i] = append(got[i], Point{Time: r.Timestamps[j].UTC(), Value: r.Values[j]})
			}
			// Forbidden and InternalError answer one query, not the call: report them, keep
			// the rest.
			if r.StatusCode == types.StatusCodeForbidden || r.StatusCode == types.StatusCodeInternalError {
				bad = append(bad, resultProblem(what(offset+i), r))
			}
		}
		if out.NextToken == nil {
			break
		}
		tok := aws.ToString(out.NextToken)
		if seen[tok] {
			return errors.New("GetMetricData: the service returned the same NextToken twice")
		}
		seen[tok] = true
		in.NextToken = out.NextToken
	}
	for i := range batch {
		store(offset+i, got[i])
	}
	if len(bad) > 0 {
		*partial = append(*partial, fmt.Errorf("GetMetricData: %s", strings.Join(bad, "; ")))
	}
	return nil
}

func cwStat(m Metric, stream string, period time.Duration) types.MetricStat {
	dims := []types.Dimension{{Name: aws.String("StreamName"), Value: aws.String(stream)}}
	if m.ShardID != "" {
		dims = append(dims, types.Dimension{Name: aws.String("ShardId"), Value: aws.String(m.ShardID)})
	}
	return types.MetricStat{
		Metric: &types.Metric{Namespace: aws.String(kinesisNamespace), MetricName: aws.String(m.Name), Dimensions: dims},
		Period: aws.Int32(int32(period / time.Second)),
		Stat:   aws.String(m.Stat),
	}
}

func metricWhat(m Metric) string {
	what := m.Name + " " + m.Stat
	if m.ShardID != "" {
		what += " of " + m.ShardID
	}
	return what
}

func queryIndex(id string, n int) (int, bool) {
	s, ok := strings.CutPrefix(id, "q")
	if !ok {
		return 0, false
	}
	i, err := strconv.Atoi(s)
	return i, err == nil && i >= 0 && i < n
}

func resultProblem(what string, r types.MetricDataResult) string {
	var msgs []string
	for _, msg := range r.Messages {
		msgs = append(msgs, aws.ToString(msg.Code)+": "+aws.ToString(msg.Value))
	}
	return fmt.Sprintf("%s: %s %s", what, r.StatusCode, strings.Join(msgs, ", "))
}
