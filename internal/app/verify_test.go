package app

import (
	"context"
	"errors"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"

	"github.com/shardstorm/shardstorm/emulator"
	"github.com/shardstorm/shardstorm/metrics"
	"github.com/shardstorm/shardstorm/producer"
	"github.com/shardstorm/shardstorm/workload"
)

// verifiedRun runs opts with Verify on for its workload's duration, stops it and reads back.
func verifiedRun(t *testing.T, opts Options, during func(*Run)) (*Run, metrics.Summary, *metrics.VerifySummary) {
	t.Helper()
	ctx := context.Background()
	opts.Verify, opts.InProcess, opts.NoCloudWatch = true, true, true
	var status strings.Builder
	opts.Status = &status
	r, err := Start(ctx, opts)
	if err != nil {
		t.Fatal(err)
	}
	if during != nil {
		during(r)
	}
	<-r.Done()
	stopCtx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	sum, err := r.Stop(stopCtx, nil)
	if err != nil {
		t.Fatal(err)
	}
	v, err := r.Verify(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(status.String(), "verifying: read ") {
		t.Errorf("no progress line on the status writer:\n%s", status.String())
	}
	return r, sum, v
}

// checkAccounted asserts what every verified run must show: every record handed over is in one
// bucket, none acknowledged is missing, none said not stored is found.
func checkAccounted(t *testing.T, v *metrics.VerifySummary, o Outcomes) {
	t.Helper()
	buckets := []metrics.VerifyBucket{v.Acknowledged, v.MaybeStored, v.NotStored, v.NeverSent, v.Refused, v.Unresolved}
	var sum int64
	for _, b := range buckets {
		sum += b.Found + b.NotFound
	}
	if v.Records == 0 || sum != v.Records || v.Unaccounted != 0 {
		t.Fatalf("%d records, %d in buckets, %d unaccounted: %+v", v.Records, sum, v.Unaccounted, v)
	}
	if v.Missing != 0 || v.Anomalies != 0 || VerifyVerdict(v) != nil {
		t.Fatalf("missing %d, anomalies %d (%v): %+v", v.Missing, v.Anomalies, VerifyVerdict(v), v)
	}
	if v.Acknowledged.Found != o.Acknowledged {
		t.Fatalf("%d acknowledged records found, the producer acknowledged %d", v.Acknowledged.Found, o.Acknowledged)
	}
}

// (a) A clean run: every acknowledged record is in the stream once.
func TestVerifyCleanRun(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		spec := DefaultWorkload()
		spec.Rate, spec.Duration = 1000, 3*time.Second
		r, sum, v := verifiedRun(t, Options{Workload: spec}, nil)
		checkAccounted(t, v, r.sink.Outcomes())
		if v.StoredOnce != v.Records || v.StoredMoreThanOnce != 0 || v.Acknowledged.Found != v.Records {
			t.Fatalf("a clean run: %+v", v)
		}
		if v.EnvelopeBytes != 27 || v.Cost.Shards != 4 || v.Cost.GetRecordsCalls < 4 || v.Cost.Bytes == 0 {
			t.Fatalf("envelope %d, cost %+v", v.EnvelopeBytes, v.Cost)
		}
		// The envelope is in what the producer put: every record carries its 27 bytes.
		ps, ws := r.eng.Stats().Stream, r.gen.Stats()
		if ps.UserRecordsPut != int64(ws.Emitted) || ps.UserBytesPut != int64(ws.EmittedBytes)+27*int64(ws.Emitted) {
			t.Fatalf("user bytes put %d, emitted %d + 27 × %d records", ps.UserBytesPut, ws.EmittedBytes, ws.Emitted)
		}
		sum.Verify = v
		var out strings.Builder
		if err := WriteSummary(&out, sum); err != nil {
			t.Fatal(err)
		}
		for _, want := range []string{"Read-back (--verify, run " + v.RunID, "27-byte envelope", "acknowledged", "0 missing, 0 anomalies, 0 unaccounted", "GetRecords"} {
			if !strings.Contains(out.String(), want) {
				t.Errorf("summary lacks %q:\n%s", want, out.String())
			}
		}
	})
}

// (b) The service answers after the client gave up (a timeout that stored): each timed-out
// attempt leaves a copy. The read-back finds the duplicates and blames the retries; maybe-stored
// records resolve into found / not found; every record is accounted for.
func TestVerifyTimeoutsThatStored(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		spec := DefaultWorkload()
		spec.Rate, spec.Duration = 200, 4*time.Second
		pc := producer.DefaultConfig("")
		pc.RequestTimeout, pc.RecordTtl = 100*time.Millisecond, time.Second
		opts := Options{Workload: spec, Producer: pc,
			Emulator: emulator.Config{Faults: emulator.Faults{AnswerLatency: emulator.Latency{Kind: emulator.LatencyFixed, Base: 300 * time.Millisecond}}}}
		r, _, v := verifiedRun(t, opts, func(r *Run) {
			time.Sleep(2 * time.Second) // records of the first second expire maybe stored; later ones retry in time
			if err := r.emu.SetFaults(emulator.Faults{}); err != nil {
				t.Fatal(err)
			}
		})
		checkAccounted(t, v, r.sink.Outcomes())
		t.Logf("read-back: %+v", *v)
		if v.MaybeStored.Found+v.MaybeStored.NotFound == 0 || v.MaybeStored.Found == 0 {
			t.Fatalf("no maybe-stored record found: %+v", v.MaybeStored)
		}
		if v.StoredMoreThanOnce == 0 || v.DuplicatesAfterRetry != v.StoredMoreThanOnce || v.ExtraCopies < v.StoredMoreThanOnce {
			t.Fatalf("duplicates %d (after retry %d, wrong shard %d, unexplained %d)", v.StoredMoreThanOnce,
				v.DuplicatesAfterRetry, v.DuplicatesWrongShard, v.DuplicatesUnexplained)
		}
	})
}

// (c) A reshard mid-run with aggregation: the closed parents are read too; sub-records the KCL
// drops are counted, and never called missing.
func TestVerifyReshardWithAggregation(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		spec := DefaultWorkload()
		spec.Rate, spec.Duration = 2000, 4*time.Second
		r, _, v := verifiedRun(t, Options{Workload: spec, ReshardAfter: time.Second}, nil)
		checkAccounted(t, v, r.sink.Outcomes())
		if v.Cost.Shards != 12 {
			t.Fatalf("read %d shards, want 12 (4 closed parents, 8 children)", v.Cost.Shards)
		}
		if v.DuplicatesUnexplained != 0 || v.KCLDroppedSubRecords > 0 && v.DuplicatesWrongShard+v.KCLDroppedOnly == 0 {
			t.Fatalf("KCL-dropped copies %d explain no duplicate (wrong shard %d, unexplained %d)", v.KCLDroppedSubRecords, v.DuplicatesWrongShard, v.DuplicatesUnexplained)
		}
		if v.KCLDroppedOnly > v.Acknowledged.Found+v.MaybeStored.Found {
			t.Fatalf("KCL-dropped records %d not among those found: %+v", v.KCLDroppedOnly, v)
		}
		t.Logf("KCL-dropped sub-record copies %d (records only there %d), wrong-shard duplicates %d", v.KCLDroppedSubRecords, v.KCLDroppedOnly, v.DuplicatesWrongShard)
		if v.KCLDroppedOnly > 0 {
			var out strings.Builder
			if err := writeVerify(&out, v); err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(out.String(), "a KCL consumer would never see") {
				t.Fatalf("the verdict hides the records a KCL consumer drops:\n%s", out.String())
			}
		}
	})
}

// Data loss is found and fails the run: a stream that keeps only its newest records (the
// emulator's retention set small, as a too-short retention period would on AWS) has lost
// acknowledged ones.
func TestVerifyFindsDataLoss(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		spec := DefaultWorkload()
		spec.Rate, spec.Duration = 1000, 2*time.Second
		pc := producer.DefaultConfig("")
		pc.DisableAggregation = true // a Kinesis record each: 500 a shard, of which the stream keeps 50
		_, _, v := verifiedRun(t, Options{Workload: spec, Producer: pc, Emulator: emulator.Config{RetainRecordsPerShard: 50}}, nil)
		if v.Missing == 0 || len(v.MissingSample) == 0 {
			t.Fatalf("no record missing: %+v", v)
		}
		err := VerifyVerdict(v)
		if err == nil || !strings.Contains(err.Error(), "data loss") {
			t.Fatalf("verdict %v, want data loss", err)
		}
	})
}

// A read-back that cannot read says so: the stream was deleted before it.
func TestVerifyCannotReadADeletedStream(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ctx := context.Background()
		spec := DefaultWorkload()
		spec.Rate, spec.Duration = 500, time.Second
		r, err := Start(ctx, Options{Workload: spec, Verify: true, InProcess: true, NoCloudWatch: true})
		if err != nil {
			t.Fatal(err)
		}
		<-r.Done()
		if _, err := r.Stop(ctx, nil); err != nil {
			t.Fatal(err)
		}
		if _, err := r.kin.DeleteStream(ctx, &kinesis.DeleteStreamInput{StreamName: aws.String(r.opts.Stream)}); err != nil {
			t.Fatal(err)
		}
		time.Sleep(5 * time.Second) // past the emulator's DELETING state
		if v, err := r.Verify(ctx); err == nil || v != nil || !strings.Contains(err.Error(), "could not verify") {
			t.Fatalf("Verify of a deleted stream: %+v, %v", v, err)
		}
	})
}

// Records at Kinesis's size limit still fit once stamped: the envelope's bytes come off the
// largest payloads, and no record is refused; a size that leaves no room is refused up front,
// naming --verify.
func TestVerifyRecordsAtTheSizeLimit(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		spec := DefaultWorkload()
		spec.Rate, spec.Duration = 4, 2*time.Second
		var err error
		if spec.Size, err = workload.ParseSize("1048576"); err != nil {
			t.Fatal(err)
		}
		_, err = Start(context.Background(), Options{Workload: spec, Verify: true, InProcess: true, NoCloudWatch: true})
		if fe := new(workload.FieldError); !errors.As(err, &fe) || fe.Field != "record_size" || !strings.Contains(err.Error(), "--verify's 27-byte envelope") {
			t.Fatalf("a 1 MiB record with --verify: %v", err)
		}
		if spec.Size, err = workload.ParseSize("uniform:1048000-1048548"); err != nil {
			t.Fatal(err)
		}
		r, _, v := verifiedRun(t, Options{Workload: spec}, nil)
		checkAccounted(t, v, r.sink.Outcomes())
		if v.Refused != (metrics.VerifyBucket{}) || v.Acknowledged.Found != v.Records || v.Records < 4 {
			t.Fatalf("records at the limit: %+v", v)
		}
	})
}
