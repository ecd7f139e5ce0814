package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/shardstorm/shardstorm/internal/eventually"
	"github.com/shardstorm/shardstorm/internal/sdktest"
	"github.com/shardstorm/shardstorm/metrics"
	cwmetrics "github.com/shardstorm/shardstorm/metrics/cloudwatch"
)

// Two headless agents load one stream of a shardstorm emulator with --publish-metrics, each
// under its own --agent: the emulator's CloudWatch then holds both, and the agents' namespace
// reader (what watch uses) lists the two and their UserRecordsPut adds up to what the two
// reports say the service acknowledged. Each agent says on stderr what it published.
func TestHeadlessAgentsPublishTheirMetrics(t *testing.T) {
	bin := buildBinary(t)
	offlineAWS(t)
	e := startEmulatorBinary(t, bin, "--stream", "fleet:2")
	url := "http://" + e.addr
	dir := t.TempDir()
	type agent struct {
		name, report string
		cmd          *exec.Cmd
		out, errOut  strings.Builder
	}
	agents := []*agent{{name: "host-a"}, {name: "host-a-2"}}
	for _, a := range agents {
		a.report = filepath.Join(dir, a.name+".json")
		a.cmd = exec.Command(bin, "run", "--headless", "--endpoint", url, "--region", "us-east-1", "--stream", "fleet",
			"--duration", "3s", "--rate", "500", "--no-cloudwatch", "--report", a.report,
			"--publish-metrics", "--publish-namespace", "Fleet", "--agent", a.name)
		a.cmd.Stdout, a.cmd.Stderr = &a.out, &a.errOut
		if err := a.cmd.Start(); err != nil {
			t.Fatal(err)
		}
	}
	var acknowledged int64
	for _, a := range agents {
		if err := a.cmd.Wait(); err != nil {
			t.Fatalf("%s: %v\nstdout:\n%s\nstderr:\n%s", a.name, err, a.out.String(), a.errOut.String())
		}
		var sum metrics.Summary
		raw, _ := os.ReadFile(a.report)
		if err := json.Unmarshal(raw, &sum); err != nil || sum.Accounting.Acknowledged == 0 {
			t.Fatalf("%s: report %v, accounting %+v", a.name, err, sum.Accounting)
		}
		acknowledged += sum.Accounting.Acknowledged
		want := fmt.Sprintf("published metrics (namespace Fleet, agent %s, granularity stream, every 1s): ", a.name)
		if !strings.Contains(a.errOut.String(), want) || !strings.Contains(a.errOut.String(), " 0 dropped, 0 not delivered") {
			t.Errorf("%s: stderr lacks %q with nothing dropped:\n%s", a.name, want, a.errOut.String())
		}
		if !strings.Contains(string(raw), `"publish_metrics"`) {
			t.Errorf("%s: the report does not say what was published", a.name)
		}
	}

	r, err := cwmetrics.NewNamespaceReader(sdktest.CloudWatch(url, 0, nil), cwmetrics.NamespaceConfig{
		Namespace: "Fleet", StreamName: "fleet", Agents: true, Period: time.Second, Window: 2 * time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	// The last upload's second completes within a second or so of the agents' end.
	eventually.Nil(t, 20*time.Second, "the fleet's published UserRecordsPut", func() error {
		if err := r.Read(context.Background()); err != nil {
			return err
		}
		var got float64
		f := r.Figures()
		for _, a := range agents {
			for _, p := range f.Points(metrics.CWSeriesID{Name: "UserRecordsPut", Stat: cwmetrics.Sum, Agent: a.name}) {
				got += p.Value
			}
		}
		if got != float64(acknowledged) || strings.Join(r.Agents(), ",") != "host-a,host-a-2" {
			return fmt.Errorf("agents %v published %v user records, the reports acknowledged %d", r.Agents(), got, acknowledged)
		}
		return nil
	})
}

// Bad --publish-* values exit 2 naming the flag, before anything is started.
func TestPublishFlagsRefuseBadValues(t *testing.T) {
	bin := buildBinary(t)
	for flag, bad := range map[string]string{"publish-granularity": "minute", "publish-namespace": "AWS/Kinesis",
		"agent": "two words", "publish-interval": "100ms"} {
		code, _, errOut := runBinary(t, bin, "run", "--headless", "--publish-metrics", "--"+flag, bad)
		if code != 2 || !strings.Contains(errOut, "flag -"+flag+":") {
			t.Errorf("--%s %q: exit %d, stderr:\n%s", flag, bad, code, errOut)
		}
	}
}
