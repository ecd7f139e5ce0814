package cloudwatch

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"
	ktypes "github.com/aws/aws-sdk-go-v2/service/kinesis/types"
)

// StreamDescriber is what the poller needs of a Kinesis client to find out which
// shard-level metrics are on; *kinesis.Client has it.
type StreamDescriber interface {
	DescribeStreamSummary(ctx context.Context, in *kinesis.DescribeStreamSummaryInput, optFns ...func(*kinesis.Options)) (*kinesis.DescribeStreamSummaryOutput, error)
}

// enhancedMetrics asks Kinesis which shard-level metrics enhanced monitoring has on for the
// stream. Querying only those keeps the bill down: CloudWatch charges for a query of a
// disabled metric as much as for one that returns data.
func enhancedMetrics(ctx context.Context, api StreamDescriber, stream string) (map[string]bool, error) {
	out, err := api.DescribeStreamSummary(ctx, &kinesis.DescribeStreamSummaryInput{StreamName: aws.String(stream)})
	if err != nil {
		return nil, err
	}
	on := map[string]bool{}
	if out.StreamDescriptionSummary == nil {
		return on, nil
	}
	for _, em := range out.StreamDescriptionSummary.EnhancedMonitoring {
		for _, m := range em.ShardLevelMetrics {
			if m == ktypes.MetricsNameAll {
				return allShardLevel(), nil
			}
			on[string(m)] = true
		}
	}
	return on, nil
}
