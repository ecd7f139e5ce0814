package emulator

import (
	"net/http"
	"slices"
	"strings"

	"github.com/aws/smithy-go/encoding/cbor"
)

// cwMaxStatisticsDatapoints is GetMetricStatistics' limit on data points per call.
const cwMaxStatisticsDatapoints = 1440

// cwGetMetricStatistics answers CloudWatch's older query, still what many scripts and dashboards
// call: one metric, up to five statistics per period. It reads the same per-second store as
// GetMetricData.
func (e *Emulator) cwGetMetricStatistics(in cbor.Map) (cbor.Map, *apiError) {
	var r cborReader
	var id metricID
	var err *apiError
	if id.namespace, err = readCWName(&r, in, "", "Namespace"); err != nil {
		return nil, err
	}
	if id.name, err = readCWName(&r, in, "", "MetricName"); err != nil {
		return nil, err
	}
	if id.dims, err = readCWDimensions(&r, in, ""); err != nil {
		return nil, err
	}
	unit, err := readCWUnit(&r, in, "")
	if err != nil {
		return nil, err
	}
	start, hasStart := r.time(in, "", "StartTime")
	end, hasEnd := r.time(in, "", "EndTime")
	period, hasPeriod := r.int32(in, "", "Period")
	stats, _ := r.list(in, "", "Statistics")
	extended, _ := r.list(in, "", "ExtendedStatistics")
	switch {
	case r.err != nil:
		return nil, r.err
	case !hasStart:
		return nil, cwErrMissing("The parameter StartTime is required.")
	case !hasEnd:
		return nil, cwErrMissing("The parameter EndTime is required.")
	case !hasPeriod:
		return nil, cwErrMissing("The parameter Period is required.")
	case period < 1:
		return nil, cwErrInvalidParameter("The parameter Period must be a whole number of seconds, at least 1 (got %d).", period)
	case !start.Before(end):
		return nil, cwErrInvalidParameter("The parameter StartTime must be less than the parameter EndTime.")
	case len(extended) > 0:
		return nil, cwErrInvalidParameter("The emulator does not compute extended statistics (percentiles): it keeps per-second aggregates, not samples. Ask for %s.",
			strings.Join(cwStatistics, ", "))
	case len(stats) == 0:
		return nil, cwErrMissing("The parameter Statistics or ExtendedStatistics is required.")
	case len(stats) > 5:
		return nil, cwErrInvalidParameter("The collection Statistics must not have a size greater than 5.")
	}
	names := make([]string, 0, len(stats))
	for i, v := range stats {
		s, _ := r.asString(v, cwMember("Statistics", i))
		if r.err != nil {
			return nil, r.err
		}
		if _, ok := (secondStats{}).statistic(s); !ok {
			return nil, cwErrInvalidParameter("The value %s for parameter Statistics.member.%d is invalid: use %s.", s, i+1, strings.Join(cwStatistics, ", "))
		}
		if !slices.Contains(names, s) {
			names = append(names, s)
		}
	}
	p := int64(period)
	startSec, endSec := start.Unix(), end.Unix()
	if end.Nanosecond() != 0 {
		endSec++
	}
	first := floorDiv(startSec, p) * p
	if n := (endSec - first + p - 1) / p; n > cwMaxStatisticsDatapoints {
		return nil, newAPIError(http.StatusBadRequest, cwInvalidParameterCombination,
			"You have requested up to %d datapoints, which exceeds the limit of %d. You may reduce the datapoints requested by increasing Period, or decreasing the time range.",
			n, cwMaxStatisticsDatapoints)
	}
	points := cbor.List{}
	u := e.metrics.unitOf(id, unit)
	for _, b := range e.metrics.buckets(id, unit, first, endSec, p, e.clock.Now()) {
		dp := cbor.Map{"Timestamp": cwTime(b.start)}
		for _, s := range names {
			v, _ := b.stats.statistic(s)
			dp[s] = cbor.Float64(v)
		}
		dp["Unit"] = cbor.String(u)
		points = append(points, dp)
	}
	return cbor.Map{"Label": cbor.String(id.name), "Datapoints": points}, nil
}

// unitOf is the unit GetMetricStatistics reports for a metric's data points: the one asked
// for, else the series' own when it has one, else None (CloudWatch's word for mixed or none).
func (s *metricStore) unitOf(id metricID, unit string) string {
	if unit != "" {
		return unit
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.keyBuf = appendSeriesKey(s.keyBuf[:0], id.namespace, id.name, s.sortedDimsLocked(id.dims))
	if se := s.series[string(s.keyBuf)]; se != nil && len(se.units) == 1 && se.units[0].unit != "" {
		return se.units[0].unit
	}
	return "None"
}
