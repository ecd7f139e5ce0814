package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/shardstorm/shardstorm/emulator"
	"github.com/shardstorm/shardstorm/metrics"
	"github.com/shardstorm/shardstorm/verify"
)

// verifyState is what a run with Options.Verify keeps for the read-back.
type verifyState struct {
	runID  string
	ledger verify.Ledger
}

// verifyProgressEvery is how often a read-back in progress prints how far it is.
const verifyProgressEvery = 5 * time.Second

// Verify reads the stream back after Stop and checks every record the run handed to the
// producer against what the producer said about it (see package verify). It prints progress to
// Options.Status. A run started with Options.Verify must call it after Stop (it also closes the
// embedded emulator's server, which Stop leaves up for it). The error is only for a read-back
// that could not finish; data loss is in the summary (see VerifyVerdict).
func (r *Run) Verify(ctx context.Context) (*metrics.VerifySummary, error) {
	defer r.closeEmulatorServer()
	if r.verify == nil {
		return nil, errors.New("could not verify: the run was started without --verify")
	}
	status := r.opts.Status
	if status == nil {
		status = io.Discard
	}
	records := r.verify.ledger.Len()
	rd, err := verify.NewReader(verify.ReaderConfig{Client: r.client("verify (read-back)"), Stream: r.opts.Stream,
		RunID: r.verify.runID, Records: records, Since: r.started})
	if err != nil {
		return nil, fmt.Errorf("could not verify: %w", err)
	}
	fmt.Fprintf(status, "verifying: reading %s back from the run's start (run %s, %d records handed to the producer)\n",
		r.opts.Stream, r.verify.runID, records)
	done := make(chan struct{})
	printed := make(chan struct{})
	go func() {
		defer close(printed)
		t := time.NewTicker(verifyProgressEvery)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
				p := rd.Progress()
				fmt.Fprintf(status, "verifying: read %d/%d shards, %d records\n", p.ShardsDone, p.Shards, p.Records)
			}
		}
	}()
	tally, err := rd.Read(ctx)
	close(done)
	<-printed
	p, cost := rd.Progress(), rd.Cost()
	if err != nil {
		return nil, fmt.Errorf("could not verify: %w", err)
	}
	fmt.Fprintf(status, "verifying: read %d/%d shards, %d records in %.1f s\n", p.ShardsDone, p.Shards, p.Records, cost.Seconds)
	return verifySummary(r.verify.runID, verify.Check(&r.verify.ledger, tally), p, cost), nil
}

func verifySummary(runID string, rep verify.Report, p verify.Progress, c verify.Cost) *metrics.VerifySummary {
	b := func(o verify.Outcome) metrics.VerifyBucket {
		x := rep.Bucket(o)
		return metrics.VerifyBucket{Found: x.Found, NotFound: x.NotFound}
	}
	return &metrics.VerifySummary{RunID: runID, EnvelopeBytes: verify.EnvelopeLen, Records: rep.Records,
		Acknowledged: b(verify.Acknowledged), MaybeStored: b(verify.MaybeStored), NotStored: b(verify.NotStored),
		NeverSent: b(verify.NeverSent), Refused: b(verify.Refused), Unresolved: b(verify.Unresolved),
		StoredOnce: rep.StoredOnce, StoredMoreThanOnce: rep.StoredMoreThanOnce, ExtraCopies: rep.ExtraCopies,
		DuplicatesAfterRetry: rep.DuplicatesAfterRetry, DuplicatesWrongShard: rep.DuplicatesWrongShard,
		DuplicatesUnexplained: rep.DuplicatesUnexplained, Missing: rep.Missing(), Anomalies: rep.Anomalies(),
		Unaccounted: rep.Unaccounted(), Unknown: rep.Unknown, OrderViolations: rep.OrderViolations,
		KCLDroppedSubRecords: rep.KCLDroppedSubRecords, KCLDroppedOnly: rep.KCLDroppedOnly, Foreign: rep.Foreign,
		Malformed: rep.Malformed, MissingSample: append([]uint64{}, rep.MissingSample...),
		Cost: metrics.VerifyCost{Shards: p.Shards, ListShardsCalls: c.ListShardsCalls, GetShardIteratorCalls: c.GetShardIteratorCalls,
			GetRecordsCalls: c.GetRecordsCalls, Throttles: c.Throttles, Bytes: c.Bytes, Seconds: c.Seconds}}
}

// VerifyVerdict is the run's failure by its read-back, or nil: data loss (acknowledged records
// not in the stream), or records the producer said it had not stored found there (its
// categories lied), or records of the run it never handed out. Duplicates are no failure:
// Kinesis writes are at least once.
func VerifyVerdict(v *metrics.VerifySummary) error {
	if v == nil {
		return nil
	}
	var errs []error
	if v.Missing > 0 {
		errs = append(errs, fmt.Errorf("data loss: %d acknowledged records are not in the stream (sequence numbers %s)",
			v.Missing, sampleList(v.MissingSample, v.Missing)))
	}
	if said := v.NotStored.Found + v.NeverSent.Found + v.Refused.Found; said > 0 {
		errs = append(errs, fmt.Errorf("the read-back contradicts the producer: %d records it said were not stored are in the stream (%d not stored, %d never sent, %d refused)",
			said, v.NotStored.Found, v.NeverSent.Found, v.Refused.Found))
	}
	if v.Unknown > 0 {
		errs = append(errs, fmt.Errorf("the stream holds %d records of run %s with sequence numbers the run never handed out (corruption)", v.Unknown, v.RunID))
	}
	return errors.Join(errs...)
}

func sampleList(sample []uint64, total int64) string {
	parts := make([]string, len(sample))
	for i, s := range sample {
		parts[i] = fmt.Sprint(s)
	}
	out := strings.Join(parts, ", ")
	if int64(len(sample)) < total {
		out += ", …"
	}
	return out
}

// verifyRetention raises the embedded emulator's retention for a verified run, unless set: the
// read-back needs every record of the run, and the default (100,000 records or 64 MiB a shard)
// holds about a minute of a shard at its write limit. The bounds cost memory only as records
// are written.
func verifyRetention(c emulator.Config) emulator.Config {
	if c.RetainRecordsPerShard == 0 {
		c.RetainRecordsPerShard = 10_000_000
	}
	if c.RetainBytesPerShard == 0 {
		c.RetainBytesPerShard = 4 << 30
	}
	return c
}
