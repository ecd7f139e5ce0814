package advisor

import (
	"strings"
	"testing"
	"time"
)

const kplBasis = "from the KPL's metrics (namespace KinesisProducerLibrary)"

// Records expiring in the KPL while the stream throttles: critical, the RecordTtl advice of the
// expiry rule (the application's TTL is not published, so no figure is made up for it).
func TestOutsideKPLRecordsExpiring(t *testing.T) {
	b := newView(2, time.Minute, 5).stream(2000, 2000*500, 300).kpl("UserRecordExpired", "Sum", "", flat(12))
	f := oneFinding(t, b.v, "records-expiring")
	if f.Severity != Critical {
		t.Fatalf("finding %+v", f)
	}
	wantContains(t, "basis", f.Basis, kplBasis, "throttles from 1-minute CloudWatch sums")
	wantContains(t, "summary", f.Summary, "12 user records/s expire in the KPL", "while the stream refuses 300 records/s")
	wantContains(t, "advice", f.Advice, "Raise RecordTtl above the application's current setting (the KPL default is 30s)", "fix the capacity")
	if f.Evidence["expired_per_sec"] != 12.0 {
		t.Errorf("evidence %v", f.Evidence)
	}
}

// Records expiring while every attempt fails on KMS access denied, with no throttling: a longer
// RecordTtl saves nothing, and the advice says so instead of asking for one.
func TestOutsideKPLRecordsExpiringOnAPermanentError(t *testing.T) {
	b := newView(2, time.Minute, 5).kpl("UserRecordExpired", "Sum", "", flat(12)).
		kpl("ErrorsByCode", "Sum", "KMSAccessDeniedException", flat(25))
	f := oneFinding(t, b.v, "records-expiring")
	wantContains(t, "advice", f.Advice, "no retry cures (KMSAccessDeniedException)", "a longer TTL will not save them", "see the KMS finding")
	if strings.Contains(f.Advice, "Raise RecordTtl") {
		t.Errorf("advice asks for a longer TTL against a permanent error: %s", f.Advice)
	}
}

// Buffering far over the KPL's default RecordMaxBufferedTime, retries per record and a pending
// count rising without bound each raise their finding; healthy figures raise none.
func TestOutsideKPLBufferingRetriesAndPending(t *testing.T) {
	growing := func(i int) float64 { return []float64{500, 2000, 4000, 3900, 7000, 9000}[i] }
	b := newView(2, time.Minute, 6).kpl("BufferingTime", "Average", "", flat(800)).
		kpl("RetriesPerRecord", "Average", "", flat(1.5)).kpl("UserRecordsPending", "Average", "", growing).
		kpl("ErrorsByCode", "Sum", "ProvisionedThroughputExceededException", flat(40))
	raised := mustRaise(b.v)
	buf := findRule(raised, "kpl-buffering-time")
	if len(buf) != 1 || buf[0].Basis != kplBasis {
		t.Fatalf("raised %v", rules(raised))
	}
	wantContains(t, "buffering summary", buf[0].Summary, "records wait 800 ms on average", "over 5× the KPL's default RecordMaxBufferedTime of 100 ms")
	ret := findRule(raised, "kpl-retries")
	if len(ret) != 1 {
		t.Fatalf("raised %v", rules(raised))
	}
	wantContains(t, "retries summary", ret[0].Summary, "records are retried 1.5 times on average in the KPL", "ProvisionedThroughputExceededException 40/s")
	wantContains(t, "retries advice", ret[0].Advice, "mostly throttles")
	pend := findRule(raised, "kpl-pending-growing")
	if len(pend) != 1 {
		t.Fatalf("raised %v", rules(raised))
	}
	wantContains(t, "pending summary", pend[0].Summary, "rose in 4 of 5 periods, from 500 to 9,000")

	healthy := newView(2, time.Minute, 6).kpl("BufferingTime", "Average", "", flat(120)).
		kpl("RetriesPerRecord", "Average", "", flat(0.01)).kpl("UserRecordsPending", "Average", "", func(i int) float64 { return []float64{800, 900, 700, 950, 800, 900}[i] })
	if got := mustRaise(healthy.v); len(got) != 0 {
		t.Errorf("healthy KPL raised %v", rules(got))
	}
}

// KMSAccessDeniedException among the KPL's errors is named as KMS access denied, with the
// stream's key and the kms:GenerateDataKey advice of the KMS rule; other codes are listed.
func TestOutsideKPLErrorsByCode(t *testing.T) {
	key := "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
	b := newView(2, time.Minute, 5).kpl("ErrorsByCode", "Sum", "KMSAccessDeniedException", flat(25)).
		kpl("ErrorsByCode", "Sum", "InternalFailure", flat(2))
	b.v.Stream.Encryption, b.v.Stream.KeyID = "KMS", key
	raised := mustRaise(b.v)
	kms := findRule(raised, "kms-access-denied")
	if len(kms) != 1 || kms[0].Severity != Critical || kms[0].Title != "KMS permission denied" || kms[0].Basis != kplBasis {
		t.Fatalf("raised %+v", raised)
	}
	wantContains(t, "advice", kms[0].Advice, "kms:GenerateDataKey on "+key, "the producer's IAM principal")
	other := findRule(raised, "kpl-errors")
	if len(other) != 1 {
		t.Fatalf("raised %v", rules(raised))
	}
	wantContains(t, "errors summary", other[0].Summary, "InternalFailure 2/s")
	if len(findRule(raised, "kpl-errors")) != 1 || len(raised) != 2 {
		t.Errorf("raised %v", rules(raised))
	}
}

// shardstorm agents publish the KPL's names, one set per agent: the fleet is read as one and
// the agent behind most of a figure is named.
func TestOutsideAgentsReadAsOneFleet(t *testing.T) {
	b := newView(2, time.Minute, 5).agent("host-a", "UserRecordExpired", "Sum", flat(10)).agent("host-b", "UserRecordExpired", "Sum", flat(0.5)).
		agent("host-c", "UserRecordExpired", "Sum", flat(0.5))
	f := oneFinding(t, b.v, "records-expiring")
	if f.Basis != "from shardstorm agents' metrics (namespace shardstorm, 3 agents)" || f.Evidence["agent"] != "host-a" {
		t.Fatalf("finding %+v", f)
	}
	wantContains(t, "summary", f.Summary, "11 user records/s expire in the shardstorm agents", "agent host-a accounts for 91%")

	// Evenly spread, no agent is named.
	even := newView(2, time.Minute, 5).agent("host-a", "UserRecordExpired", "Sum", flat(5)).agent("host-b", "UserRecordExpired", "Sum", flat(5))
	if f := oneFinding(t, even.v, "records-expiring"); f.Evidence["agent"] != nil {
		t.Errorf("named %v for an even fleet", f.Evidence["agent"])
	}
}

// The KPL's and the agents' metrics both saying records expire make one finding, the KPL's.
func TestOutsideKPLAndAgentsDoNotDuplicate(t *testing.T) {
	b := newView(2, time.Minute, 5).kpl("UserRecordExpired", "Sum", "", flat(3)).agent("host-a", "UserRecordExpired", "Sum", flat(4))
	f := oneFinding(t, b.v, "records-expiring")
	if f.Basis != kplBasis {
		t.Errorf("basis %q", f.Basis)
	}
}

// One agent of a fleet buffering long is found and named, though the fleet's mean is fine.
func TestOutsideOneAgentBufferingLongIsNamed(t *testing.T) {
	b := newView(2, time.Minute, 5).agent("host-a", "BufferingTime", "Average", flat(120)).agent("host-b", "BufferingTime", "Average", flat(110)).
		agent("host-c", "BufferingTime", "Average", flat(900))
	f := oneFinding(t, b.v, "kpl-buffering-time")
	if f.Evidence["agent"] != "host-c" || f.Evidence["buffering_time_ms"] != 900.0 {
		t.Fatalf("finding %+v", f)
	}
	wantContains(t, "summary", f.Summary, "records wait 900 ms on average in agent host-c (of 3 shardstorm agents)")
}
