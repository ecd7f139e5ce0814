package advisor

import (
	"strings"
	"testing"
	"time"

	"github.com/shardstorm/shardstorm/metrics"
)

// Unseen always lists what no outside source shows, and what each missing source would show.
func TestUnseenListsTheGapsOfEachSourceSet(t *testing.T) {
	always := []string{"Control-plane throttling of the application's own calls (DescribeStream", "connection count"}
	settings, lost := "Its buffer, time-to-live and retry settings", "Records that never reached Kinesis"
	perShard, keys, streamGap := "Which shards refuse writes", "Partition keys and their shares", "CloudWatch stream metrics are not read"

	full := newView(8, time.Minute, 5).stream(100, 100*500, 0).shard(0, 10, 5000, 0).kpl("UserRecordsPut", "Sum", "", flat(100))
	for _, i := range []int{0, 3, 5} {
		full.sampled(i, 10, 10*500, 20, 0)
	}
	partial := "The keys and 1-second peaks of the other 5 shards: the sample reads 3 of 8 shards."

	cwOnly := newView(8, time.Minute, 5).stream(100, 100*500, 0)
	cwOnly.v.Sources = []metrics.Source{{Name: "CloudWatch shard metrics", Status: "off", Detail: "--enable-shard-metrics turns them on"},
		{Name: "record sample", Status: "off"}}

	allSampled := newView(2, time.Minute, 5).stream(100, 100*500, 0).agent("a", "UserRecordsPut", "Sum", flat(1)).sampled(0, 5, 500, 10, 0).sampled(1, 5, 500, 10, 0)
	allSampled.v.Sample.BackingOff = true

	for _, c := range []struct {
		name      string
		v         *metrics.OutsideView
		want, not []string
	}{
		{"every source, 3 of 8 shards sampled", full.v, append([]string{partial}, always...), []string{settings, lost, perShard, keys, streamGap}},
		{"CloudWatch stream metrics only", cwOnly.v, append([]string{settings, lost, keys,
			"shard-level metrics are not read (off: --enable-shard-metrics turns them on)", "CloudWatch's 1-minute sums average away): no record sample (off)."}, always...),
			[]string{streamGap, "the other "}},
		{"nothing but the stream", newView(1, time.Minute, 5).v, append([]string{settings, lost, keys, perShard, streamGap}, always...), nil},
		{"agents and a sample of every shard, backing off", allSampled.v, append([]string{perShard, "the sampler is backing off"}, always...),
			[]string{settings, lost, keys, "the other "}},
	} {
		got := strings.Join(Unseen(c.v), "\n")
		for _, w := range c.want {
			if !strings.Contains(got, w) {
				t.Errorf("%s: Unseen lacks %q:\n%s", c.name, w, got)
			}
		}
		for _, n := range c.not {
			if strings.Contains(got, n) {
				t.Errorf("%s: Unseen says %q though the source is there:\n%s", c.name, n, got)
			}
		}
	}
}
