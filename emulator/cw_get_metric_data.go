package emulator

import (
	"encoding/base64"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/aws/smithy-go/encoding/cbor"
)

// GetMetricData limits and defaults, as CloudWatch documents them.
const (
	cwMaxQueries          = 500
	cwDefaultMaxDatapoint = 100_800
	cwMaxIDLen            = 255
)

var cwQueryIDPattern = regexp.MustCompile(`^[a-z][a-zA-Z0-9_]*$`)

// cwQuery is one MetricDataQuery with a MetricStat: the only kind the emulator evaluates.
type cwQuery struct {
	id, label  string
	returnData bool
	metric     metricID
	period     int64 // seconds, >= 1
	stat       string
	unit       string // "" for any unit
}

// cwGetMetricData answers MetricStat queries with the emulator's data merged into period
// buckets aligned on the epoch. Metric math and Metrics Insights expressions are refused with
// a ValidationError saying so: the emulator does not evaluate them.
func (e *Emulator) cwGetMetricData(in cbor.Map) (cbor.Map, *apiError) {
	req, err := readCWGetMetricData(in)
	if err != nil {
		return nil, asCWValidation(err)
	}
	now := e.clock.Now()
	startSec := req.start.Unix() // floor: the first bucket then rounds further down to its period
	endSec := req.end.Unix()     // exclusive: a point at second s is in range when s < EndTime
	if req.end.Nanosecond() != 0 {
		endSec++
	}
	budget := req.maxDatapoints
	results := make(cbor.List, 0, len(req.queries))
	var next *cwCursor // where the next page starts; nil when this page ends the data
	for qi, q := range req.queries {
		times, values := cbor.List{}, cbor.List{}
		status := "Complete"
		switch {
		case qi < req.cursor.query: // returned in full on earlier pages
		case next != nil: // the page filled up before this query
			status = "PartialData"
		default:
			first := floorDiv(startSec, q.period) * q.period
			bs := e.metrics.buckets(q.metric, q.unit, first, endSec, q.period, now)
			if req.descending {
				slices.Reverse(bs)
			}
			for _, b := range bs {
				if qi == req.cursor.query && req.cursor.started && beforeCursor(b.start, req.cursor.bucket, req.descending) {
					continue
				}
				if budget == 0 {
					next = &cwCursor{query: qi, bucket: b.start, started: true}
					status = "PartialData"
					break
				}
				v, _ := b.stats.statistic(q.stat)
				times = append(times, cwTime(b.start))
				values = append(values, cbor.Float64(v))
				budget--
			}
		}
		results = append(results, cbor.Map{
			"Id":         cbor.String(q.id),
			"Label":      cbor.String(q.label),
			"Timestamps": times,
			"Values":     values,
			"StatusCode": cbor.String(status),
		})
	}
	out := cbor.Map{"MetricDataResults": results}
	if next != nil {
		out["NextToken"] = cbor.String(next.encode())
	}
	return out, nil
}

// beforeCursor reports whether a bucket was already returned on an earlier page.
func beforeCursor(start, cursor int64, descending bool) bool {
	if descending {
		return start > cursor
	}
	return start < cursor
}

// cwCursor is where a page resumes: at query (an index into the queries that return data), at
// its bucket starting at bucket. It names a timestamp rather than an offset so data arriving
// between pages does not shift them. The zero cursor (started false) is the first page.
type cwCursor struct {
	query   int
	bucket  int64
	started bool
}

func (c cwCursor) encode() string {
	s := "gmd1:" + strconv.Itoa(c.query) + ":" + strconv.FormatInt(c.bucket, 10)
	return base64.RawURLEncoding.EncodeToString([]byte(s))
}

func decodeCWCursor(token string, queries int) (cwCursor, bool) {
	raw, err := base64.RawURLEncoding.DecodeString(token)
	if err != nil {
		return cwCursor{}, false
	}
	rest, ok := strings.CutPrefix(string(raw), "gmd1:")
	if !ok {
		return cwCursor{}, false
	}
	qs, bs, ok := strings.Cut(rest, ":")
	if !ok {
		return cwCursor{}, false
	}
	q, err := strconv.Atoi(qs)
	if err != nil || q < 0 || q >= queries {
		return cwCursor{}, false
	}
	b, err := strconv.ParseInt(bs, 10, 64)
	if err != nil {
		return cwCursor{}, false
	}
	return cwCursor{query: q, bucket: b, started: true}, true
}

// cwGetMetricDataInput is GetMetricData's input, validated; queries are those that return data.
type cwGetMetricDataInput struct {
	queries       []cwQuery
	start, end    time.Time
	descending    bool
	maxDatapoints int
	cursor        cwCursor
}

func readCWGetMetricData(in cbor.Map) (req cwGetMetricDataInput, err *apiError) {
	var r cborReader
	list, _ := r.list(in, "", "MetricDataQueries")
	start, hasStart := r.time(in, "", "StartTime")
	end, hasEnd := r.time(in, "", "EndTime")
	token, hasToken := r.str(in, "", "NextToken")
	scanBy, _ := r.str(in, "", "ScanBy")
	maxDP, hasMax := r.int32(in, "", "MaxDatapoints")
	r.structure(in, "", "LabelOptions") // accepted and ignored: the emulator's labels carry no times
	switch {
	case r.err != nil:
		return req, r.err
	case len(list) == 0:
		return req, cwErrMissing("The parameter MetricDataQueries is required.")
	case len(list) > cwMaxQueries:
		return req, cwErrValidation("The collection MetricDataQueries must not have a size greater than %d.", cwMaxQueries)
	case !hasStart:
		return req, cwErrMissing("The parameter StartTime is required.")
	case !hasEnd:
		return req, cwErrMissing("The parameter EndTime is required.")
	case !start.Before(end):
		return req, cwErrValidation("The parameter StartTime must be less than the parameter EndTime.")
	case hasMax && maxDP < 1:
		return req, cwErrValidation("The value %d for parameter MaxDatapoints is invalid: it must be at least 1.", maxDP)
	}
	req.start, req.end = start, end
	req.maxDatapoints = cwDefaultMaxDatapoint
	if hasMax {
		req.maxDatapoints = int(maxDP)
	}
	switch scanBy {
	case "", "TimestampDescending":
		req.descending = true
	case "TimestampAscending":
	default:
		return req, cwErrValidation("The value %s for parameter ScanBy is invalid: use TimestampAscending or TimestampDescending.", scanBy)
	}
	ids := make(map[string]bool, len(list))
	for i, v := range list {
		q, err := readCWQuery(&r, v, cwMember("MetricDataQueries", i))
		if err != nil {
			return req, err
		}
		if ids[q.id] {
			return req, cwErrValidation("The values for parameter id in MetricDataQueries are not unique: %s appears more than once.", q.id)
		}
		ids[q.id] = true
		if q.returnData {
			req.queries = append(req.queries, q)
		}
	}
	if hasToken {
		var ok bool
		if req.cursor, ok = decodeCWCursor(token, len(req.queries)); !ok {
			return req, newAPIError(http.StatusBadRequest, cwInvalidNextToken, "The NextToken %q is invalid for this request.", token)
		}
	}
	return req, nil
}

func readCWQuery(r *cborReader, v cbor.Value, path string) (q cwQuery, err *apiError) {
	m, _ := r.asStruct(v, path)
	id, hasID := r.str(m, path, "Id")
	label, hasLabel := r.str(m, path, "Label")
	returnData, hasReturn := r.bool(m, path, "ReturnData")
	expr, hasExpr := r.str(m, path, "Expression")
	stat, hasStat := r.structure(m, path, "MetricStat")
	r.int32(m, path, "Period") // only for expressions
	r.str(m, path, "AccountId")
	switch {
	case r.err != nil:
		return q, r.err
	case !hasID:
		return q, cwErrMissing("The parameter %s.Id is required.", path)
	case len(id) > cwMaxIDLen || !cwQueryIDPattern.MatchString(id):
		return q, cwErrValidation("The value %s for parameter %s.Id is invalid: an Id starts with a lowercase letter and holds only letters, digits and underscores.", id, path)
	case hasExpr && hasStat:
		return q, cwErrValidation("Query %s specifies both MetricStat and Expression: give exactly one.", id)
	case hasExpr:
		return q, cwErrValidation("Query %s has Expression %q: the emulator does not evaluate metric math or Metrics Insights expressions. "+
			"Fetch each metric with a MetricStat query and combine the values yourself.", id, expr)
	case !hasStat:
		return q, cwErrValidation("Query %s specifies neither MetricStat nor Expression: give exactly one.", id)
	}
	q.id, q.returnData = id, !hasReturn || returnData
	sp := cwPath(path, "MetricStat")
	mm, hasMetric := r.structure(stat, sp, "Metric")
	period, hasPeriod := r.int32(stat, sp, "Period")
	q.stat, hasStat = r.str(stat, sp, "Stat")
	switch {
	case r.err != nil:
		return q, r.err
	case !hasMetric:
		return q, cwErrMissing("The parameter %s.Metric is required.", sp)
	case !hasPeriod:
		return q, cwErrMissing("The parameter %s.Period is required.", sp)
	case period < 1:
		return q, cwErrValidation("The value %d for parameter %s.Period is invalid: a period is a whole number of seconds, at least 1.", period, sp)
	case !hasStat:
		return q, cwErrMissing("The parameter %s.Stat is required.", sp)
	}
	if _, ok := (secondStats{}).statistic(q.stat); !ok {
		return q, cwErrValidation("Query %s asks for statistic %q: the emulator computes only %s (%s.Stat).",
			id, q.stat, strings.Join(cwStatistics, ", "), sp)
	}
	q.period = int64(period)
	if q.unit, err = readCWUnit(r, stat, sp); err != nil {
		return q, err
	}
	mp := cwPath(sp, "Metric")
	if q.metric.namespace, err = readCWName(r, mm, mp, "Namespace"); err != nil {
		return q, err
	}
	if q.metric.name, err = readCWName(r, mm, mp, "MetricName"); err != nil {
		return q, err
	}
	if q.metric.dims, err = readCWDimensions(r, mm, mp); err != nil {
		return q, err
	}
	q.label = q.metric.name
	if hasLabel {
		q.label = label
	}
	return q, nil
}

// asCWValidation reports GetMetricData's bad parameters as CloudWatch does: ValidationError,
// where PutMetricData and ListMetrics use InvalidParameterValue and MissingParameter.
func asCWValidation(err *apiError) *apiError {
	switch err.Type {
	case cwInvalidParameterValue, cwMissingParameter, cwInvalidParameterCombination:
		return &apiError{Type: cwValidation, Message: err.Message, Status: err.Status}
	}
	return err
}
