package app

import (
	"context"
	"strings"
	"testing"

	"github.com/shardstorm/shardstorm/emulator"
)

// --create-stream --shards 8 against an existing 2-shard stream runs on its 2 shards and says
// so, naming both counts (issue 14, item 12); it once ran on 2 in silence.
func TestCreateStreamOnAnExistingStreamWarns(t *testing.T) {
	t.Setenv("AWS_ACCESS_KEY_ID", "x")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "y")
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true")
	srv, err := emulator.Start(emulator.Config{Streams: []emulator.StreamSpec{{Name: "orders", Shards: 2}}})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	spec := DefaultWorkload()
	spec.Rate = 10
	r, err := Start(context.Background(), Options{Endpoint: srv.URL, Region: "us-east-1", Stream: "orders", Shards: 8, CreateStream: true,
		NoCloudWatch: true, Workload: spec})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Stop(context.Background(), nil)
	w := strings.Join(r.Warnings(), "\n")
	if !strings.Contains(w, "2 open shards") || !strings.Contains(w, "8 of --shards") {
		t.Fatalf("warnings: %q, want one naming 2 and 8 shards", w)
	}
	if got := len(r.eng.Stats().Shards); got != 2 {
		t.Fatalf("the run has %d shards, want the stream's 2", got)
	}
}
