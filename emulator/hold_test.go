package emulator

import (
	"context"
	"errors"
	"syscall"
	"testing"
	"testing/synctest"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	cwtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"

	"github.com/shardstorm/shardstorm/internal/eventually"
	"github.com/shardstorm/shardstorm/internal/sdktest"
)

// inMemEnv is an emulator with one 2-shard stream "s" and SDK clients reaching it in process
// (retries off: every answer, or its absence, is seen), for tests inside a synctest bubble.
func inMemEnv(t *testing.T, f Faults) (*Emulator, *kinesis.Client, *cloudwatch.Client) {
	t.Helper()
	e, err := New(Config{Streams: []StreamSpec{{Name: "s", Shards: 2}}, Faults: f})
	if err != nil {
		t.Fatal(err)
	}
	tr := InMemTransport{Handler: e}
	return e, sdktest.Kinesis("http://emulator", 1, tr), sdktest.CloudWatch("http://emulator", 1, tr)
}

func putOne(ctx context.Context, kin *kinesis.Client) error {
	_, err := kin.PutRecord(ctx, &kinesis.PutRecordInput{StreamName: aws.String("s"), PartitionKey: aws.String("k"), Data: []byte("x")})
	return err
}

func accepted(t *testing.T, e *Emulator) int64 {
	t.Helper()
	st, ok := e.StreamStats("s")
	if !ok {
		t.Fatal("stream s is gone")
	}
	return st.Total.AcceptedRecords
}

// Paused, the emulator answers nothing and does nothing: a request waits (here 10 virtual
// seconds) until Resume, then takes effect and is answered; CloudWatch holds alike.
func TestPauseHoldsRequestsUntilResume(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		e, kin, cw := inMemEnv(t, Faults{})
		e.Pause()
		if !e.Paused() {
			t.Fatal("Paused() is false after Pause")
		}
		start := time.Now()
		putDone, cwDone := make(chan error, 1), make(chan error, 1)
		go func() { putDone <- putOne(context.Background(), kin) }()
		go func() {
			_, err := cw.ListMetrics(context.Background(), &cloudwatch.ListMetricsInput{Namespace: aws.String("AWS/Kinesis"),
				Dimensions: []cwtypes.DimensionFilter{{Name: aws.String("StreamName"), Value: aws.String("s")}}})
			cwDone <- err
		}()
		time.Sleep(10 * time.Second)
		synctest.Wait()
		select {
		case err := <-putDone:
			t.Fatalf("a request to the paused emulator was answered: %v", err)
		case err := <-cwDone:
			t.Fatalf("a CloudWatch request to the paused emulator was answered: %v", err)
		default:
		}
		if n := accepted(t, e); n != 0 || e.Held() != 2 {
			t.Fatalf("while paused: %d records stored, %d requests held; want 0 and 2", n, e.Held())
		}
		e.Resume()
		if err := <-putDone; err != nil {
			t.Fatalf("the held request after Resume: %v", err)
		}
		if err := <-cwDone; err != nil {
			t.Fatalf("the held CloudWatch request after Resume: %v", err)
		}
		if took := time.Since(start); took != 10*time.Second {
			t.Errorf("the held request was answered after %v, want 10s (at Resume)", took)
		}
		if n := accepted(t, e); n != 1 || e.Held() != 0 {
			t.Errorf("after Resume: %d records stored, %d held; want 1 and 0", n, e.Held())
		}
	})
}

// A client that gives up on the paused emulator gets its own timeout, and its request never
// takes effect, not even after Resume. A request in flight when the pause begins (here inside
// its injected latency) holds too, before taking effect.
func TestPauseNothingTakesEffect(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		e, kin, _ := inMemEnv(t, Faults{Latency: Latency{Kind: LatencyFixed, Base: time.Second}})
		inFlight := make(chan error, 1)
		go func() { inFlight <- putOne(context.Background(), kin) }()
		time.Sleep(500 * time.Millisecond) // the request is inside its 1 s latency
		e.Pause()

		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		if err := putOne(ctx, kin); !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("a request to the paused emulator with a 2 s deadline: %v", err)
		}
		time.Sleep(5 * time.Second) // well past the in-flight request's latency
		synctest.Wait()
		if n := accepted(t, e); n != 0 {
			t.Fatalf("%d records stored while paused", n)
		}
		e.Resume()
		if err := <-inFlight; err != nil {
			t.Fatalf("the request in flight at the pause: %v", err)
		}
		if n := accepted(t, e); n != 1 {
			t.Errorf("after Resume %d records stored, want 1 (the in-flight one; the abandoned one never)", n)
		}
	})
}

// Over a real socket: a paused emulator holds the request (the client times out), and holds
// another until Resume, which then answers it; Close lets held requests go at once.
func TestPauseOverSocket(t *testing.T) {
	env := newEnv(t, Config{Streams: []StreamSpec{{Name: "s", Shards: 1}}}, false)
	env.emu.Pause()
	ctx, cancel := context.WithTimeout(env.ctx, 300*time.Millisecond)
	defer cancel()
	if err := putOne(ctx, env.kin); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("a request to the paused emulator with a 300 ms deadline: %v", err)
	}
	// The server learns that the client hung up when its connection closes, a moment later.
	eventually.True(t, 10*time.Second, "the abandoned request to be let go", func() bool { return env.emu.Held() == 0 })
	done := make(chan error, 1)
	go func() { done <- putOne(env.ctx, env.kin) }()
	eventually.True(t, 10*time.Second, "the request to be held", func() bool { return env.emu.Held() == 1 })
	if n := accepted(t, env.emu); n != 0 {
		t.Fatalf("%d records stored while paused", n)
	}
	env.emu.Resume()
	if err := <-done; err != nil {
		t.Fatalf("the held request after Resume: %v", err)
	}
	if n := accepted(t, env.emu); n != 1 {
		t.Errorf("%d records stored, want 1", n)
	}

	env.emu.Pause()
	go func() { done <- putOne(env.ctx, env.kin) }()
	eventually.True(t, 10*time.Second, "the request to be held", func() bool { return env.emu.Held() == 1 })
	shutdownCtx, cancelShutdown := context.WithTimeout(env.ctx, time.Minute)
	defer cancelShutdown()
	if err := env.srv.Shutdown(shutdownCtx); err != nil {
		t.Fatalf("Shutdown with a request held by Pause: %v (it must not wait for the client)", err)
	}
	if err := <-done; err == nil {
		t.Error("the held request was answered by a server shutting down")
	}
}

// The black hole reads every Kinesis request and answers none: the client's own deadline ends
// each call, nothing takes effect, and healing it serves requests again.
func TestBlackHole(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		e, kin, _ := inMemEnv(t, Faults{BlackHole: true})
		ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
		defer cancel()
		start := time.Now()
		if err := putOne(ctx, kin); !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("a request into the black hole: %v, want the client's deadline", err)
		}
		if took := time.Since(start); took != 3*time.Second {
			t.Errorf("the call ended after %v, want the client's 3 s", took)
		}
		if n := accepted(t, e); n != 0 || e.FaultStats().BlackHoled != 1 || e.Held() != 0 {
			t.Fatalf("%d records stored, FaultStats %+v, %d held; want 0, 1 black-holed, 0 held", n, e.FaultStats(), e.Held())
		}
		if err := e.SetFaults(Faults{}); err != nil {
			t.Fatal(err)
		}
		if err := putOne(context.Background(), kin); err != nil || accepted(t, e) != 1 {
			t.Fatalf("after healing: %v, %d stored", err, accepted(t, e))
		}
	})
}

// Over a socket the black hole holds the connection; a server shutting down lets it go at once.
func TestBlackHoleOverSocket(t *testing.T) {
	env := newEnv(t, Config{Streams: []StreamSpec{{Name: "s", Shards: 1}}, Faults: Faults{BlackHole: true}}, false)
	ctx, cancel := context.WithTimeout(env.ctx, 300*time.Millisecond)
	defer cancel()
	if err := putOne(ctx, env.kin); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("a request into the black hole: %v", err)
	}
	done := make(chan error, 1)
	go func() { done <- putOne(env.ctx, env.kin) }()
	eventually.True(t, 10*time.Second, "the request to be held", func() bool { return env.emu.Held() == 1 })
	shutdownCtx, cancelShutdown := context.WithTimeout(env.ctx, time.Minute)
	defer cancelShutdown()
	if err := env.srv.Shutdown(shutdownCtx); err != nil {
		t.Fatalf("Shutdown with a black-holed request: %v", err)
	}
	if err := <-done; err == nil {
		t.Error("a black-holed request was answered")
	}
	if n := accepted(t, env.emu); n != 0 {
		t.Errorf("%d records stored by the black hole", n)
	}
}

// ResetRate 1 breaks every connection with no answer: the caller sees a connection reset, and
// about half the requests took effect first (stored, the client cannot know). The emulator's
// counters tell which.
func TestConnectionResets(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		e, kin, _ := inMemEnv(t, Faults{ResetRate: 1})
		const n = 200
		for range n {
			err := putOne(context.Background(), kin)
			if !errors.Is(err, syscall.ECONNRESET) {
				t.Fatalf("a reset request: %v, want a connection reset", err)
			}
		}
		fs := e.FaultStats()
		if fs.ResetsBeforeEffect+fs.ResetsAfterEffect != n || fs.ResetsAfterEffect < n/4 || fs.ResetsBeforeEffect < n/4 {
			t.Fatalf("FaultStats %+v: want %d resets, about half after the effect", fs, n)
		}
		if got := accepted(t, e); got != fs.ResetsAfterEffect {
			t.Errorf("%d records stored, want the %d reset after taking effect", got, fs.ResetsAfterEffect)
		}
	})
}

// Over a socket the connection really breaks: the SDK reports a transport error, not an answer.
func TestConnectionResetsOverSocket(t *testing.T) {
	env := newEnv(t, Config{Streams: []StreamSpec{{Name: "s", Shards: 1}}, Faults: Faults{ResetRate: 1}}, false)
	for range 20 {
		err := putOne(env.ctx, env.kin)
		if err == nil || apiCode(err) != "" {
			t.Fatalf("a reset request: %v, want a transport error", err)
		}
	}
	fs := env.emu.FaultStats()
	if fs.ResetsBeforeEffect+fs.ResetsAfterEffect != 20 || accepted(t, env.emu) != fs.ResetsAfterEffect {
		t.Errorf("FaultStats %+v, %d stored", fs, accepted(t, env.emu))
	}
	if err := env.emu.SetFaults(Faults{}); err != nil {
		t.Fatal(err)
	}
	if err := putOne(env.ctx, env.kin); err != nil {
		t.Fatalf("after healing: %v", err)
	}
}
