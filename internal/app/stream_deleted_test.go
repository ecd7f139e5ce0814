package app

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"

	"github.com/shardstorm/shardstorm/metrics"
)

// The stream is deleted in the middle of a run with a hot key. Its records fail from then on, and
// the run says so: the advisor raises "stream deleted" with the evidence, the hot-key finding it
// had does not stay active once nothing is written, and the summary counts the failed records
// (which make the run fail: --max-failed, in internal/cli). Virtual time, in process.
func TestStreamDeletedMidRun(t *testing.T) { synctest.Test(t, testStreamDeletedMidRun) }

func testStreamDeletedMidRun(t *testing.T) {
	ctx := context.Background()
	r, err := Start(ctx, Options{Workload: DefaultWorkload(), SampleInterval: 250 * time.Millisecond, InProcess: true, NoCloudWatch: true})
	if err != nil {
		t.Fatal(err)
	}
	active := func(rule string) *metrics.Finding {
		for _, f := range r.Findings() {
			if f.Rule == rule {
				return &f
			}
		}
		return nil
	}
	waitFor(t, "a hot-shard finding on the demo's hot key", func() bool { return active("hot-shard") != nil })
	if _, err := r.kin.DeleteStream(ctx, &kinesis.DeleteStreamInput{StreamName: aws.String(r.opts.Stream)}); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "a stream-deleted finding", func() bool { return active("stream-deleted") != nil })
	f := active("stream-deleted")
	if f.Severity != "critical" || !(f.Evidence["resource_not_found_per_sec"].(float64) > 0) || f.Evidence["last_error"] == nil {
		t.Errorf("stream-deleted finding without its evidence: %+v", f)
	}
	waitFor(t, "the hot-shard finding to clear once nothing is written", func() bool { return active("hot-shard") == nil })
	time.Sleep(3 * time.Second) // virtual: the findings stay as they are while the stream stays gone
	if active("hot-shard") != nil || active("stream-deleted") == nil {
		t.Errorf("findings after 3 s without the stream: %v", ruleNames(r.Findings()))
	}
	sum, err := r.Stop(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	if sum.Accounting.Failed == 0 || sum.Totals.ErrorsByCode["ResourceNotFoundException"] == 0 {
		t.Errorf("the summary does not count the failed records: accounting %+v, errors %v", sum.Accounting, sum.Totals.ErrorsByCode)
	}
	// Every attempt after the deletion was answered (ResourceNotFoundException): those records
	// are not stored, and none is "maybe stored".
	if a := sum.Accounting; !a.Holds || a.NotStored == 0 || a.MaybeStored != 0 || a.Failed != a.NotStored+a.NeverSent {
		t.Errorf("records refused by a deleted stream should be not stored: %+v", a)
	}
	var text strings.Builder
	if err := WriteSummary(&text, sum); err != nil {
		t.Fatal(err)
	}
	if want := fmt.Sprintf("%d not stored", sum.Accounting.NotStored); !strings.Contains(text.String(), want) ||
		strings.Contains(text.String(), "the stream may hold them") {
		t.Errorf("summary should say %q and not call them maybe stored:\n%s", want, text.String())
	}
}

func ruleNames(fs []metrics.Finding) []string {
	var out []string
	for _, f := range fs {
		out = append(out, f.Rule)
	}
	return out
}
