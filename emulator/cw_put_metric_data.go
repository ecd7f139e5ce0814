package emulator

import (
	"math"
	"strings"
	"time"

	"github.com/aws/smithy-go/encoding/cbor"
)

// PutMetricData limits, as CloudWatch documents them.
const (
	cwMaxMetricsPerPut   = 1000
	cwMaxEntityData      = 2
	cwMaxValuesPerDatum  = 150
	cwMaxPastTimestamp   = 14 * 24 * time.Hour
	cwMaxFutureTimestamp = 2 * time.Hour
)

// CloudWatch rejects values whose magnitude lies outside [2^-360, 2^360] (zero excepted).
var (
	cwMaxMagnitude = math.Ldexp(1, 360)
	cwMinMagnitude = math.Ldexp(1, -360)
)

// cwPutMetricData validates the whole request first and stores nothing if any datum is bad,
// as CloudWatch does. A datum older than the emulator's retention is accepted and dropped.
func (e *Emulator) cwPutMetricData(in cbor.Map) (cbor.Map, *apiError) {
	var r cborReader
	namespace, err := readCWName(&r, in, "", "Namespace")
	if err != nil {
		return nil, err
	}
	if err := checkCWNamespace(namespace); err != nil {
		return nil, err
	}
	data, _ := r.list(in, "", "MetricData")
	entities, _ := r.list(in, "", "EntityMetricData")
	r.bool(in, "", "StrictEntityValidation")
	if r.err != nil {
		return nil, r.err
	}
	if len(entities) > cwMaxEntityData {
		return nil, cwErrInvalidParameter("The collection EntityMetricData must not have a size greater than %d.", cwMaxEntityData)
	}
	// Entities only associate metrics with a resource: their MetricData is stored like any other.
	type datum struct {
		v    cbor.Value
		path string
	}
	var all []datum
	for i, v := range data {
		all = append(all, datum{v, cwMember("MetricData", i)})
	}
	for i, v := range entities {
		path := cwMember("EntityMetricData", i)
		em, _ := r.asStruct(v, path)
		list, _ := r.list(em, path, "MetricData")
		for j, d := range list {
			all = append(all, datum{d, cwMember(cwPath(path, "MetricData"), j)})
		}
	}
	if r.err != nil {
		return nil, r.err
	}
	if len(all) == 0 {
		return nil, cwErrMissing("The parameter MetricData is required.")
	}
	if len(all) > cwMaxMetricsPerPut {
		return nil, cwErrInvalidParameter("The collection MetricData must not have a size greater than %d (got %d, EntityMetricData included).",
			cwMaxMetricsPerPut, len(all))
	}
	now := e.clock.Now()
	samples := make([]metricSample, 0, len(all))
	for _, d := range all {
		s, keep, err := readCWDatum(&r, d.v, d.path, now)
		if err != nil {
			return nil, err
		}
		if keep {
			s.namespace = namespace
			samples = append(samples, s)
		}
	}
	e.metrics.add(samples, now)
	return nil, nil // PutMetricData has no output
}

func checkCWNamespace(ns string) *apiError {
	if strings.HasPrefix(ns, "AWS/") {
		return cwErrInvalidParameter("The value %s for parameter Namespace is invalid: namespaces starting with AWS/ are reserved for AWS services.", ns)
	}
	if strings.HasPrefix(ns, ":") {
		return cwErrInvalidParameter("The value %s for parameter Namespace is invalid: it must not start with a colon.", ns)
	}
	for _, c := range ns {
		if c < 0x20 || c >= 0x7f {
			return cwErrInvalidParameter("The value %q for parameter Namespace is invalid: use printable ASCII characters.", ns)
		}
	}
	return nil
}

// readCWDatum reads and validates one MetricDatum, folding its Value, StatisticValues or
// Values/Counts into one sample. keep is false when Counts are all zero: nothing to store.
func readCWDatum(r *cborReader, v cbor.Value, path string, now time.Time) (s metricSample, keep bool, err *apiError) {
	m, _ := r.asStruct(v, path)
	if s.name, err = readCWName(r, m, path, "MetricName"); err != nil {
		return s, false, err
	}
	if s.dims, err = readCWDimensions(r, m, path); err != nil {
		return s, false, err
	}
	if s.unit, err = readCWUnit(r, m, path); err != nil {
		return s, false, err
	}
	if s.at, err = readCWTimestamp(r, m, path, now); err != nil {
		return s, false, err
	}
	if res, ok := r.int32(m, path, "StorageResolution"); ok && res != 1 && res != 60 {
		return s, false, cwErrInvalidParameter("The value %d for parameter %s.StorageResolution is invalid: use 1 or 60.", res, path)
	}
	value, hasValue := r.float(m, path, "Value")
	set, hasSet := r.structure(m, path, "StatisticValues")
	values, _ := r.floatList(m, path, "Values")
	counts, hasCounts := r.floatList(m, path, "Counts")
	if r.err != nil {
		return s, false, r.err
	}
	hasValues := len(values) > 0
	var given []string
	for _, g := range []struct {
		has  bool
		name string
	}{{hasValue, "Value"}, {hasSet, "StatisticValues"}, {hasValues, "Values"}} {
		if g.has {
			given = append(given, cwPath(path, g.name))
		}
	}
	switch {
	case len(given) == 0:
		return s, false, cwErrMissing("One of the parameters %s.Value, %s.StatisticValues or %s.Values must be specified.", path, path, path)
	case len(given) > 1:
		return s, false, cwErrCombination("The parameters %s and %s are mutually exclusive and you have specified both.", given[0], given[1])
	case hasCounts && !hasValues:
		return s, false, cwErrCombination("The parameter %s.Counts needs %s.Values.", path, path)
	}
	switch {
	case hasValue:
		if err := checkCWValue(value, cwPath(path, "Value")); err != nil {
			return s, false, err
		}
		s.stats = secondStats{sum: value, count: 1, min: value, max: value}
		return s, true, nil
	case hasSet:
		s.stats, err = readCWStatisticSet(r, set, cwPath(path, "StatisticValues"))
		return s, err == nil, err
	}
	s.stats, err = foldCWValues(values, counts, hasCounts, path)
	return s, err == nil && s.stats.count > 0, err
}

func readCWTimestamp(r *cborReader, m cbor.Map, path string, now time.Time) (time.Time, *apiError) {
	at, ok := r.time(m, path, "Timestamp")
	switch {
	case r.err != nil:
		return at, r.err
	case !ok:
		return now, nil
	case at.Before(now.Add(-cwMaxPastTimestamp)):
		return at, cwErrInvalidParameter("The parameter %s.Timestamp must specify a time no more than two weeks in the past.", path)
	case at.After(now.Add(cwMaxFutureTimestamp)):
		return at, cwErrInvalidParameter("The parameter %s.Timestamp must specify a time no more than two hours in the future.", path)
	}
	return at, nil
}

// checkCWValue rejects what CloudWatch rejects: NaN, infinities, magnitudes beyond 2^±360.
func checkCWValue(v float64, path string) *apiError {
	a := math.Abs(v)
	if math.IsNaN(v) || math.IsInf(v, 0) || a > cwMaxMagnitude || (a != 0 && a < cwMinMagnitude) {
		return cwErrInvalidParameter("The value %g for parameter %s is invalid: CloudWatch accepts finite values of magnitude 2^-360 to 2^360, or 0.", v, path)
	}
	return nil
}

func readCWStatisticSet(r *cborReader, m cbor.Map, path string) (secondStats, *apiError) {
	var vals [4]float64
	for i, name := range [...]string{"SampleCount", "Sum", "Minimum", "Maximum"} {
		v, ok := r.float(m, path, name)
		if r.err != nil {
			return secondStats{}, r.err
		}
		if !ok {
			return secondStats{}, cwErrMissing("The parameter %s is required.", cwPath(path, name))
		}
		if err := checkCWValue(v, cwPath(path, name)); err != nil {
			return secondStats{}, err
		}
		vals[i] = v
	}
	st := secondStats{count: vals[0], sum: vals[1], min: vals[2], max: vals[3]}
	if st.count <= 0 {
		return st, cwErrInvalidParameter("The parameter %s.SampleCount must be greater than 0.", path)
	}
	if st.min > st.max {
		return st, cwErrInvalidParameter("The parameter %s.Minimum must not be greater than %s.Maximum.", path, path)
	}
	return st, nil
}

// foldCWValues folds Values (each seen Counts[i] times, once if Counts is absent) into one
// sample: what storing each as its own sample would give, in one step.
func foldCWValues(values, counts []float64, hasCounts bool, path string) (secondStats, *apiError) {
	if len(values) > cwMaxValuesPerDatum {
		return secondStats{}, cwErrInvalidParameter("The collection %s.Values must not have a size greater than %d.", path, cwMaxValuesPerDatum)
	}
	if hasCounts && len(counts) != len(values) {
		return secondStats{}, cwErrInvalidParameter("The parameters %s.Values and %s.Counts must be of the same size (%d and %d).",
			path, path, len(values), len(counts))
	}
	st := secondStats{min: math.Inf(1), max: math.Inf(-1)}
	for i, v := range values {
		if err := checkCWValue(v, cwMember(cwPath(path, "Values"), i)); err != nil {
			return st, err
		}
		c := 1.0
		if hasCounts {
			c = counts[i]
			if err := checkCWValue(c, cwMember(cwPath(path, "Counts"), i)); err != nil {
				return st, err
			}
			if c < 0 {
				return st, cwErrInvalidParameter("The value %g for parameter %s is invalid: counts must not be negative.",
					c, cwMember(cwPath(path, "Counts"), i))
			}
			if c == 0 {
				continue
			}
		}
		st.sum += v * c
		st.count += c
		st.min = min(st.min, v)
		st.max = max(st.max, v)
	}
	return st, nil
}
