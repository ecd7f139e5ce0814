package metrics

import (
	"math"
	"time"
)

// OutsideView is what `shardstorm watch` sees, at one moment, of a stream that something else
// loads — a KPL application, a service calling PutRecords, a fleet of devices calling PutRecord,
// shardstorm agents on other machines. It is the advisor's input in watch mode (the producer's
// own Stats are not there to read). Every part but Stream is optional: nil means the source was
// not read (off, refused, or nothing published), and Sources says which, at what resolution and
// at what cost.
type OutsideView struct {
	Time   time.Time
	Stream OutsideStream

	// Kinesis holds the AWS/Kinesis stream-level series (StreamName dimension): IncomingRecords,
	// IncomingBytes, WriteProvisionedThroughputExceeded, PutRecord.* and PutRecords.*.
	Kinesis *CWFigures
	// ShardLevel holds the AWS/Kinesis shard-level series (ShardId set), present only while
	// enhanced monitoring is on: IncomingRecords, IncomingBytes, WriteProvisionedThroughputExceeded.
	ShardLevel *CWFigures
	// KPL holds the KPL's own metrics as the application publishes them (namespace
	// KinesisProducerLibrary by default): UserRecordsReceived, UserRecordsPending, ErrorsByCode
	// (ErrorCode set), UserRecordExpired, BufferingTime, RetriesPerRecord, …, stream-wide (ShardID
	// "") and per shard when the application publishes at the shard granularity.
	KPL *CWFigures
	// Agents holds shardstorm agents' published metrics (`run --publish-metrics`): the KPL's
	// names, one set per agent (Agent set), so a fleet of headless agents reads as one.
	Agents *CWFigures
	// Sample is what a paced read of the stream's newest records showed.
	Sample *RecordSample

	// Sources lists every source, read or not, in a fixed order.
	Sources []Source
}

// OutsideStream is what ListShards and DescribeStreamSummary said last.
type OutsideStream struct {
	Name   string
	Status string // ACTIVE, UPDATING, …
	Mode   string // PROVISIONED or ON_DEMAND
	// Encryption is NONE or KMS; KeyID the KMS key when KMS.
	Encryption, KeyID string
	// Shards are the open shards, in hash key order.
	Shards []ShardRange
	// ShardLevelMetrics are the shard-level metrics enhanced monitoring has on (none: off).
	ShardLevelMetrics []string
}

// ShardRange is an open shard and its hash key range (decimal, as ListShards gives it).
type ShardRange struct {
	ShardID                        string
	StartingHashKey, EndingHashKey string
}

// CWFigures are CloudWatch series over the watch's recent window: complete periods only, oldest
// first, a period with no datum left out (CloudWatch returns nothing for it).
type CWFigures struct {
	Namespace string
	Period    time.Duration // 1 min from AWS, 1 s from a local endpoint
	Series    map[CWSeriesID][]CWPoint
}

// CWSeriesID names one series: a metric, the statistic read, and the dimensions that set it
// apart (the stream is implied).
type CWSeriesID struct {
	Name      string // e.g. "IncomingRecords", "PutRecords.ThrottledRecords", "UserRecordExpired"
	Stat      string // "Sum", "Average", "Maximum"
	ShardID   string // "" for stream-wide series
	ErrorCode string // the KPL's ErrorsByCode dimension
	Agent     string // a shardstorm agent's dimension
}

// CWPoint is one period's value.
type CWPoint struct {
	Start time.Time
	Value float64
}

// Points returns a series (nil if it was not read or had no datum).
func (f *CWFigures) Points(id CWSeriesID) []CWPoint {
	if f == nil {
		return nil
	}
	return f.Series[id]
}

// Rate is a Sum series' mean per second over the periods it has (NaN with none): CloudWatch
// returns no point for a period with no datum, so periods are counted from the first point to
// the last.
func (f *CWFigures) Rate(id CWSeriesID) float64 {
	pts := f.Points(id)
	if len(pts) == 0 || f.Period <= 0 {
		return math.NaN()
	}
	var sum float64
	for _, p := range pts {
		sum += p.Value
	}
	span := pts[len(pts)-1].Start.Sub(pts[0].Start) + f.Period
	return sum / span.Seconds()
}

// PeakRate is a Sum series' highest one-period rate per second (NaN with no point).
func (f *CWFigures) PeakRate(id CWSeriesID) float64 {
	pts := f.Points(id)
	if len(pts) == 0 || f.Period <= 0 {
		return math.NaN()
	}
	peak := math.Inf(-1)
	for _, p := range pts {
		peak = math.Max(peak, p.Value)
	}
	return peak / f.Period.Seconds()
}

// Mean is the mean of a series' values (an Average or Maximum series), NaN with no point.
func (f *CWFigures) Mean(id CWSeriesID) float64 {
	pts := f.Points(id)
	if len(pts) == 0 {
		return math.NaN()
	}
	var sum float64
	for _, p := range pts {
		sum += p.Value
	}
	return sum / float64(len(pts))
}

// Last is a series' newest value (NaN with no point).
func (f *CWFigures) Last(id CWSeriesID) float64 {
	pts := f.Points(id)
	if len(pts) == 0 {
		return math.NaN()
	}
	return pts[len(pts)-1].Value
}

// RecordSample is what a paced read of the stream's newest records (GetRecords from LATEST,
// deaggregated) showed over its recent window. Each sampled shard is read in full from the
// moment its sampling began (one call returns all that arrived since the last), so its
// one-second arrival peaks are exact; shards not sampled are not guessed at.
type RecordSample struct {
	// Since and Until bound the arrival times of the records counted (the sample's window).
	Since, Until time.Time
	// OpenShards is the stream's open shard count; Shards the sampled ones, busiest first.
	OpenShards int
	Shards     []ShardSample

	// Stream-wide over the sampled shards: Kinesis records read, of them KPL aggregates, and the
	// user records they hold (an unaggregated record is one user record).
	KinesisRecords, Aggregated, UserRecords int64
	// DistinctKeys is the number of distinct partition keys seen (an estimate above a few
	// thousand; KeysExact says whether it is exact).
	DistinctKeys int64
	KeysExact    bool
	// UserRecordBytes are the sizes of user records (data + partition key): p50, p99 and max.
	SizeP50, SizeP99, SizeMax int64

	// The sampler's cost and manners: GetRecords calls made, bytes read, calls refused with
	// ProvisionedThroughputExceededException, and whether it is backing off now.
	Calls, BytesRead, Throttled int64
	BackingOff                  bool
	// Budget states the limits the sampler keeps, e.g. "≤ 1 GetRecords/s per sampled shard,
	// ≤ 4 shards, ≤ 512 KiB/s".
	Budget string
}

// ShardSample is one sampled shard's records over the sample's window.
type ShardSample struct {
	ShardID string
	// Seconds is how long the shard has been read within the window.
	Seconds float64
	// KinesisRecords and KinesisBytes are what the shard's write limits count (data + partition
	// key per Kinesis record); Aggregated of them are KPL aggregates holding UserRecords.
	KinesisRecords, KinesisBytes, Aggregated, UserRecords int64
	// PeakRecords and PeakBytes are the highest one-second arrivals (Kinesis records and bytes,
	// by ApproximateArrivalTimestamp) and PeakAt the second they were seen: the bursts a
	// 1-minute sum averages away.
	PeakRecords, PeakBytes float64
	PeakAt                 time.Time
	// TopKeys are the shard's busiest user-record partition keys, shares of its user records.
	TopKeys      []KeyCount
	DistinctKeys int64
}

// Source is one place a watch reads, as the report and the Findings view list them.
type Source struct {
	// Name: "CloudWatch stream metrics", "CloudWatch shard metrics", "KPL metrics",
	// "shardstorm agents", "record sample".
	Name string `json:"name"`
	// Status: "starting", "reading", "off", "none published", "denied", "unavailable", "backing off".
	Status string `json:"status"`
	// Resolution says how fine the figures are: "1-minute sums", "1-second sample of 3 of 8
	// shards".
	Resolution string `json:"resolution,omitempty"`
	// Cost is what reading it costs the user, in calls and money where it has a price.
	Cost string `json:"cost,omitempty"`
	// Detail: the namespace, why it is off, the error.
	Detail string `json:"detail,omitempty"`
}
