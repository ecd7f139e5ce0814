package metrics

import (
	"context"
	"errors"
	"sort"
	"sync"
	"time"

	"github.com/aws/smithy-go"
	"github.com/aws/smithy-go/middleware"
)

// APICalls counts the Kinesis API calls this process makes, by caller and operation, and how
// many the service refused with LimitExceededException, over a sliding window. Control-plane
// limits (DescribeStream 10/s per account, ListShards 1000/s per stream…) are shared by every
// caller of an account or stream, so a diagnosis needs to know who here is calling what: each
// caller gets its own SDK client with Middleware(caller) in its APIOptions.
type APICalls struct {
	mu      sync.Mutex
	now     func() time.Time
	buckets int // one-second buckets kept
	counts  map[apiKey]*apiRing
	first   int64 // the second of the first call recorded (0 before it)
}

type apiKey struct{ caller, op string }

// apiRing holds per-second counts; slot s%len is second s (unix).
type apiRing struct {
	sec            []int64
	calls, refused []int64
}

// APICallCount is one caller's use of one operation over the window.
type APICallCount struct {
	Caller, Operation string
	// Calls counts attempts (each SDK retry is one); Refused those answered with
	// LimitExceededException.
	Calls, Refused int64
	// Window is the time the counts cover.
	Window time.Duration
}

// LimitExceededCode is the error code of a control-plane call over its rate limit.
const LimitExceededCode = "LimitExceededException"

// NewAPICalls counts over the last window (0: 10 s), to the second.
func NewAPICalls(window time.Duration) *APICalls {
	if window <= 0 {
		window = 10 * time.Second
	}
	return &APICalls{now: time.Now, buckets: int(max(1, window/time.Second)), counts: map[apiKey]*apiRing{}}
}

// Middleware returns an SDK stack option counting every attempt of every operation as caller's:
// add it to the client's Options.APIOptions. It sits after the retry middleware, so each attempt
// counts, as the service sees it.
func (a *APICalls) Middleware(caller string) func(*middleware.Stack) error {
	return func(stack *middleware.Stack) error {
		return stack.Finalize.Add(middleware.FinalizeMiddlewareFunc("shardstormAPICalls",
			func(ctx context.Context, in middleware.FinalizeInput, next middleware.FinalizeHandler) (middleware.FinalizeOutput, middleware.Metadata, error) {
				out, md, err := next.HandleFinalize(ctx, in)
				var ae smithy.APIError
				a.Record(caller, middleware.GetOperationName(ctx), errors.As(err, &ae) && ae.ErrorCode() == LimitExceededCode)
				return out, md, err
			}), middleware.After)
	}
}

// Record counts one call of op by caller; refused when it met LimitExceededException.
func (a *APICalls) Record(caller, op string, refused bool) {
	sec := a.now().Unix()
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.first == 0 {
		a.first = sec
	}
	r := a.counts[apiKey{caller, op}]
	if r == nil {
		r = &apiRing{sec: make([]int64, a.buckets), calls: make([]int64, a.buckets), refused: make([]int64, a.buckets)}
		a.counts[apiKey{caller, op}] = r
	}
	i := int(sec % int64(a.buckets))
	if r.sec[i] != sec {
		r.sec[i], r.calls[i], r.refused[i] = sec, 0, 0
	}
	r.calls[i]++
	if refused {
		r.refused[i]++
	}
}

// Recent returns the counts of the window's complete seconds (the current second is still
// filling), by operation then caller; callers with no call in the window are left out. Until
// the window has filled, it covers the complete seconds since the first call, so rates are not
// understated at the start of a run.
func (a *APICalls) Recent() []APICallCount {
	now := a.now().Unix()
	lo := now - int64(a.buckets)
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.first == 0 || a.first >= now {
		return nil
	}
	lo = max(lo, a.first)
	var out []APICallCount
	for k, r := range a.counts {
		c := APICallCount{Caller: k.caller, Operation: k.op, Window: time.Duration(now-lo) * time.Second}
		for i, s := range r.sec {
			if s >= lo && s < now {
				c.Calls += r.calls[i]
				c.Refused += r.refused[i]
			}
		}
		if c.Calls > 0 {
			out = append(out, c)
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Operation != out[j].Operation {
			return out[i].Operation < out[j].Operation
		}
		return out[i].Caller < out[j].Caller
	})
	return out
}
