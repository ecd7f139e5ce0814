package app

import (
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"
)

// Warnings are what Start found that differs from what was asked but does not stop the run
// (a headless run prints them before the load; the dashboard has them in its event log).
func (r *Run) Warnings() []string { return append([]string(nil), r.warnings...) }

// warnf records a warning for Warnings and the event log.
func (r *Run) warnf(format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	r.warnings = append(r.warnings, msg)
	r.events.Addf(Warn, "%s", msg)
}

// noteExistingShards warns when --create-stream found the stream already there with another
// shard count: the run goes on the stream as it is, and the user asked for something else.
func (r *Run) noteExistingShards(desc *kinesis.DescribeStreamSummaryOutput) {
	if !r.opts.CreateStream || desc == nil || desc.StreamDescriptionSummary == nil {
		return
	}
	if open := int(aws.ToInt32(desc.StreamDescriptionSummary.OpenShardCount)); open != r.opts.Shards {
		r.warnf("stream %s already exists with %d open shards, not the %d of --shards: the run uses its %d (--create-stream creates a missing stream only; reshard it for %d)",
			r.opts.Stream, open, r.opts.Shards, open, r.opts.Shards)
	}
}
