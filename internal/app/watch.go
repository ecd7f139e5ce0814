package app

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"
	"github.com/aws/aws-sdk-go-v2/service/kinesis/types"

	"github.com/shardstorm/shardstorm/internal/hashkey"
	"github.com/shardstorm/shardstorm/metrics"
	"github.com/shardstorm/shardstorm/metrics/cloudwatch"
	"github.com/shardstorm/shardstorm/producer"
	"github.com/shardstorm/shardstorm/tui"
)

// WatchOptions describe a watch: a stream loaded by others, seen through ListShards,
// DescribeStreamSummary and CloudWatch only.
type WatchOptions struct {
	Stream string // required
	// Endpoint or AWS (Region, Profile): as in Options. A watch needs one of them: there is no
	// load to watch on a fresh embedded emulator.
	Endpoint string
	AWS      bool
	Region   string
	Profile  string
	// EnableShardMetrics turns on the shard-level metrics the advisor needs (the user
	// consented: --enable-shard-metrics). It never turns anything off.
	EnableShardMetrics bool

	// KPLNamespace is where a KPL application publishes its metrics (the KPL's
	// metrics_namespace; default KinesisProducerLibrary); AgentsNamespace where shardstorm agents
	// do (`run --publish-namespace`; default the same). "off" reads none.
	KPLNamespace, AgentsNamespace string
	// SampleShards is the most shards the record sample reads at once (0: no sample) and
	// SampleBytesPerSec its byte budget over all of them (0: 2 MiB/s).
	SampleShards      int
	SampleBytesPerSec int64
}

// NamespaceOff is the namespace value that turns a CloudWatch namespace source off.
const NamespaceOff = "off"

// Watch is the dashboard's source for a stream it does not load. CloudWatch's IncomingRecords,
// IncomingBytes and (with enhanced monitoring) the shard-level metrics become a producer.Stats
// that the ordinary sampler reads, so every view works on them; see cwCounters for what is
// shown and how late. It implements tui.Source and, of the dashboard's controls, only
// tui.ShardScaler: there is no load to control.
type Watch struct {
	opts    WatchOptions
	region  string
	started time.Time

	kin     *kinesis.Client
	poller  *cloudwatch.Poller
	counts  *cwCounters
	sampler *metrics.Sampler
	events  *EventLog

	parts watchParts       // the optional sources and the advisor; nil each until wired
	acc   *watchFigures    // the figures over the whole watch, for the report
	clock func() time.Time // the poller's clock

	mu      sync.Mutex
	desc    string                // the last DescribeStreamSummary, as an event line
	descErr string                // its last failure, "" once it works again
	stream  metrics.OutsideStream // what DescribeStreamSummary and ListShards said last
	outside *metrics.OutsideView  // the latest view
	enabled []string              // shard-level metrics this watch turned on (never turned off)

	cancel context.CancelFunc
	wg     sync.WaitGroup
}

var (
	_ tui.Source              = (*Watch)(nil)
	_ tui.ShardScaler         = (*Watch)(nil)
	_ tui.OutsideSource       = (*Watch)(nil)
	_ tui.ShardMetricsEnabler = (*Watch)(nil)
)

// How often the shard list and the stream's summary are read again.
const watchRefresh = 5 * time.Second

// StartWatch checks the stream exists, then polls it in the background until Stop.
func StartWatch(ctx context.Context, o WatchOptions) (_ *Watch, err error) {
	if o.Stream == "" {
		return nil, errors.New("watch: a stream name is required")
	}
	if o.Endpoint == "" && !o.AWS {
		return nil, errors.New("watch: needs an endpoint or AWS: there is no load to watch on a fresh embedded emulator")
	}
	conn := &Run{opts: Options{Stream: o.Stream, Endpoint: o.Endpoint, AWS: o.AWS, Region: o.Region, Profile: o.Profile}}
	if err := conn.connect(ctx); err != nil {
		return nil, err
	}
	w := &Watch{opts: o, region: conn.kin.Options().Region, started: time.Now(), kin: conn.kin, events: NewEventLog(500), acc: newWatchFigures()}
	if err := w.describe(ctx, true); err != nil {
		return nil, err
	}
	if o.EnableShardMetrics {
		if _, err := w.EnableShardMetrics(ctx); err != nil {
			return nil, err
		}
	}
	if w.parts, err = newWatchParts(conn, o); err != nil {
		return nil, err
	}
	cfg := cloudwatch.DefaultConfig(o.Stream, conn.endpoint)
	if w.poller, err = cloudwatch.NewPoller(conn.cw, conn.kin, cfg); err != nil {
		return nil, err
	}
	w.counts = newCWCounters(w.started, w.poller.Config())
	w.clock = w.poller.Config().Now
	if err := w.listShards(ctx); err != nil {
		return nil, err
	}
	if w.sampler, err = metrics.NewSampler(metrics.Config{Stream: o.Stream, Producer: w.counts}); err != nil {
		return nil, err
	}
	runCtx, cancel := context.WithCancel(context.Background())
	w.cancel = cancel
	if err := w.poller.Start(runCtx); err != nil {
		cancel()
		return nil, err
	}
	w.sampler.Start()
	w.parts.start(runCtx)
	w.events.Addf(Info, "watching %s: CloudWatch figures, shown %v late (CloudWatch publishes whole %v periods)", o.Stream, w.counts.delay, cfg.Period)
	w.wg.Add(1)
	go w.loop(runCtx)
	return w, nil
}

// Stop ends the polling and the sampling.
func (w *Watch) Stop() {
	w.cancel()
	w.wg.Wait()
	w.poller.Stop()
	w.parts.stop()
	w.sampler.Stop()
}

// loop feeds CloudWatch's points to the counters every second, and reads the shard list and
// the stream's summary every watchRefresh.
func (w *Watch) loop(ctx context.Context) {
	defer w.wg.Done()
	t := time.NewTicker(time.Second)
	defer t.Stop()
	lastRefresh := time.Now()
	var lastCW cloudwatch.Status
	for {
		select {
		case <-ctx.Done():
			return
		case now := <-t.C:
			for _, m := range w.counts.wanted() {
				w.counts.ingest(m, w.poller.History(m), now)
			}
			w.events.noteCloudWatch(w.poller, &lastCW)
			w.observe(w.clock())
			if now.Sub(lastRefresh) >= watchRefresh {
				lastRefresh = now
				_ = w.describe(ctx, false) // failures are in w.desc and the event log
				_ = w.listShards(ctx)
			}
		}
	}
}

// describe reads DescribeStreamSummary: at the start it must succeed; later a change of
// status, shard count or encryption becomes an event.
func (w *Watch) describe(ctx context.Context, first bool) error {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	out, err := w.kin.DescribeStreamSummary(ctx, &kinesis.DescribeStreamSummaryInput{StreamName: aws.String(w.opts.Stream)})
	if err != nil {
		var nf *types.ResourceNotFoundException
		if errors.As(err, &nf) {
			err = fmt.Errorf("stream %s does not exist", w.opts.Stream)
		} else {
			err = fmt.Errorf("describe stream %s: %w", w.opts.Stream, err)
		}
		if !first && !errors.Is(ctx.Err(), context.Canceled) { // the watch stopping is no failure
			w.setDescErr(err)
		}
		return err
	}
	s := out.StreamDescriptionSummary
	var levels []string
	for _, em := range s.EnhancedMonitoring {
		for _, m := range em.ShardLevelMetrics {
			levels = append(levels, string(m))
		}
	}
	monitoring := "off (no per-shard figures)"
	if len(levels) > 0 {
		monitoring = fmt.Sprint(levels)
	}
	line := fmt.Sprintf("stream %s: %s, %d open shards, encryption %s, enhanced monitoring %s",
		w.opts.Stream, s.StreamStatus, aws.ToInt32(s.OpenShardCount), s.EncryptionType, monitoring)
	mode := ""
	if s.StreamModeDetails != nil {
		mode = string(s.StreamModeDetails.StreamMode)
	}
	w.mu.Lock()
	w.stream.Name, w.stream.Status, w.stream.Mode = w.opts.Stream, string(s.StreamStatus), mode
	w.stream.Encryption, w.stream.KeyID, w.stream.ShardLevelMetrics = string(s.EncryptionType), aws.ToString(s.KeyId), levels
	changed := w.desc != line
	w.desc, w.descErr = line, ""
	w.mu.Unlock()
	if changed {
		w.events.Addf(Info, "%s", line)
	}
	return nil
}

func (w *Watch) setDescErr(err error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.descErr != err.Error() {
		w.descErr = err.Error()
		w.events.Addf(Error, "%s", err)
	}
}

// listShards reads the open shards (AT_LATEST), hands their ids to the poller for shard-level
// metrics, and their hash ranges to the counters.
func (w *Watch) listShards(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	var shards []producer.ShardStats
	in := &kinesis.ListShardsInput{StreamName: aws.String(w.opts.Stream), ShardFilter: &types.ShardFilter{Type: types.ShardFilterTypeAtLatest}}
	for {
		out, err := w.kin.ListShards(ctx, in)
		if err != nil {
			if errors.Is(ctx.Err(), context.Canceled) {
				return err // the watch stopping is no failure
			}
			err = fmt.Errorf("list shards of %s: %w", w.opts.Stream, err)
			w.counts.setMapError(err)
			w.events.Addf(Warn, "%s", err)
			return err
		}
		for _, s := range out.Shards {
			if s.HashKeyRange == nil {
				continue
			}
			shards = append(shards, producer.ShardStats{ShardID: aws.ToString(s.ShardId),
				StartingHashKey: aws.ToString(s.HashKeyRange.StartingHashKey), EndingHashKey: aws.ToString(s.HashKeyRange.EndingHashKey)})
		}
		if out.NextToken == nil {
			break
		}
		in = &kinesis.ListShardsInput{NextToken: out.NextToken}
	}
	slices.SortFunc(shards, func(a, b producer.ShardStats) int { return hashKey(a.StartingHashKey).Cmp(hashKey(b.StartingHashKey)) })
	ranges := make([]metrics.ShardRange, len(shards))
	for i, s := range shards {
		ranges[i] = metrics.ShardRange{ShardID: s.ShardID, StartingHashKey: s.StartingHashKey, EndingHashKey: s.EndingHashKey}
	}
	w.mu.Lock()
	w.stream.Shards = ranges
	w.mu.Unlock()
	if w.counts.setShards(shards, time.Now()) {
		ids := make([]string, len(shards))
		for i, s := range shards {
			ids[i] = s.ShardID
		}
		w.poller.SetShards(ids)
		w.events.Addf(Info, "shard map: %d open shards", len(shards))
	}
	return nil
}

// hashKey reads a ListShards hash key; one the service would not send sorts first.
func hashKey(s string) hashkey.Key {
	k, _ := hashkey.Parse(s)
	return k
}

// Info names the backend "watch". The run's error is what keeps the figures from coming: the
// stream gone, or CloudWatch refusing or unreachable (AccessDenied says which permission).
func (w *Watch) Info() tui.RunInfo {
	info := tui.RunInfo{Stream: w.opts.Stream, Backend: "watch", Region: w.region, Started: w.started}
	switch s := w.poller.State(); s.Status {
	case cloudwatch.AccessDenied, cloudwatch.Unavailable:
		info.Err = fmt.Sprintf("CloudWatch %s: %s", s.Status, s.Err)
	}
	w.mu.Lock()
	if w.descErr != "" {
		info.Err = w.descErr
	}
	w.mu.Unlock()
	return info
}

// Store holds the sampled series.
func (w *Watch) Store() *metrics.Store { return w.sampler.Store() }

// HotKeys: a watch sees no keys.
func (w *Watch) HotKeys() *metrics.HotKeys { return nil }

// CloudWatch is the poller behind the figures.
func (w *Watch) CloudWatch() *cloudwatch.Poller { return w.poller }

// Events returns the event log.
func (w *Watch) Events() []tui.Event {
	return w.events.ForDashboard()
}
