package producer_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"

	"github.com/shardstorm/shardstorm/emulator"
	"github.com/shardstorm/shardstorm/producer"
)

// The zero value of every switch is the KPL default: aggregation and adaptive limiting on.
func TestZeroConfigMeansTheDefaults(t *testing.T) {
	_, client := startEmulator(t, emulator.Config{Streams: []emulator.StreamSpec{{Name: "s", Shards: 1}}})
	st := newProducer(t, client, producer.Config{}).Stats()
	if !st.Stream.AggregationEnabled || !st.Stream.AdaptiveEnabled {
		t.Fatalf("zero Config: aggregation %v, adaptive %v; want both on", st.Stream.AggregationEnabled, st.Stream.AdaptiveEnabled)
	}
	off := newProducer(t, client, producer.Config{DisableAggregation: true, DisableAdaptive: true}).Stats()
	if off.Stream.AggregationEnabled || off.Stream.AdaptiveEnabled {
		t.Fatalf("Disable…: aggregation %v, adaptive %v; want both off", off.Stream.AggregationEnabled, off.Stream.AdaptiveEnabled)
	}
}

// A caller finds the bad field with errors.As, and every bad field with ConfigErrors, without
// parsing the message.
func TestValidateReturnsTypedFieldErrors(t *testing.T) {
	err := producer.Config{StreamName: "s", RateLimit: -5, MaxConnections: 5000}.Validate()
	var ce *producer.ConfigError
	if !errors.As(err, &ce) || ce.Field != "RateLimit" || ce.Value != -5.0 || !strings.Contains(ce.Reason, "outside") {
		t.Fatalf("errors.As: %#v from %v", ce, err)
	}
	var fields []string
	for _, e := range producer.ConfigErrors(err) {
		fields = append(fields, e.Field)
	}
	if strings.Join(fields, ",") != "RateLimit,MaxConnections" {
		t.Fatalf("ConfigErrors fields = %v, want RateLimit,MaxConnections", fields)
	}
	if !strings.Contains(err.Error(), "producer: MaxConnections: 5000 outside 1..1024") {
		t.Fatalf("message: %v", err)
	}
	if producer.ConfigErrors(producer.Config{StreamName: "s"}.Validate()) != nil {
		t.Fatal("a valid Config has field errors")
	}
}

type notAHook struct{}

// OnRecordRouted on a pointer receiver: a notAHook value does not implement the interface.
func (*notAHook) OnRecordRouted(string, string, int) {}

// A hook that implements no hook interface would be silently ignored: New refuses it, naming it.
func TestNewRefusesAValueThatIsNoHook(t *testing.T) {
	_, client := startEmulator(t, emulator.Config{Streams: []emulator.StreamSpec{{Name: "s", Shards: 1}}})
	_, err := producer.New(context.Background(), client, producer.Config{StreamName: "s", Hooks: []producer.Hook{&notAHook{}, notAHook{}}})
	var ce *producer.ConfigError
	if !errors.As(err, &ce) || ce.Field != "Hooks" || !strings.Contains(err.Error(), "Hooks[1] (producer_test.notAHook) implements no hook interface") {
		t.Fatalf("New with a non-hook: %v", err)
	}
	if err := (producer.Config{StreamName: "s", Hooks: []producer.Hook{&notAHook{}}}).Validate(); err != nil {
		t.Fatalf("a real hook refused: %v", err)
	}
}

// Reconfigure may call its function more than once (it retries on a lost race); a pure
// function of the Config it is given still composes: every concurrent change is applied once.
func TestConcurrentReconfiguresEachApplyOnce(t *testing.T) {
	_, client := startEmulator(t, emulator.Config{Streams: []emulator.StreamSpec{{Name: "s", Shards: 1}}})
	p := newProducer(t, client, producer.Config{MaxConnections: 1})
	const n = 50
	var wg sync.WaitGroup
	for range n {
		wg.Go(func() {
			if err := p.Reconfigure(func(c *producer.Config) { c.MaxConnections++ }); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if got := p.Config().MaxConnections; got != 1+n {
		t.Fatalf("MaxConnections = %d after %d increments from 1, want %d", got, n, 1+n)
	}
	err := p.Reconfigure(func(c *producer.Config) { c.RateLimit = -1 })
	var ce *producer.ConfigError
	if !errors.As(err, &ce) || ce.Field != "RateLimit" || p.Config().RateLimit != producer.DefaultRateLimit {
		t.Fatalf("a bad Reconfigure: %v, RateLimit now %v", err, p.Config().RateLimit)
	}
}

// MaxRequestBytesInFlight: a negative bound is refused by name; the zero value is an eighth of
// the buffer, never less than 8 MiB, and follows a larger buffer.
func TestMaxRequestBytesInFlightDefaultAndValidation(t *testing.T) {
	err := producer.Config{StreamName: "s", MaxRequestBytesInFlight: -1}.Validate()
	var ce *producer.ConfigError
	if !errors.As(err, &ce) || ce.Field != "MaxRequestBytesInFlight" || !strings.Contains(err.Error(), "producer: MaxRequestBytesInFlight: -1 is negative") {
		t.Fatalf("MaxRequestBytesInFlight -1: %v", err)
	}
	if got := producer.DefaultConfig("s").MaxRequestBytesInFlight; got != 8<<20 {
		t.Errorf("DefaultConfig: MaxRequestBytesInFlight %d, want 8 MiB (an eighth of 64 MiB)", got)
	}
	_, client := startEmulator(t, emulator.Config{Streams: []emulator.StreamSpec{{Name: "s", Shards: 1}}})
	for _, tc := range []struct {
		buffered, set, want int64
	}{
		{16 << 20, 0, 8 << 20},  // a small buffer: at least 8 MiB
		{1 << 30, 0, 128 << 20}, // a large buffer: an eighth
		{0, 3 << 20, 3 << 20},   // set: kept
	} {
		p := newProducer(t, client, producer.Config{MaxBufferedBytes: tc.buffered, MaxRequestBytesInFlight: tc.set})
		if got := p.Config().MaxRequestBytesInFlight; got != tc.want {
			t.Errorf("MaxBufferedBytes %d, MaxRequestBytesInFlight %d: got %d, want %d", tc.buffered, tc.set, got, tc.want)
		}
	}
}
