package tui

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/shardstorm/shardstorm/metrics"
	"github.com/shardstorm/shardstorm/producer"
)

type fakeFleet struct{ c metrics.FleetClients }

func (f *fakeFleet) FleetClients() metrics.FleetClients { return f.c }

// fleetStore samples a fleet of 300 putrecords clients on 2 shards for 90 s; at 75 s, 100 of
// them reconnect in one sample.
func fleetStore(t *testing.T) *metrics.Store {
	t.Helper()
	src := &statsSource{}
	src.p.Stream.ErrorsByCode = map[string]int64{}
	src.p.Stream.BufferingTime, src.p.Stream.RequestTime, src.p.Stream.EndToEndTime = hist(), hist(), hist()
	for i, r := range hashRanges(2) {
		src.p.Shards = append(src.p.Shards, producer.ShardStats{ShardID: fmt.Sprintf("shardId-%012d", i),
			StartingHashKey: r[0], EndingHashKey: r[1], ErrorsByCode: map[string]int64{}})
	}
	fl := &fakeFleet{c: metrics.FleetClients{Clients: 300, Online: 200, Offline: 100, Buffering: 100, Buffered: 4000}}
	s, err := metrics.NewSampler(metrics.Config{Stream: "orders", Producer: src, Fleet: fl, Profile: "putrecords"})
	if err != nil {
		t.Fatal(err)
	}
	const step = 250 * time.Millisecond
	for k := 0; t0.Add(time.Duration(k)*step).Compare(tNow) <= 0; k++ {
		if k == 300 { // 75 s in: within the dashboard's window at 90 s
			fl.c = metrics.FleetClients{Clients: 300, Online: 300, Reconnects: 100}
		}
		for i := range src.p.Shards {
			src.p.Shards[i].UserRecordsPut += 100
			src.p.Shards[i].KinesisRecordsPut += 100
		}
		src.p.Stream.EndToEndTime.RecordValue(150_000)
		s.Sample(t0.Add(time.Duration(k) * step))
	}
	return s.Store()
}

// A fleet's run: the token columns, which only shardstorm's engine has, show "—" with a note
// naming the producer; the Overview shows its clients.
func TestFleetShowsItsClientsAndNoTokenBuckets(t *testing.T) {
	src := &testSource{info: RunInfo{Stream: "orders", Backend: "local", Started: t0}, store: fleetStore(t)}
	shards := newTestModel(src, nil, ViewShards, 160, 30).View()
	if !strings.Contains(shards, "not this producer: --producer putrecords") {
		t.Errorf("the shards view does not say the tokens are not this producer's:\n%s", shards)
	}
	over := newTestModel(src, nil, ViewOverview, 160, 30).View()
	for _, want := range []string{"putrecords clients 300", "online 300", "offline 0", "reconnects 0/s (peak 100/s in", "app waits p99 150", "app waits          150"} {
		if !strings.Contains(over, want) {
			t.Errorf("the Overview lacks %q:\n%s", want, over)
		}
	}
	checkFits(t, over, 160, 30)
	checkFits(t, newTestModel(src, nil, ViewOverview, 80, 24).View(), 80, 24)
}
