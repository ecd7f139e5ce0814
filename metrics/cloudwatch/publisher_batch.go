package cloudwatch

import (
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"
)

// PutMetricData limits (the SDK's documentation of PutMetricData and the emulator's
// validation agree): at most 1000 metric datums per request, at most 150 values per datum
// (we send one), and 1 MB per HTTP POST request. The SDK gzips large bodies, but the limit is
// applied to what we build, uncompressed, so a request fits whatever the compression does
// (and within the emulator's 4 MiB inflated-body cap).
const (
	maxDatumsPerPut = 1000
	maxPutBytes     = 1_000_000
	// putOverhead is room for the request's envelope: namespace and framing.
	putOverhead = 4 << 10
)

// datumSize over-estimates one datum's encoded size: its strings, plus a generous allowance
// for CBOR keys and framing (MetricName, Dimensions, Name/Value per dimension, Value,
// Timestamp, Unit, StorageResolution: under 120 bytes in all).
func datumSize(d types.MetricDatum) int {
	n := 160 + len(aws.ToString(d.MetricName)) + len(d.Unit)
	for _, dim := range d.Dimensions {
		n += 24 + len(aws.ToString(dim.Name)) + len(aws.ToString(dim.Value))
	}
	return n + 10*(len(d.Values)+len(d.Counts))
}

// cwBatches splits datums into requests within both limits, keeping their order.
func cwBatches(datums []types.MetricDatum) [][]types.MetricDatum {
	var out [][]types.MetricDatum
	start, size := 0, putOverhead
	for i, d := range datums {
		n := datumSize(d)
		if i > start && (i-start == maxDatumsPerPut || size+n > maxPutBytes) {
			out = append(out, datums[start:i])
			start, size = i, putOverhead
		}
		size += n
	}
	if start < len(datums) {
		out = append(out, datums[start:])
	}
	return out
}
