package advisor

import (
	"testing"
	"time"
)

// 1,100-byte records one PutRecord each on one shard: AWS counts each as 2 KiB, so the shard
// takes 512 a second and refuses the rest while the sums show it half used. The finding says
// what the rounding wastes at that size and that PutRecords would not; write-bursts does not
// blame bursts for it.
func TestOutsidePutRecordRounding(t *testing.T) {
	b := newView(1, time.Minute, 5).stream(512, 512*1100, 300).
		kinesis("PutRecord.Success", "Sum", 512).kinesis("PutRecord.Bytes", "Sum", 512*1100)
	f := oneFinding(t, b.v, "putrecord-rounding")
	if f.Severity != Warning || f.Basis != "from 1-minute CloudWatch sums" {
		t.Fatalf("finding %+v", f)
	}
	wantContains(t, "summary", f.Summary, "100% of the records come one PutRecord each, 1,100 bytes on average", "each as 2 KiB",
		"46% of the byte capacity they use is rounding", "512 of them a second instead of 953 (46% fewer)", "refuses 300 records/s")
	wantContains(t, "advice", f.Advice, "PutRecords rounds the sum of a call's records once", "up to 953 records/s a shard", "not 2 KiB each")
	if f.Evidence["charged_bytes_per_record"] != 2048.0 || f.Evidence["wasted_fraction_of_bytes"] != 0.463 {
		t.Errorf("evidence %v", f.Evidence)
	}
	if got := findRule(mustRaise(b.v), "write-bursts"); len(got) != 0 {
		t.Errorf("the rounding's refusals blamed on bursts: %s", got[0].Summary)
	}

	// Near the limit as AWS counts it (450 × 2 KiB is 88% of 1 MiB/s), nothing refused yet: info.
	b = newView(1, time.Minute, 5).stream(450, 450*1100, 0).
		kinesis("PutRecord.Success", "Sum", 450).kinesis("PutRecord.Bytes", "Sum", 450*1100)
	if f := oneFinding(t, b.v, "putrecord-rounding"); f.Severity != Info {
		t.Errorf("near the limit, nothing refused: severity %s", f.Severity)
	}

	for _, c := range []struct {
		why                            string
		records, size, throttled, puts float64
	}{
		{"records of 1 KiB or less lose nothing: the records limit binds first", 1000, 500, 200, 1000},
		{"far from the limit even counted in whole KiB", 100, 1100, 0, 100},
		{"the records come by PutRecords", 900, 1100, 200, 0},
		{"a few PutRecord calls beside PutRecords batches", 900, 1100, 200, 50},
	} {
		b := newView(1, time.Minute, 5).stream(c.records, c.records*c.size, c.throttled)
		if c.puts > 0 {
			b.kinesis("PutRecord.Success", "Sum", c.puts).kinesis("PutRecord.Bytes", "Sum", c.puts*c.size)
		}
		if got := findRule(mustRaise(b.v), "putrecord-rounding"); len(got) != 0 {
			t.Errorf("%s: raised %s", c.why, got[0].Summary)
		}
	}
}
