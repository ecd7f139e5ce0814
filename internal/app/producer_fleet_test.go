package app

import (
	"strconv"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/shardstorm/shardstorm/emulator"
	"github.com/shardstorm/shardstorm/metrics"
)

func findingOf(sum metrics.Summary, rule string) *metrics.Finding {
	for i := range sum.Findings {
		if sum.Findings[i].Rule == rule {
			return &sum.Findings[i]
		}
	}
	return nil
}

// meanOver is the mean of a stream series over [from, to).
func meanOver(r *Run, m metrics.Metric, from, to time.Time) float64 {
	var sum, n float64
	for _, p := range r.sampler.Store().Series(m.String(), "", from) {
		if p.T.Before(to) && p.V == p.V {
			sum, n = sum+p.V, n+1
		}
	}
	return sum / n
}

// `run --producer putrecord --shards 1 --record-size 1064 --rate 1500`: the report names
// PutRecord's rounding, with PutRecords as the fix, and every record is accounted for.
func TestPutRecordRunNamesTheRoundingAndPutRecords(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		r, sum := profileRun(t, EngineOptions{Profile: ProfilePutRecord}, 1, 1500, "1064", 20*time.Second, nil)
		f := findingOf(sum, "putrecord-rounding")
		if f == nil {
			t.Fatalf("no putrecord-rounding finding: %+v", sum.Findings)
		}
		if !strings.Contains(f.Summary, "as 2 KiB") || !strings.Contains(f.Advice, "Send with PutRecords") {
			t.Errorf("finding %s / %s", f.Summary, f.Advice)
		}
		if sum.Producer != ProfilePutRecord || sum.Fleet == nil || sum.Fleet.Clients != 1 {
			t.Errorf("summary: producer %q, fleet %+v", sum.Producer, sum.Fleet)
		}
		// The emulator counts each record as 2 KiB: a shard takes 512 of them a second, ± 3 %,
		// where PutRecords would carry 953 (1 MiB ÷ 1,100 bytes of data and key).
		if got := meanOver(r, metrics.PutRecords, sum.Started.Add(5*time.Second), sum.Started.Add(20*time.Second)); got < 512*0.97 || got > 512*1.03 {
			t.Errorf("delivered %.0f records/s through PutRecord, want 512 ± 3%%", got)
		}
		if gt, _ := r.GroundTruth(); gt.PutRecordRequests == 0 || gt.PutRecordsRequests != 0 {
			t.Errorf("the emulator saw %d PutRecord and %d PutRecords requests; want PutRecord only", gt.PutRecordRequests, gt.PutRecordsRequests)
		}
		accountingExact(t, r, sum)
	})
	// The rounding is the cause: with the emulator charging the bytes sent, the same run gets
	// 1 MiB ÷ 1,100 bytes (1,064 of data and the random keys' 36) a second.
	synctest.Test(t, func(t *testing.T) {
		r, sum := profileRun(t, EngineOptions{Profile: ProfilePutRecord}, 1, 1500, "1064", 20*time.Second,
			func(o *Options) { o.Emulator.Limits.SizeAccounting = emulator.SizeRaw })
		if got := meanOver(r, metrics.PutRecords, sum.Started.Add(5*time.Second), sum.Started.Add(20*time.Second)); got < 953*0.97 || got > 953*1.03 {
			t.Errorf("raw size accounting: delivered %.0f records/s, want 953 ± 3%%", got)
		}
	})
}

// 300 and 5,000 clients batching with PutRecords: every record in exactly one category, the
// clients all counted, the emulator's stored records at least those acknowledged.
func TestFleetOfClientsAccountsForEveryRecord(t *testing.T) {
	for _, n := range []int{300, 5000} {
		t.Run(strconv.Itoa(n)+" clients", func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				r, sum := profileRun(t, EngineOptions{Profile: ProfilePutRecords, Clients: n}, 4, 3000, "300", 6*time.Second, nil)
				if sum.Fleet == nil || sum.Fleet.Clients != int64(n) || sum.Fleet.Online != int64(n) || sum.Fleet.Offline != 0 {
					t.Errorf("fleet %+v", sum.Fleet)
				}
				if sum.Accounting.Acknowledged == 0 {
					t.Fatalf("nothing acknowledged: %+v", sum.Accounting)
				}
				if gt, _ := r.GroundTruth(); gt.PutRecordsRequests == 0 || gt.PutRecordRequests != 0 {
					t.Errorf("the emulator saw %d PutRecords and %d PutRecord requests; want PutRecords only", gt.PutRecordsRequests, gt.PutRecordRequests)
				}
				accountingExact(t, r, sum)
			})
		})
	}
}

// --connectivity outage:5s:10s: every client offline from 5 s to 15 s, buffering, then all back
// at once. The reconnect burst shows (every client, in one sample), its throttling, and the
// finding; what the clients buffered offline is delivered or accounted for. Each request takes
// 50 ms (the network): a PutRecords client re-sends throttled entries at once, and on virtual
// time with an instant emulator that would be a loop in which no time passes.
func TestOutageReconnectBurstThrottlesAndEveryRecordIsAccounted(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		r, sum := profileRun(t, EngineOptions{Profile: ProfilePutRecords, Clients: 100, Connectivity: "outage:5s:10s"}, 1, 400, "1000", 25*time.Second,
			func(o *Options) {
				o.Emulator.Faults.Latency = emulator.Latency{Kind: emulator.LatencyFixed, Base: 50 * time.Millisecond}
			})
		f := sum.Fleet
		if f == nil || f.MaxOffline != 100 || f.Reconnects < 100 || f.PeakReconnectsPerSecond < 100 || f.MaxBufferedRecords < 3000 {
			t.Fatalf("fleet %+v: want all 100 offline, ≥ 3,000 records buffered, 100 reconnects in one burst", f)
		}
		if f.Offline != 0 || f.Buffered != 0 {
			t.Errorf("at the end: %d offline, %d records still buffered", f.Offline, f.Buffered)
		}
		if sum.Totals.ThrottledRecords == 0 {
			t.Error("the burst of 4,000 buffered 1,000-byte records into one shard throttled nothing")
		}
		if fd := findingOf(sum, "reconnect-burst-throttles"); fd == nil || !strings.Contains(fd.Advice, "jitter") {
			t.Errorf("no reconnect-burst-throttles finding: %+v", sum.Findings)
		}
		accountingExact(t, r, sum)
		// The outage is shorter than the records' TTL: what the clients buffered is delivered.
		if a := sum.Accounting; a.Acknowledged+a.Dropped != a.Scheduled {
			t.Errorf("buffered records lost: %+v", a)
		}
	})
}
