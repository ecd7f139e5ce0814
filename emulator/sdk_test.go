package emulator

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"
	"github.com/aws/smithy-go"

	"github.com/shardstorm/shardstorm/internal/sdktest"
)

// t0 is where ManualClock tests start: a whole second, so period buckets line up.
var t0 = time.Date(2026, 11, 21, 12, 0, 0, 0, time.UTC)

// testEnv is an emulator served over loopback HTTP with real SDK clients pointed at it.
type testEnv struct {
	srv   *Server
	emu   *Emulator
	clock *ManualClock // nil when the emulator runs on the wall clock
	kin   *kinesis.Client
	cw    *cloudwatch.Client
	ctx   context.Context
}

// newEnv starts an emulator for one test. With manual true it runs on a ManualClock at t0.
// SDK retries are off so every throttle and fault reaches the test as the service sent it.
func newEnv(t testing.TB, cfg Config, manual bool) *testEnv {
	t.Helper()
	env := &testEnv{ctx: context.Background()}
	if manual {
		env.clock = NewManualClock(t0)
		cfg.Clock = env.clock
	}
	srv, err := Start(cfg)
	if err != nil {
		t.Fatalf("start emulator: %v", err)
	}
	t.Cleanup(func() { srv.Close() })
	env.srv, env.emu = srv, srv.Emulator
	env.kin = sdktest.Kinesis(srv.URL, 1, nil)
	env.cw = sdktest.CloudWatch(srv.URL, 1, nil)
	return env
}

// apiCode returns the AWS error code of err, or "" when err is nil or not an API error.
func apiCode(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode()
	}
	return ""
}

func apiMessage(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorMessage()
	}
	return ""
}

// wantCode fails the test unless err is an API error with the given code.
func wantCode(t testing.TB, err error, code string) {
	t.Helper()
	if got := apiCode(err); got != code {
		t.Fatalf("want %s, got %v", code, err)
	}
}

// must unwraps a call that must succeed: must(client.Op(ctx, in))(t).
func must[T any](v T, err error) func(testing.TB) T {
	return func(t testing.TB) T {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
}
