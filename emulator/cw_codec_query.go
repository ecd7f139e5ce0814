package emulator

import (
	"encoding/xml"
	"math"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/aws/smithy-go/encoding/cbor"
)

// cwAWSQuery is awsQuery, CloudWatch's original protocol, still what Debian's boto3 and AWS CLI
// and aws-sdk-go v1 speak: a form-encoded body (or a GET's query string) with Action=<Op>,
// Version=2010-08-01 and the input flattened into dotted names (Dimensions.member.1.Name=…),
// answered in XML. Form values are text, so the member's name decides its type (a few names,
// the same in every operation: see cwQueryNumbers and the like).
type cwAWSQuery struct{}

const (
	cwQueryContentType = "application/x-www-form-urlencoded"
	cwQueryVersion     = "2010-08-01"
	cwXMLNamespace     = "http://monitoring.amazonaws.com/doc/2010-08-01/"
)

// isQueryRequest: a form POST, or a GET naming an Action. Kinesis has no query protocol, so such
// a request can only be CloudWatch's.
func isQueryRequest(r *http.Request) bool {
	if r.Method == http.MethodGet {
		return r.URL.Query().Get("Action") != ""
	}
	mt, _, _ := strings.Cut(r.Header.Get("Content-Type"), ";")
	return r.Method == http.MethodPost && strings.EqualFold(strings.TrimSpace(mt), cwQueryContentType) && r.Header.Get("X-Amz-Target") == ""
}

func (cwAWSQuery) name() string                       { return "awsQuery" }
func (cwAWSQuery) contentType() string                { return cwQueryContentType }
func (cwAWSQuery) allowsGet() bool                    { return true }
func (cwAWSQuery) checkHeaders(http.Header) *apiError { return nil }

// The typed members of CloudWatch's inputs; every other member is text.
var (
	cwQueryIntegers = map[string]bool{"Period": true, "MaxDatapoints": true, "StorageResolution": true}
	cwQueryDoubles  = map[string]bool{"Value": true, "Values": true, "Counts": true, "SampleCount": true,
		"Sum": true, "Minimum": true, "Maximum": true}
	cwQueryBooleans = map[string]bool{"ReturnData": true, "IncludeLinkedAccounts": true, "StrictEntityValidation": true}
	// cwQueryLists are the list members: awsQuery sends an empty list as "Name=" with no members.
	cwQueryLists = map[string]bool{"MetricDataQueries": true, "Dimensions": true, "MetricData": true, "Values": true,
		"Counts": true, "Statistics": true, "ExtendedStatistics": true, "EntityMetricData": true}
)

func (cwAWSQuery) decode(_ string, body []byte, r *http.Request) (string, cbor.Map, *apiError) {
	raw := string(body)
	if r.Method == http.MethodGet {
		raw = r.URL.RawQuery
	}
	form, err := url.ParseQuery(raw)
	if err != nil {
		return "", nil, cwErrSerialization("The request body is not a valid form: %v.", err)
	}
	op := form.Get("Action")
	if op == "" {
		return "", nil, newAPIError(http.StatusBadRequest, "MissingAction", "The request must contain the parameter Action.")
	}
	if v := form.Get("Version"); v != cwQueryVersion {
		return op, nil, newAPIError(http.StatusBadRequest, "InvalidParameterValue",
			"Version %q is not supported: CloudWatch's awsQuery API is version %s.", v, cwQueryVersion)
	}
	in := &queryNode{}
	keys := make([]string, 0, len(form))
	for k := range form {
		if k != "Action" && k != "Version" {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	for _, k := range keys {
		if err := in.set(strings.Split(k, "."), k, form.Get(k)); err != nil {
			return op, nil, err
		}
	}
	out, apiErr := in.value("", "")
	if apiErr != nil {
		return op, nil, apiErr
	}
	m, _ := out.(cbor.Map)
	if m == nil {
		m = cbor.Map{}
	}
	return op, m, nil
}

// queryNode is one member of the input as the flattened names build it: a structure (fields),
// a list (items by 1-based index) or a value.
type queryNode struct {
	fields map[string]*queryNode
	items  map[int]*queryNode
	text   *string
}

func (n *queryNode) set(path []string, key, value string) *apiError {
	if len(path) == 0 {
		if n.fields != nil || n.items != nil || n.text != nil {
			return cwErrSerialization("Parameter %s is given twice or is both a value and a structure.", key)
		}
		n.text = &value
		return nil
	}
	if path[0] == "member" {
		if len(path) < 2 {
			return cwErrSerialization("Parameter %s: a list member needs an index (Name.member.1).", key)
		}
		i, err := strconv.Atoi(path[1])
		if err != nil || i < 1 {
			return cwErrSerialization("Parameter %s: list indexes are whole numbers from 1.", key)
		}
		if n.fields != nil || n.text != nil {
			return cwErrSerialization("Parameter %s: a list and a structure at once.", key)
		}
		if n.items == nil {
			n.items = map[int]*queryNode{}
		}
		child := n.items[i]
		if child == nil {
			child = &queryNode{}
			n.items[i] = child
		}
		return child.set(path[2:], key, value)
	}
	if n.items != nil || n.text != nil && *n.text != "" {
		return cwErrSerialization("Parameter %s: a structure and a list or value at once.", key)
	}
	if n.fields == nil {
		n.fields = map[string]*queryNode{}
	}
	child := n.fields[path[0]]
	if child == nil {
		child = &queryNode{}
		n.fields[path[0]] = child
	}
	return child.set(path[1:], key, value)
}

// value converts the node into the data model; member is its name (the list's for list items)
// and parent its structure's (a Dimension's Value is text, a MetricDatum's a number).
func (n *queryNode) value(member, parent string) (cbor.Value, *apiError) {
	switch {
	case n.items != nil:
		idx := make([]int, 0, len(n.items))
		for i := range n.items {
			idx = append(idx, i)
		}
		slices.Sort(idx)
		out := make(cbor.List, 0, len(idx))
		for _, i := range idx {
			v, err := n.items[i].value(member, parent)
			if err != nil {
				return nil, err
			}
			out = append(out, v)
		}
		return out, nil
	case n.fields != nil:
		out := make(cbor.Map, len(n.fields))
		for k, child := range n.fields {
			v, err := child.value(k, member)
			if err != nil {
				return nil, err
			}
			out[k] = v
		}
		return out, nil
	case n.text != nil:
		if parent == "Dimensions" {
			return cbor.String(*n.text), nil // Name and Value, both text
		}
		return queryScalar(member, *n.text)
	}
	return &cbor.Nil{}, nil
}

// queryScalar types a form value by its member's name.
func queryScalar(member, s string) (cbor.Value, *apiError) {
	bad := func(want string) *apiError {
		return cwErrInvalidParameter("The value %s for parameter %s is invalid: want %s.", s, member, want)
	}
	switch {
	case s == "" && cwQueryLists[member]:
		return cbor.List{}, nil
	case cwTimestampMembers[member]:
		t, err := parseQueryTime(s)
		if err != nil {
			return nil, bad("an ISO 8601 timestamp such as 2026-01-02T15:04:05Z")
		}
		return &cbor.Tag{ID: 1, Value: cbor.Float64(float64(t.UnixNano()) / 1e9)}, nil
	case cwQueryIntegers[member]:
		i, err := strconv.ParseInt(s, 10, 32)
		if err != nil {
			return nil, bad("a 32-bit integer")
		}
		if i < 0 {
			return cbor.NegInt(uint64(-i)), nil
		}
		return cbor.Uint(uint64(i)), nil
	case cwQueryDoubles[member]:
		f, err := strconv.ParseFloat(s, 64)
		if err != nil {
			return nil, bad("a number")
		}
		return cbor.Float64(f), nil
	case cwQueryBooleans[member]:
		b, err := strconv.ParseBool(s)
		if err != nil {
			return nil, bad("true or false")
		}
		return cbor.Bool(b), nil
	}
	return cbor.String(s), nil
}

// parseQueryTime reads the timestamps awsQuery clients send: ISO 8601 (botocore, aws-sdk-go v1),
// with or without fractional seconds, or epoch seconds.
func parseQueryTime(s string) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t, nil
	}
	if t, err := time.Parse("2006-01-02T15:04:05", s); err == nil { // no zone: UTC, as AWS reads it
		return t, nil
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
		return time.Time{}, strconv.ErrSyntax
	}
	sec, frac := math.Modf(f)
	return time.Unix(int64(sec), int64(frac*1e9)).UTC(), nil
}

func (cwAWSQuery) writeOutput(w http.ResponseWriter, op string, out cbor.Map) {
	var b strings.Builder
	b.WriteString(xml.Header)
	b.WriteString("<" + op + "Response xmlns=\"" + cwXMLNamespace + "\">")
	if out != nil {
		b.WriteString("<" + op + "Result>")
		writeXMLMembers(&b, out)
		b.WriteString("</" + op + "Result>")
	}
	b.WriteString("<ResponseMetadata><RequestId>")
	xmlText(&b, w.Header().Get(requestIDHeader))
	b.WriteString("</RequestId></ResponseMetadata></" + op + "Response>")
	writeCWBodyAs(w, http.StatusOK, "text/xml", []byte(b.String()))
}

func (cwAWSQuery) writeError(w http.ResponseWriter, _ string, err *apiError) {
	fault := "Sender"
	if err.Status >= 500 {
		fault = "Receiver"
	}
	var b strings.Builder
	b.WriteString(xml.Header)
	b.WriteString("<ErrorResponse xmlns=\"" + cwXMLNamespace + "\"><Error><Type>" + fault + "</Type><Code>")
	xmlText(&b, cwQueryCode(err))
	b.WriteString("</Code><Message>")
	xmlText(&b, err.Message)
	b.WriteString("</Message></Error><RequestId>")
	xmlText(&b, w.Header().Get(requestIDHeader))
	b.WriteString("</RequestId></ErrorResponse>")
	writeCWBodyAs(w, cwErrorStatus(err), "text/xml", []byte(b.String()))
}

// writeXMLMembers writes a structure's members as elements, in name order; lists as <member>
// items, as awsQuery's XML does.
func writeXMLMembers(b *strings.Builder, m cbor.Map) {
	keys := make([]string, 0, len(m))
	for k, v := range m {
		if !isCBORNull(v) {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	for _, k := range keys {
		b.WriteString("<" + k + ">")
		writeXMLValue(b, m[k])
		b.WriteString("</" + k + ">")
	}
}

func writeXMLValue(b *strings.Builder, v cbor.Value) {
	switch v := v.(type) {
	case cbor.Map:
		writeXMLMembers(b, v)
	case cbor.List:
		for _, item := range v {
			b.WriteString("<member>")
			writeXMLValue(b, item)
			b.WriteString("</member>")
		}
	case *cbor.Tag:
		if f, err := cbor.AsFloat64(v.Value); err == nil {
			sec, frac := math.Modf(f)
			b.WriteString(time.Unix(int64(sec), int64(frac*1e9)).UTC().Format("2006-01-02T15:04:05.000Z"))
		}
	case cbor.String:
		xmlText(b, string(v))
	case cbor.Bool:
		b.WriteString(strconv.FormatBool(bool(v)))
	case cbor.Uint:
		b.WriteString(strconv.FormatUint(uint64(v), 10))
	case cbor.NegInt:
		b.WriteString("-" + strconv.FormatUint(uint64(v), 10))
	case cbor.Float32:
		b.WriteString(strconv.FormatFloat(float64(v), 'g', -1, 32))
	case cbor.Float64:
		b.WriteString(strconv.FormatFloat(float64(v), 'g', -1, 64))
	}
}

func xmlText(b *strings.Builder, s string) { _ = xml.EscapeText(b, []byte(s)) }
