package main

import (
	"strings"
	"testing"
	"time"

	"github.com/shardstorm/shardstorm/internal/app"
)

// The fleet's putrecords contender is run's fleet: its defaults are internal/app's.
func TestFleetContendersAreRunsFleet(t *testing.T) {
	if runClientRetryBackoff != app.ClientRetryBackoff || runClientBuffer != app.DefaultClientBuffer {
		t.Fatalf("bench's fleet defaults %v, %d differ from run's %v, %d", runClientRetryBackoff, runClientBuffer, app.ClientRetryBackoff, app.DefaultClientBuffer)
	}
	d := 30 * time.Second
	for c, want := range map[Contender]childFleet{
		ContenderPutRecords:          {Clients: 2000, Threads: 1, Batch: 500, Interval: time.Second, Buffer: 10_000, RetryBackoff: 100 * time.Millisecond, Connectivity: "outage:10s:10s", OutageAt: 10 * time.Second, OutageFor: 10 * time.Second},
		ContenderPutRecordsNoBackoff: {Clients: 2000, Threads: 1, Batch: 500, Interval: time.Second, Buffer: 10_000, Connectivity: "outage:10s:10s", OutageAt: 10 * time.Second, OutageFor: 10 * time.Second},
		ContenderPutRecord:           {Clients: 2000, Threads: 1, Batch: 1, Buffer: 10_000, Connectivity: "outage:10s:10s", OutageAt: 10 * time.Second, OutageFor: 10 * time.Second},
	} {
		got := childFleetOf(fleetSituation, c, d)
		if got == nil || *got != want {
			t.Errorf("%s: %+v, want %+v", c, got, want)
			continue
		}
		if _, err := fleetConfig(childConfig{Stream: "s", Contender: c, Workers: 1, Queue: 1, Fleet: got}); err != nil {
			t.Errorf("%s: %v", c, err)
		}
	}
	if s, _ := situationByName("4p"); childFleetOf(s, ContenderPutRecords, d) != nil {
		t.Error("the matrix's situations have no fleet")
	}
}

func TestChildRefusesAFleetOfEngines(t *testing.T) {
	cfg := `{"endpoint":"http://x","stream":"s","contender":"kpl","data_bytes":1,"rate":1,"duration":1,"workers":1,"queue":1,"fleet":{"clients":2}}`
	var stderr strings.Builder
	if code := childMain([]string{"-config", cfg}, strings.NewReader(""), &strings.Builder{}, &stderr); code != 2 || !strings.Contains(stderr.String(), `contender "kpl" is not a fleet of clients`) {
		t.Fatalf("exit %d, stderr %q", code, stderr.String())
	}
}

// The records put offline must all be in one of their buckets, or the cell is not accounted for.
func TestFleetAccountingChecksTheRecordsPutOffline(t *testing.T) {
	run := func(put int64) CellResult {
		c := CellResult{Accounting: Accounting{Accounted: true}}
		r := cellRun{Children: []childRun{{Report: childReport{Fleet: &childFleetReport{Clients: clientFigures{Clients: 10},
			OfflinePut: put, OfflineDelivered: 7, OfflineFailed: 1, OfflineExpired: 1, OfflinePending: 1}}}}}
		if err := summarizeFleet(r, &c); err != nil {
			t.Fatal(err)
		}
		return c
	}
	if c := run(10); !c.Accounting.Accounted || c.Fleet == nil || c.Fleet.Clients != 10 {
		t.Fatalf("10 put offline, 10 in buckets: %+v", c)
	}
	if c := run(11); c.Accounting.Accounted || !strings.Contains(strings.Join(c.Accounting.Problems, ";"), "of the 11 records put offline, 10 are in a bucket (-1)") {
		t.Fatalf("a record put offline and lost: %+v", c.Accounting)
	}
}

// The fleet's section says what its contenders are and shows the clients' figures.
func TestRenderFleetSection(t *testing.T) {
	c := CellResult{Cell: "fleet/putrecord", Situation: "fleet", Contender: ContenderPutRecord, OfferedRecordsPerSec: 4000, Producers: 1,
		Buckets: Buckets{Generated: 10, Delivered: 9, Failed: 1}, Accounting: Accounting{Accounted: true, GroundTruth: 9},
		Fleet: &FleetFigures{Connectivity: "outage:10s:10s", OutageAtSeconds: 10, OutageForSeconds: 10, clientFigures: clientFigures{Clients: 2000, MaxOffline: 2000, Reconnects: 2000},
			OnlineP50Ms: 60, OnlineP99Ms: 250, OfflineP50Ms: 5100, OfflineP99Ms: 9900, OfflinePut: 5, OfflineDelivered: 4, OfflineFailed: 1,
			ThrottledAfterReconnect: 0.25}}
	md := renderMarkdown(Report{Cells: []CellResult{c}})
	for _, want := range []string{
		"(`fleet`)", "by 2,000 clients in 1 process(es)", "- `putrecords-nobackoff`: the same clients re-sending failed entries at once",
		"Connectivity `outage:10s:10s`: every client offline from 10s for 10s", "The emulator adds 50ms to every request",
		"| `putrecord` | 2,000 | 0 / 2,000 | 2,000 | 0 / 0 | 60 / 250 | 5,100 / 9,900 | 9 | 9 | 5 → 4 / 1 / 0 | 0.0 % | 25.0 % |",
	} {
		if !strings.Contains(md, want) {
			t.Errorf("the fleet's section lacks %q:\n%s", want, md)
		}
	}
}
