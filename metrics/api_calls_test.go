package metrics

import (
	"testing"
	"time"
)

func TestAPICallsCountCompleteSecondsOfTheWindow(t *testing.T) {
	now := time.Unix(1_700_000_000, 0)
	a := NewAPICalls(10 * time.Second)
	a.now = func() time.Time { return now }
	if got := a.Recent(); got != nil {
		t.Fatalf("nothing recorded: %v", got)
	}
	for s := range 15 { // 15 seconds of 20 DescribeStream calls, 10 refused, and a ListShards
		for i := range 20 {
			a.Record("poller", "DescribeStream", i%2 == 0)
		}
		a.Record("producer", "ListShards", false)
		if s == 1 {
			// Two seconds in, both complete: the rates are over 2 s, not the whole window.
			now = now.Add(time.Second)
			got := a.Recent()
			if len(got) != 2 || got[0].Operation != "DescribeStream" || got[0].Calls != 40 || got[0].Window != 2*time.Second {
				t.Fatalf("after 2 s: %+v", got)
			}
			continue
		}
		now = now.Add(time.Second)
	}
	got := a.Recent()
	want := []APICallCount{{"poller", "DescribeStream", 200, 100, 10 * time.Second}, {"producer", "ListShards", 10, 0, 10 * time.Second}}
	if len(got) != 2 || got[0] != want[0] || got[1] != want[1] {
		t.Fatalf("got %+v, want %+v", got, want)
	}
	now = now.Add(11 * time.Second) // quiet for a whole window: nothing recent
	if got := a.Recent(); len(got) != 0 {
		t.Fatalf("stale counts: %+v", got)
	}
}
