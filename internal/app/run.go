package app

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"
	"github.com/aws/aws-sdk-go-v2/service/kinesis/types"
	"github.com/aws/smithy-go/middleware"

	"github.com/shardstorm/shardstorm/advisor"
	"github.com/shardstorm/shardstorm/emulator"
	"github.com/shardstorm/shardstorm/metrics"
	cwmetrics "github.com/shardstorm/shardstorm/metrics/cloudwatch"
	"github.com/shardstorm/shardstorm/producer"
	"github.com/shardstorm/shardstorm/verify"
	"github.com/shardstorm/shardstorm/workload"
)

// Run is one load test in progress: the backend, the producer, the workload and everything that
// watches them. It implements tui.Source and every control of the dashboard (tui.Pauser and
// the interfaces beside it).
type Run struct {
	opts    Options
	started time.Time

	emu    *emulator.Emulator // nil unless the run embeds the emulator
	emuSrv *emulator.Server   // its loopback server; nil in process (Options.InProcess)
	// kinBase is the backend's client; kin is it for the run's own calls (setup, controls),
	// each counted in api as its caller's (see client).
	kinBase  *kinesis.Client
	kin      *kinesis.Client
	cw       *cloudwatch.Client
	endpoint string

	eng     Engine // the producer of --producer (see startEngine)
	gen     *workload.Generator
	sink    *ProducerSink
	sampler *metrics.Sampler
	hot     *metrics.HotKeys
	offered *metrics.OfferCounter
	poller  *cwmetrics.Poller
	pub     *cwmetrics.Publisher // nil unless Options.Publish.Enabled
	csv     *metrics.CSVWriter
	events  *EventLog
	api     *metrics.APICalls
	adv     *advisor.Advisor
	// stopping is set when Stop begins: the drain that follows is not the load under study, so
	// the advisor's findings keep the figures of the load.
	stopping atomic.Bool

	cancel  context.CancelFunc
	done    chan struct{} // closed when the workload ends (its Duration, or Stop)
	genErr  error         // the workload's error, set before done closes
	watchWG sync.WaitGroup

	mu         sync.Mutex
	keysCursor int
	// controlMu makes each control API change whole: checked and applied before the next.
	controlMu sync.Mutex

	warnings []string // set during Start (see Warnings)

	// verify is the read-back's state, nil without Options.Verify; keepServer leaves the
	// embedded emulator's server up after Stop for Verify, which closes it.
	verify     *verifyState
	keepServer bool
}

// Start sets the backend up, starts the producer, the workload, the sampler, the hot-key
// tracker and the CloudWatch poller. Stop ends them and returns the run's summary.
func Start(ctx context.Context, opts Options) (_ *Run, err error) {
	opts = opts.withDefaults()
	r := &Run{opts: opts, started: time.Now(), events: NewEventLog(500), done: make(chan struct{}),
		api: metrics.NewAPICalls(0), adv: advisor.New(advisor.Config{})}
	defer func() {
		if err != nil {
			r.teardown()
		}
	}()
	if err := r.connect(ctx); err != nil {
		return nil, err
	}
	r.kinBase = r.kin
	r.kin = r.client("shardstorm (setup and controls)")
	if err := r.ensureStream(ctx); err != nil {
		return nil, err
	}
	if opts.EncryptStream != "" {
		if r.emu == nil {
			return nil, errors.New("--encrypt-stream works on the embedded emulator only")
		}
		if err := r.encryptStream(ctx); err != nil {
			return nil, err
		}
	}
	r.hot, r.offered = metrics.NewHotKeys(0, 0), &metrics.OfferCounter{}
	pcfg := opts.Producer
	pcfg.StreamName, pcfg.Hooks = opts.Stream, []producer.Hook{r.hot, r.offered}
	if err = r.startupCall(ctx, "DescribeStreamSummary and ListShards", func(ctx context.Context) (err error) {
		r.eng, err = r.startEngine(ctx, pcfg)
		return err
	}); err != nil {
		return nil, err
	}
	r.sink = &ProducerSink{P: r.eng}
	var sink workload.Sink = r.sink
	spec := opts.Workload
	if opts.Verify {
		r.verify = &verifyState{runID: verify.NewRunID()}
		sink = &verifySink{ProducerSink: r.sink, runID: r.verify.runID, ledger: &r.verify.ledger}
		spec = roomForEnvelope(spec)
	}
	if r.gen, err = workload.New(workload.Config{Spec: spec, Sink: sink, Shards: shardRanges(r.eng.Stats())}); err != nil {
		return nil, envelopeTooBig(opts, err)
	}
	if opts.CSV != nil {
		r.csv = metrics.NewCSVWriter(opts.CSV, opts.Stream)
	}
	if r.sampler, err = metrics.NewSampler(metrics.Config{Stream: opts.Stream, Producer: r.eng, Workload: r.gen, Offered: r.offered,
		Fleet: fleetSource(r.eng), Profile: opts.profile(),
		Interval: opts.SampleInterval, Window: opts.Window, ShardWindow: shardWindow(opts.Window, len(r.eng.Stats().Shards)),
		OnSample: r.onSample}); err != nil {
		return nil, err
	}
	if !opts.NoCloudWatch {
		if r.poller, err = cwmetrics.NewPoller(r.cw, r.client("CloudWatch poller"), cwmetrics.DefaultConfig(opts.Stream, r.endpoint)); err != nil {
			return nil, err
		}
	}

	if r.pub, err = r.newPublisher(); err != nil {
		return nil, err
	}

	runCtx, cancel := context.WithCancel(context.Background())
	r.cancel = cancel
	r.sampler.Start()
	if r.poller != nil {
		if err := r.poller.Start(runCtx); err != nil {
			return nil, err
		}
	}
	if r.pub != nil {
		// Its own context: Stop ends it after the drain, whose figures it uploads last.
		if err := r.pub.Start(context.Background()); err != nil {
			return nil, err
		}
		r.events.Addf(Info, "publishing metrics to CloudWatch: %s", r.PublishDescription())
	}
	go func() {
		r.genErr = r.gen.Run(runCtx)
		close(r.done)
	}()
	r.watchWG.Add(1)
	go r.watch(runCtx)
	if opts.DescribeStreamPerSec > 0 {
		r.watchWG.Add(1)
		go r.pollDescribeStream(runCtx, opts.DescribeStreamPerSec)
	}
	if opts.ReshardAfter > 0 {
		r.watchWG.Add(1)
		go r.reshardAfter(runCtx, opts.ReshardAfter)
	}
	r.events.Addf(Info, "started: stream %s (%s), producer %s, workload %s, keys %s", opts.Stream, opts.Backend(), describeProducer(opts), describeShape(opts.Workload), opts.Workload.Keys)
	return r, nil
}

// client returns a Kinesis client on the backend whose calls count as caller's in the run's
// API call log: the control-plane limits are shared, so the advisor names who calls what.
func (r *Run) client(caller string) *kinesis.Client {
	return kinesis.New(r.kinBase.Options(), func(o *kinesis.Options) {
		o.APIOptions = append(append([]func(*middleware.Stack) error(nil), o.APIOptions...), r.api.Middleware(caller))
	})
}

// onSample runs in the sampler's goroutine after each sample: the CSV line, then the advisor,
// whose raised and cleared findings go to the event log.
func (r *Run) onSample(s *metrics.Snapshot) {
	if r.csv != nil {
		r.csv.Write(s)
	}
	if r.stopping.Load() {
		return
	}
	raised, cleared := r.adv.Observe(advisor.Input{Snapshot: s, HotKeys: r.hot, APICalls: r.api.Recent(), LastErrors: r.sink.LastErrors()})
	for _, f := range raised {
		level := Warn
		if f.Severity == advisor.Critical {
			level = Error
		}
		r.events.Addf(level, "advisor: %s%s — %s", f.Title, About(f), f.Summary)
	}
	for _, f := range cleared {
		r.events.Addf(Info, "advisor: cleared: %s%s", f.Title, About(f))
	}
}

// About names what a finding is about, for a log line: " (shardId-…)", " (DescribeStream)",
// or "" when it is about the whole stream.
func About(f metrics.Finding) string {
	for _, s := range []string{f.API, f.ShardID} {
		if s != "" {
			return " (" + s + ")"
		}
	}
	return ""
}

// connect builds the SDK clients for the backend, starting the embedded emulator if needed.
func (r *Run) connect(ctx context.Context) error {
	o := r.opts
	switch o.Backend() {
	case "local":
		ecfg := o.Emulator
		ecfg.Streams = []emulator.StreamSpec{{Name: o.Stream, Shards: o.Shards}}
		if ecfg.Limits.ShardLimit == 0 && o.Shards > emulator.DefaultShardQuota(ecfg.Region) {
			ecfg.Limits.ShardLimit = o.Shards // a Service Quotas increase, as the user would ask AWS for
		}
		if o.Verify {
			ecfg = verifyRetention(ecfg)
		}
		var hc aws.HTTPClient // nil: the SDK's default client, over the socket
		if o.InProcess {
			e, err := emulator.New(ecfg)
			if err != nil {
				return fmt.Errorf("start the embedded emulator: %w", err)
			}
			// Any endpoint will do (nothing dials it); a non-empty one gives the CloudWatch
			// poller the emulator's 1 s period, as over the socket.
			r.emu, r.endpoint, hc = e, "http://emulator.in-process", emulator.InMemTransport{Handler: e}
			if o.inProcessClient != nil {
				hc = o.inProcessClient(e)
			}
		} else {
			srv, err := emulator.Start(ecfg)
			if err != nil {
				return fmt.Errorf("start the embedded emulator: %w", err)
			}
			r.emu, r.emuSrv, r.endpoint = srv.Emulator, srv, srv.URL
		}
		creds := credentials.NewStaticCredentialsProvider("shardstorm", "local", "")
		r.kin = kinesis.New(kinesis.Options{BaseEndpoint: aws.String(r.endpoint), Region: "us-east-1", Credentials: creds, HTTPClient: hc})
		r.cw = cloudwatch.New(cloudwatch.Options{BaseEndpoint: aws.String(r.endpoint), Region: "us-east-1", Credentials: creds, HTTPClient: hc})
		return nil
	}
	var loads []func(*config.LoadOptions) error
	if o.Region != "" {
		loads = append(loads, config.WithRegion(o.Region))
	}
	if o.Profile != "" {
		loads = append(loads, config.WithSharedConfigProfile(o.Profile))
	}
	cfg, err := config.LoadDefaultConfig(ctx, loads...)
	if err != nil {
		return fmt.Errorf("load the AWS configuration: %w", err)
	}
	if cfg.Region == "" {
		return errors.New("no AWS region: set --region, AWS_REGION or a profile's region")
	}
	r.endpoint = o.Endpoint
	r.kin = kinesis.NewFromConfig(cfg, func(k *kinesis.Options) {
		if o.Endpoint != "" {
			k.BaseEndpoint = aws.String(o.Endpoint)
		}
	})
	r.cw = cloudwatch.NewFromConfig(cfg, func(c *cloudwatch.Options) {
		if o.Endpoint != "" {
			c.BaseEndpoint = aws.String(o.Endpoint)
		}
	})
	return nil
}

// ensureStream checks the stream exists (creating it only when asked, and waiting for ACTIVE).
func (r *Run) ensureStream(ctx context.Context) error {
	if r.emu != nil {
		return nil
	}
	var desc *kinesis.DescribeStreamSummaryOutput
	err := r.startupCall(ctx, "DescribeStreamSummary", func(ctx context.Context) error {
		var err error
		desc, err = r.kin.DescribeStreamSummary(ctx, &kinesis.DescribeStreamSummaryInput{StreamName: aws.String(r.opts.Stream)})
		return err
	})
	var nf *types.ResourceNotFoundException
	switch {
	case err == nil:
		r.noteExistingShards(desc)
		return nil
	case !errors.As(err, &nf):
		return fmt.Errorf("describe stream %s: %w", r.opts.Stream, err)
	case !r.opts.CreateStream:
		return fmt.Errorf("stream %s does not exist (pass --create-stream to create it with %d shards)", r.opts.Stream, r.opts.Shards)
	}
	if err := r.startupCall(ctx, "CreateStream", func(ctx context.Context) error {
		_, err := r.kin.CreateStream(ctx, &kinesis.CreateStreamInput{StreamName: aws.String(r.opts.Stream), ShardCount: aws.Int32(int32(r.opts.Shards))})
		return err
	}); err != nil {
		return fmt.Errorf("create stream %s: %w", r.opts.Stream, err)
	}
	w := kinesis.NewStreamExistsWaiter(r.kin)
	if err := w.Wait(ctx, &kinesis.DescribeStreamInput{StreamName: aws.String(r.opts.Stream)}, 5*time.Minute); err != nil {
		return fmt.Errorf("wait for stream %s to be ACTIVE: %w", r.opts.Stream, err)
	}
	return nil
}

// watch turns background changes into events and keeps the workload's and the poller's shard
// lists in step with the producer's map.
func (r *Run) watch(ctx context.Context) {
	defer r.watchWG.Done()
	t := time.NewTicker(time.Second)
	defer t.Stop()
	var lastChanges int64
	var lastErr string
	var lastCW, lastPub cwmetrics.Status
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		// The sampler's latest reading, not a Stats() of our own: each copies the producer's
		// latency histograms, which made this once-a-second look cost as much as sampling.
		snap := r.sampler.Store().Latest()
		if snap == nil {
			continue
		}
		st := snap.Producer
		if st.Stream.ShardMapChanges != lastChanges {
			lastChanges = st.Stream.ShardMapChanges
			r.events.Addf(Info, "shard map changed: %d open shards", len(st.Shards))
			r.gen.SetShards(shardRanges(st))
			if r.poller != nil {
				r.poller.SetShards(shardIDs(st))
			}
		}
		if o := r.sink.Outcomes(); o.LastError != "" && o.LastError != lastErr {
			lastErr = o.LastError
			r.events.Addf(Error, "record failed: %s", o.LastError)
		}
		if st.Stream.ShardMapError != "" {
			r.events.Addf(Warn, "shard map refresh failed: %s", st.Stream.ShardMapError)
		}
		if r.poller != nil {
			r.events.noteCloudWatch(r.poller, &lastCW)
		}
		if r.pub != nil {
			r.notePublisher(&lastPub)
		}
	}
}

// Done is closed when the workload has finished (its Duration elapsed) or stopped.
func (r *Run) Done() <-chan struct{} { return r.done }

// GroundTruth returns the embedded emulator's counters for the stream (what the service really
// accepted and throttled), or false when the run is not on the embedded emulator.
func (r *Run) GroundTruth() (emulator.StreamStats, bool) {
	if r.emu == nil {
		return emulator.StreamStats{}, false
	}
	return r.emu.StreamStats(r.opts.Stream)
}

// Stop ends the run: the workload stops, the producer drains (until ctx ends), and the summary
// of the whole run is returned. config is recorded in the summary as given.
func (r *Run) Stop(ctx context.Context, config any) (metrics.Summary, error) {
	r.stopping.Store(true)
	r.cancel()
	<-r.done
	genErr := r.genErr
	if errors.Is(genErr, context.Canceled) {
		genErr = nil
	}
	closeErr := r.eng.Close(ctx)
	r.watchWG.Wait()
	r.finishPublishing()
	sum := r.sampler.Summary(time.Now(), config)
	sum.Findings = r.adv.History()
	r.keepServer = r.verify != nil
	r.teardown()
	var csvErr error
	if r.csv != nil {
		if csvErr = r.csv.Flush(); csvErr != nil {
			csvErr = fmt.Errorf("write the CSV: %w", csvErr)
		}
	}
	return sum, errors.Join(genErr, closeErr, csvErr)
}

// teardown stops what Start started, in reverse; safe on a half-started run (Close of a
// producer Stop already closed returns at once).
func (r *Run) teardown() {
	if r.cancel != nil {
		r.cancel()
	}
	if r.eng != nil {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		r.eng.Close(ctx)
		cancel()
	}
	if r.poller != nil {
		r.poller.Stop()
	}
	if r.pub != nil {
		r.pub.Stop()
	}
	if r.sampler != nil {
		r.sampler.Stop()
	}
	if !r.keepServer {
		r.closeEmulatorServer()
	}
}

// closeEmulatorServer closes the embedded emulator's loopback server, if any.
func (r *Run) closeEmulatorServer() {
	if r.emuSrv != nil {
		r.emuSrv.Close()
	}
}

func shardRanges(st producer.Stats) []workload.ShardRange {
	out := make([]workload.ShardRange, 0, len(st.Shards))
	for _, s := range st.Shards {
		if sr, err := workload.NewShardRange(s.ShardID, s.StartingHashKey, s.EndingHashKey); err == nil {
			out = append(out, sr)
		}
	}
	return out
}

func shardIDs(st producer.Stats) []string {
	out := make([]string, 0, len(st.Shards))
	for _, s := range st.Shards {
		out = append(out, s.ShardID)
	}
	return out
}

func describeShape(s workload.Spec) string {
	if s.Shape != nil {
		return s.Shape.String()
	}
	return fmt.Sprintf("constant %g records/s", s.Rate)
}
