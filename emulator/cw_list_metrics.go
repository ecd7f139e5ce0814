package emulator

import (
	"encoding/base64"
	"encoding/binary"
	"time"

	"github.com/aws/smithy-go/encoding/cbor"
)

// ListMetrics limits, as CloudWatch documents them.
const (
	cwListPageSize        = 500
	cwMaxDimensionFilters = 10
	cwRecentlyActive      = 3 * time.Hour // RecentlyActive PT3H
)

// cwDimensionFilter matches a metric having a dimension Name (with Value, if set).
type cwDimensionFilter struct {
	name, value string
	hasValue    bool
}

// cwListMetrics lists the metrics that still have data points in the emulator, 500 per page,
// sorted by namespace, name and dimensions. Filters match as CloudWatch's do: Namespace and
// MetricName exactly; each dimension filter needs a dimension of that name (and value), and a
// metric with more dimensions than the filters name still matches.
func (e *Emulator) cwListMetrics(in cbor.Map) (cbor.Map, *apiError) {
	var r cborReader
	namespace, hasNamespace := r.str(in, "", "Namespace")
	name, hasName := r.str(in, "", "MetricName")
	rawFilters, _ := r.list(in, "", "Dimensions")
	token, hasToken := r.str(in, "", "NextToken")
	recently, _ := r.str(in, "", "RecentlyActive")
	r.bool(in, "", "IncludeLinkedAccounts") // one account: nothing linked to include
	r.str(in, "", "OwningAccount")
	if r.err != nil {
		return nil, r.err
	}
	if len(rawFilters) > cwMaxDimensionFilters {
		return nil, cwErrInvalidParameter("The collection Dimensions must not have a size greater than %d.", cwMaxDimensionFilters)
	}
	filters := make([]cwDimensionFilter, 0, len(rawFilters))
	for i, v := range rawFilters {
		path := cwMember("Dimensions", i)
		fm, _ := r.asStruct(v, path)
		n, err := readCWName(&r, fm, path, "Name")
		if err != nil {
			return nil, err
		}
		val, hasVal := r.str(fm, path, "Value")
		if r.err != nil {
			return nil, r.err
		}
		filters = append(filters, cwDimensionFilter{name: n, value: val, hasValue: hasVal})
	}
	if recently != "" && recently != "PT3H" {
		return nil, cwErrInvalidParameter("The value %s for parameter RecentlyActive is invalid: PT3H is the only valid value.", recently)
	}
	var after metricID
	if hasToken {
		var ok bool
		if after, ok = decodeCWListToken(token); !ok {
			return nil, cwErrInvalidParameter("The value %s for parameter NextToken is invalid.", token)
		}
	}
	now := e.clock.Now()
	activeSince := now.Add(-cwRecentlyActive).Unix()
	page := cbor.List{}
	var last metricID
	more := false
	for _, m := range e.metrics.metrics(now) {
		switch {
		case hasToken && compareMetricIDs(m.id, after) <= 0,
			hasNamespace && m.id.namespace != namespace,
			hasName && m.id.name != name,
			recently != "" && m.lastSec < activeSince,
			!matchesCWFilters(m.id.dims, filters):
			continue
		}
		if len(page) == cwListPageSize {
			more = true
			break
		}
		page = append(page, cwMetric(m.id))
		last = m.id
	}
	out := cbor.Map{"Metrics": page}
	if more {
		out["NextToken"] = cbor.String(encodeCWListToken(last))
	}
	return out, nil
}

func matchesCWFilters(dims []Dimension, filters []cwDimensionFilter) bool {
	for _, f := range filters {
		found := false
		for _, d := range dims {
			if d.Name == f.name && (!f.hasValue || d.Value == f.value) {
				found = true
				break
			}
		}
		if !found {
			return false
		}
	}
	return true
}

// A ListMetrics NextToken is the last metric listed (its series key), so the next page starts
// right after it however the set of metrics changed in between.
const cwListTokenPrefix = "lm1:"

func encodeCWListToken(id metricID) string {
	key := appendSeriesKey([]byte(cwListTokenPrefix), id.namespace, id.name, id.dims)
	return base64.RawURLEncoding.EncodeToString(key)
}

func decodeCWListToken(token string) (metricID, bool) {
	raw, err := base64.RawURLEncoding.DecodeString(token)
	if err != nil || len(raw) < len(cwListTokenPrefix) || string(raw[:len(cwListTokenPrefix)]) != cwListTokenPrefix {
		return metricID{}, false
	}
	fields, ok := splitSeriesKey(raw[len(cwListTokenPrefix):])
	if !ok || len(fields) < 2 || len(fields)%2 != 0 {
		return metricID{}, false
	}
	id := metricID{namespace: fields[0], name: fields[1]}
	for i := 2; i < len(fields); i += 2 {
		id.dims = append(id.dims, Dimension{Name: fields[i], Value: fields[i+1]})
	}
	return id, true
}

// splitSeriesKey undoes appendSeriesKey's field encoding.
func splitSeriesKey(b []byte) ([]string, bool) {
	var fields []string
	for len(b) > 0 {
		n, size := binary.Uvarint(b)
		if size <= 0 || n > uint64(len(b)-size) {
			return nil, false
		}
		b = b[size:]
		fields = append(fields, string(b[:n]))
		b = b[n:]
	}
	return fields, true
}
