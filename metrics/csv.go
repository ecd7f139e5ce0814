package metrics

import (
	"encoding/csv"
	"fmt"
	"io"
	"sort"
	"strconv"
	"time"
)

// CSV exports use the long format, one row per value:
//
//	time,stream,shard,series,value
//	2025-11-21T23:28:00.250Z,orders,,put_bytes,1048576
//	2025-11-21T23:28:00.250Z,orders,shardId-000000000001,throttled_records,12
//
// time is UTC, RFC 3339 with milliseconds; shard is empty for the stream's series; series is a
// name from Metric's list or errors.<CODE>; intervals with no value (NaN) have no row. Long
// rather than wide because shards come and go (a wide file would need every shard's columns
// known before the first row) and hundreds of shards × dozens of series pass spreadsheets'
// column limits; pivot it in any tool (pandas: df.pivot_table(index="time",
// columns=["shard","series"], values="value")).
var csvHeader = []string{"time", "stream", "shard", "series", "value"}

const csvTime = "2006-01-02T15:04:05.000Z07:00"

// WriteCSV writes the series held in the window. It holds the store's read lock throughout,
// so the sampler waits for it: an end-of-run export, not a periodic one (use CSVWriter).
func (s *Store) WriteCSV(w io.Writer) error {
	cw := csv.NewWriter(w)
	_ = cw.Write(csvHeader)
	s.mu.RLock()
	defer s.mu.RUnlock()
	ids := make([]string, 0, len(s.shards))
	for id := range s.shards {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	n := int64(len(s.times))
	row := make([]string, 5)
	row[1] = s.stream
	for k := s.all.oldest(s.next); k < s.next; k++ {
		row[0] = time.Unix(0, s.times[k%n]).UTC().Format(csvTime)
		row[2] = ""
		s.csvRows(cw, row, s.all, &s.streamOn, k)
		for _, id := range ids {
			set := s.shards[id]
			if k < set.oldest(s.next) || k > set.last {
				continue
			}
			row[2] = id
			s.csvRows(cw, row, set, &s.shardOn, k)
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("metrics: csv: %w", err)
	}
	return nil
}

func (s *Store) csvRows(cw *csv.Writer, row []string, set *seriesSet, on *[numMetrics]bool, k int64) {
	for m := range numMetrics {
		if !on[m] {
			continue
		}
		if v, ok := set.value(set.rings[m], k); ok {
			row[3], row[4] = metricTable[m].name, strconv.FormatFloat(v, 'g', -1, 32)
			_ = cw.Write(row) // errors stick in cw and surface at Flush
		}
	}
	for _, code := range sortedKeys(set.errs) {
		if v, ok := set.value(set.errs[code], k); ok {
			row[3], row[4] = ErrorSeriesPrefix+code, strconv.FormatFloat(v, 'g', -1, 32)
			_ = cw.Write(row)
		}
	}
}

// CSVWriter streams every sample as CSV rows, in the same format, for as long as the run
// lasts — the window only holds the last minutes. Give its Write to Config.OnSample and call
// Flush at the end.
type CSVWriter struct {
	cw     *csv.Writer
	stream string
	row    []string
	wrote  bool
}

// NewCSVWriter writes to w for stream.
func NewCSVWriter(w io.Writer, stream string) *CSVWriter {
	return &CSVWriter{cw: csv.NewWriter(w), stream: stream, row: make([]string, 5)}
}

// Write adds a snapshot's rows (the baseline, which has no rates, adds none). Errors are
// kept for Flush.
func (c *CSVWriter) Write(snap *Snapshot) {
	if !c.wrote {
		_ = c.cw.Write(csvHeader)
		c.wrote = true
	}
	if snap.Interval <= 0 {
		return
	}
	row := c.row
	row[0], row[1], row[2] = snap.Time.UTC().Format(csvTime), c.stream, ""
	c.values(&snap.Stream)
	for i := range snap.Shards {
		row[2] = snap.Shards[i].ShardID
		c.values(&snap.Shards[i].Values)
	}
}

func (c *CSVWriter) values(v *Values) {
	for m := range numMetrics {
		if x := v.v[m]; x == x {
			c.row[3], c.row[4] = metricTable[m].name, strconv.FormatFloat(x, 'g', -1, 64)
			_ = c.cw.Write(c.row)
		}
	}
	for _, code := range sortedKeys(v.Errors) {
		c.row[3], c.row[4] = ErrorSeriesPrefix+code, strconv.FormatFloat(v.Errors[code], 'g', -1, 64)
		_ = c.cw.Write(c.row)
	}
}

// Flush writes out what is buffered and returns the first error of any write.
func (c *CSVWriter) Flush() error {
	if !c.wrote {
		_ = c.cw.Write(csvHeader)
		c.wrote = true
	}
	c.cw.Flush()
	if err := c.cw.Error(); err != nil {
		return fmt.Errorf("metrics: csv: %w", err)
	}
	return nil
}

func sortedKeys[V any](m map[string]V) []string {
	if len(m) == 0 {
		return nil
	}
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
