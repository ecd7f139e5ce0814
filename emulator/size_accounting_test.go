package emulator

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"

	"github.com/shardstorm/shardstorm/internal/sdktest"
)

// The troubleshooting page's rule, on a one-shard stream with 1,100-byte records (data +
// partition key): PutRecord pays 2 KiB a record (512/s), PutRecords pays the call's sum rounded
// up once (≈ 953/s, as the raw bytes allow). The rates are the steady state: the bytes burst is
// spent by one 1 MiB record at t=0, then records are offered in 100 ms steps for 5 s of manual
// clock, so what is accepted is exactly what 5 s of refill (5 MiB) pays for.

const (
	roundingRecordBytes = 1100
	steadySeconds       = 5
)

// newInMemEnv is an emulator on a ManualClock at t0 driven by the real SDK clients through
// InMemTransport: the same handler as over HTTP, without a socket per call, for tests that make
// thousands of calls.
func newInMemEnv(t testing.TB, cfg Config) *testEnv {
	t.Helper()
	clock := NewManualClock(t0)
	cfg.Clock = clock
	e, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	tr := InMemTransport{Handler: e}
	return &testEnv{emu: e, clock: clock, ctx: context.Background(),
		kin: sdktest.Kinesis("http://emulator.in-process", 1, tr), cw: sdktest.CloudWatch("http://emulator.in-process", 1, tr)}
}

// spendBytesBurst empties the shard's bytes bucket with one 1 MiB record (a whole number of
// KiB: the same charge under either accounting).
func spendBytesBurst(t *testing.T, env *testEnv) {
	t.Helper()
	must(env.kin.PutRecord(env.ctx, &kinesis.PutRecordInput{StreamName: aws.String("s"), PartitionKey: aws.String("k"), Data: make([]byte, mib-1)}))(t)
}

// putRecordSteadily offers perStep PutRecord calls of one 1,100-byte record every 100 ms for
// steadySeconds after the burst is spent, and returns how many were accepted.
func putRecordSteadily(t *testing.T, env *testEnv, perStep int) (accepted int) {
	t.Helper()
	spendBytesBurst(t, env)
	data := make([]byte, roundingRecordBytes-1)
	for range 10 * steadySeconds {
		env.clock.Advance(100 * time.Millisecond)
		for range perStep {
			_, err := env.kin.PutRecord(env.ctx, &kinesis.PutRecordInput{StreamName: aws.String("s"), PartitionKey: aws.String("k"), Data: data})
			switch code := apiCode(err); code {
			case "":
				accepted++
			case "ProvisionedThroughputExceededException":
			default:
				t.Fatalf("PutRecord: %v", err)
			}
		}
	}
	return accepted
}

func withinPercent(got, want, pct float64) bool {
	return got >= want*(1-pct/100) && got <= want*(1+pct/100)
}

// checkIncomingBytes asserts the stream's IncomingBytes since t0 are the raw bytes accepted (the
// 1 MiB record that spent the burst included), not the rounded charge.
func checkIncomingBytes(t *testing.T, env *testEnv) {
	t.Helper()
	st, _ := env.emu.StreamStats("s")
	got, _ := metricSum(t, env, "IncomingBytes", "Sum", map[string]string{"StreamName": "s"}, t0, t0.Add(60*time.Second))
	if int64(got) != st.Total.AcceptedBytes {
		t.Errorf("IncomingBytes %v, want the %d bytes accepted", got, st.Total.AcceptedBytes)
	}
}

func TestRoundedPutRecordAccepts512PerSecondOf1100ByteRecords(t *testing.T) {
	env := newInMemEnv(t, Config{Streams: []StreamSpec{{Name: "s", Shards: 1}}})
	accepted := putRecordSteadily(t, env, 60) // 600/s offered
	// Each record is charged 2,048 bytes: 5 MiB of refill pays for exactly 2,560.
	if rate := float64(accepted) / steadySeconds; accepted != 512*steadySeconds || !withinPercent(rate, 512, 3) {
		t.Fatalf("accepted %d records in %d s (%.1f/s), want %d (512/s: each 1,100-byte record counts 2 KiB)", accepted, steadySeconds, rate, 512*steadySeconds)
	}
	st, _ := env.emu.StreamStats("s")
	if want := int64(mib) + int64(accepted)*2048; st.Total.ChargedBytes != want {
		t.Errorf("charged %d bytes, want %d (the burst record + 2 KiB per record)", st.Total.ChargedBytes, want)
	}
	if want := int64(mib) + int64(accepted)*roundingRecordBytes; st.Total.AcceptedBytes != want {
		t.Errorf("accepted bytes %d, want the %d sent", st.Total.AcceptedBytes, want)
	}
	checkIncomingBytes(t, env)
}

func TestRawPutRecordAccepts953PerSecondOf1100ByteRecords(t *testing.T) {
	env := newInMemEnv(t, Config{Streams: []StreamSpec{{Name: "s", Shards: 1}}, Limits: Limits{SizeAccounting: SizeRaw}})
	accepted := putRecordSteadily(t, env, 100) // 1,000/s offered: the bytes bind first
	// 5 MiB / 1,100 bytes = 4,766.3: 4,766 whole records.
	if rate := float64(accepted) / steadySeconds; accepted != steadySeconds*mib/roundingRecordBytes || !withinPercent(rate, 953, 3) {
		t.Fatalf("accepted %d records in %d s (%.1f/s), want %d (953/s: the raw bytes)", accepted, steadySeconds, rate, steadySeconds*mib/roundingRecordBytes)
	}
	checkIncomingBytes(t, env)
}

func TestRoundedPutRecordsAccepts953PerSecondOf1100ByteRecords(t *testing.T) {
	env := newInMemEnv(t, Config{Streams: []StreamSpec{{Name: "s", Shards: 1}}})
	spendBytesBurst(t, env)
	accepted, wantCharge := 0, int64(mib)
	for range 10 * steadySeconds {
		env.clock.Advance(100 * time.Millisecond)
		// 120 records a call, 1,200/s offered.
		out := must(env.kin.PutRecords(env.ctx, &kinesis.PutRecordsInput{StreamName: aws.String("s"), Records: entries(120, roundingRecordBytes, "k")}))(t)
		n := len(out.Records) - int(aws.ToInt32(out.FailedRecordCount))
		accepted += n
		wantCharge += roundUpKiB(int64(n) * roundingRecordBytes) // the call's sum, rounded once
	}
	if rate := float64(accepted) / steadySeconds; !withinPercent(rate, 953, 3) {
		t.Fatalf("accepted %d records in %d s (%.1f/s), want 953/s ± 3 %%", accepted, steadySeconds, rate)
	}
	st, _ := env.emu.StreamStats("s")
	if st.Total.ChargedBytes != wantCharge {
		t.Errorf("charged %d bytes, want %d (each call's sum rounded up once)", st.Total.ChargedBytes, wantCharge)
	}
	// Never past the limit, and nothing left unused that a 1,100-byte record could have taken
	// (the last call may leave up to one record plus its rounding).
	if paid := int64(steadySeconds * mib); st.Total.ChargedBytes > int64(mib)+paid || st.Total.ChargedBytes < int64(mib)+paid-2*kib-roundingRecordBytes {
		t.Errorf("charged %d bytes, want within a record of the burst + 5 s × 1 MiB/s = %d", st.Total.ChargedBytes, int64(mib)+paid)
	}
	checkIncomingBytes(t, env)
}

// The page's example over loopback HTTP, counted: 600 records of 1.1 KB on an idle shard.
// PutRecords takes at most 500 records, so two calls of 300 at the same instant (660 KB in all,
// under the 1 MiB burst): none throttled. The same 600 through PutRecord count 2 KiB each: the
// burst holds 512 of them.
func TestPageExample600RecordsOf1100Bytes(t *testing.T) {
	env := newEnv(t, Config{Streams: []StreamSpec{{Name: "batched", Shards: 1}, {Name: "single", Shards: 1}, {Name: "one-call", Shards: 1}}}, true)
	for range 2 {
		out := must(env.kin.PutRecords(env.ctx, &kinesis.PutRecordsInput{StreamName: aws.String("batched"), Records: entries(300, roundingRecordBytes, "k")}))(t)
		if n := aws.ToInt32(out.FailedRecordCount); n != 0 {
			t.Fatalf("PutRecords of 300 × 1,100 bytes: %d failed, want none (the page: \"will not get throttled\")", n)
		}
	}
	out := must(env.kin.PutRecords(env.ctx, &kinesis.PutRecordsInput{StreamName: aws.String("one-call"), Records: entries(500, roundingRecordBytes, "k")}))(t)
	if n := aws.ToInt32(out.FailedRecordCount); n != 0 {
		t.Fatalf("one PutRecords of 500 × 1,100 bytes: %d failed, want none", n)
	}
	accepted, throttled := 0, 0
	data := make([]byte, roundingRecordBytes-1)
	for range 600 {
		_, err := env.kin.PutRecord(env.ctx, &kinesis.PutRecordInput{StreamName: aws.String("single"), PartitionKey: aws.String("k"), Data: data})
		switch apiCode(err) {
		case "":
			accepted++
		case "ProvisionedThroughputExceededException":
			throttled++
		default:
			t.Fatalf("PutRecord: %v", err)
		}
	}
	if accepted != 512 || throttled != 88 {
		t.Fatalf("600 PutRecord calls of 1,100 bytes on an idle shard: %d accepted, %d throttled; want 512 and 88 (2 KiB each against the 1 MiB burst)", accepted, throttled)
	}
	for _, c := range []struct {
		stream          string
		charged, issued int64
	}{
		{"batched", 2 * roundUpKiB(300*roundingRecordBytes), 600 * roundingRecordBytes},
		{"one-call", roundUpKiB(500 * roundingRecordBytes), 500 * roundingRecordBytes},
		{"single", 512 * 2048, 512 * roundingRecordBytes},
	} {
		st, _ := env.emu.StreamStats(c.stream)
		if st.Total.ChargedBytes != c.charged || st.Total.AcceptedBytes != c.issued {
			t.Errorf("%s: charged %d, accepted %d bytes; want %d and %d", c.stream, st.Total.ChargedBytes, st.Total.AcceptedBytes, c.charged, c.issued)
		}
		got, _ := metricSum(t, env, "IncomingBytes", "Sum", map[string]string{"StreamName": c.stream}, t0, t0.Add(time.Minute))
		if int64(got) != c.issued {
			t.Errorf("%s: IncomingBytes %v, want the %d bytes sent", c.stream, got, c.issued)
		}
	}
}

func TestSizeAccountingConfig(t *testing.T) {
	if got := DefaultConfig().Limits.SizeAccounting; got != SizeRounded {
		t.Errorf("default size accounting %q, want rounded (AWS's documented rule)", got)
	}
	_, err := New(Config{Limits: Limits{SizeAccounting: "exact"}})
	var ce *ConfigError
	if !errors.As(err, &ce) || ce.Field != "Limits.SizeAccounting" || !strings.Contains(ce.Reason, "rounded") {
		t.Fatalf("New with SizeAccounting \"exact\": %v, want a ConfigError naming Limits.SizeAccounting", err)
	}
	for _, s := range []string{"rounded", "raw"} {
		if a, err := ParseSizeAccounting(s); err != nil || string(a) != s {
			t.Errorf("ParseSizeAccounting(%q) = %q, %v", s, a, err)
		}
	}
	if _, err := ParseSizeAccounting("Rounded"); err == nil {
		t.Error("ParseSizeAccounting(\"Rounded\") accepted")
	}
}
