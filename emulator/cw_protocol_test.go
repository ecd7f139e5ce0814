package emulator

import (
	"bytes"
	"compress/gzip"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/aws/smithy-go/encoding/cbor"
)

// These tests speak RPCv2 CBOR by hand, to check the wire details the SDK does not expose
// and requests the SDK would never send.

func newCWEmulator(t testing.TB) *Emulator {
	t.Helper()
	e, err := New(Config{Clock: NewManualClock(cwT0)})
	if err != nil {
		t.Fatal(err)
	}
	return e
}

func cwRequest(op string, body []byte) *http.Request {
	r := httptest.NewRequest(http.MethodPost, cloudWatchPathPrefix+op, bytes.NewReader(body))
	r.Header.Set("Smithy-Protocol", "rpc-v2-cbor")
	r.Header.Set("Content-Type", "application/cbor")
	r.Header.Set("Accept", "application/cbor")
	return r
}

func serveCW(e *Emulator, r *http.Request) *httptest.ResponseRecorder {
	w := httptest.NewRecorder()
	e.ServeHTTP(w, r)
	return w
}

func gzipped(t testing.TB, b []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	if _, err := zw.Write(b); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// cwErrorOf checks w is a well-formed RPCv2 CBOR error and returns its __type and message.
func cwErrorOf(t testing.TB, w *httptest.ResponseRecorder) (typ, msg string) {
	t.Helper()
	if w.Code < 300 {
		t.Fatalf("status %d, want an error", w.Code)
	}
	if got := w.Header().Get("Smithy-Protocol"); got != "rpc-v2-cbor" {
		t.Errorf("Smithy-Protocol %q", got)
	}
	if got := w.Header().Get("Content-Type"); got != "application/cbor" {
		t.Errorf("Content-Type %q, want application/cbor", got)
	}
	q := w.Header().Get("X-Amzn-Query-Error")
	if code, fault, ok := strings.Cut(q, ";"); !ok || code == "" || (fault != "Sender" && fault != "Receiver") {
		t.Errorf("X-Amzn-Query-Error %q, want Code;Sender or Code;Receiver", q)
	}
	v, err := cbor.Decode(w.Body.Bytes())
	if err != nil {
		t.Fatalf("error body is not CBOR: %v (% x)", err, w.Body.Bytes())
	}
	m, ok := v.(cbor.Map)
	if !ok {
		t.Fatalf("error body is %T, want a map", v)
	}
	ts, ok1 := m["__type"].(cbor.String)
	ms, ok2 := m["message"].(cbor.String)
	if !ok1 || !ok2 || ts == "" || ms == "" {
		t.Fatalf("error body %v lacks __type or message", m)
	}
	return string(ts), string(ms)
}

func TestCloudWatchWireResponses(t *testing.T) {
	e := newCWEmulator(t)
	// PutMetricData, with numbers and timestamps shortened to integers as the spec allows.
	put := cbor.Encode(cbor.Map{
		"Namespace": cbor.String("App"),
		"MetricData": cbor.List{cbor.Map{
			"MetricName": cbor.String("M"),
			"Value":      cbor.Uint(5),
			"Timestamp":  &cbor.Tag{ID: 1, Value: cbor.Uint(cwT0.Unix() - 30)},
			"Unit":       &cbor.Nil{}, // null members are absent
		}},
	})
	w := serveCW(e, cwRequest("PutMetricData", put))
	if w.Code != http.StatusOK || w.Body.Len() != 0 {
		t.Fatalf("PutMetricData: %d %q, want 200 and no body", w.Code, w.Body.Bytes())
	}
	if w.Header().Get("Smithy-Protocol") != "rpc-v2-cbor" || w.Header().Get("Content-Type") != "" {
		t.Errorf("PutMetricData headers %v: want Smithy-Protocol and, with no body, no Content-Type", w.Header())
	}

	get := cbor.Encode(cbor.Map{
		"StartTime": &cbor.Tag{ID: 1, Value: cbor.Float64(float64(cwT0.Unix() - 3600))},
		"EndTime":   &cbor.Tag{ID: 1, Value: cbor.Float64(float64(cwT0.Unix()))},
		"MetricDataQueries": cbor.List{cbor.Map{
			"Id": cbor.String("m"),
			"MetricStat": cbor.Map{
				"Metric": cbor.Map{"Namespace": cbor.String("App"), "MetricName": cbor.String("M")},
				"Period": cbor.Uint(60), "Stat": cbor.String("Sum"),
			},
		}},
	})
	w = serveCW(e, cwRequest("GetMetricData", get))
	if w.Code != http.StatusOK || w.Header().Get("Content-Type") != "application/cbor" || w.Header().Get("Smithy-Protocol") != "rpc-v2-cbor" {
		t.Fatalf("GetMetricData: %d %v", w.Code, w.Header())
	}
	v, err := cbor.Decode(w.Body.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	res := v.(cbor.Map)["MetricDataResults"].(cbor.List)[0].(cbor.Map)
	ts := res["Timestamps"].(cbor.List)[0].(*cbor.Tag)
	wantTS := float64(cwT0.Unix() - 60)
	if ts.ID != 1 || ts.Value != cbor.Float64(wantTS) {
		t.Errorf("timestamp %#v, want tag 1 around float64 %v", ts, wantTS)
	}
	if got := res["Values"].(cbor.List); len(got) != 1 || got[0] != cbor.Float64(5) {
		t.Errorf("values %v, want [5]", got)
	}

	w = serveCW(e, cwRequest("PutMetricData", cbor.Encode(cbor.Map{"Namespace": cbor.String("AWS/X"), "MetricData": cbor.List{}})))
	typ, _ := cwErrorOf(t, w)
	if w.Code != http.StatusBadRequest || typ != "com.amazonaws.cloudwatch#InvalidParameterValueException" ||
		w.Header().Get("X-Amzn-Query-Error") != "InvalidParameterValue;Sender" {
		t.Errorf("AWS/ namespace: %d %s %q", w.Code, typ, w.Header().Get("X-Amzn-Query-Error"))
	}
}

func TestCloudWatchWireRejections(t *testing.T) {
	e := newCWEmulator(t)
	empty := cbor.Encode(cbor.Map{})
	bomb := gzipped(t, make([]byte, cwMaxDecodedBytes+1))
	good := gzipped(t, empty)
	named := cbor.Encode(cbor.Map{"Namespace": cbor.String("App")})
	for _, tc := range []struct {
		name     string
		op       string
		body     []byte
		edit     func(*http.Request)
		status   int
		typ      string
		contains string
	}{
		{"unknown operation", "DescribeAlarms", empty, nil, 404, cwUnknownOperation, "DescribeAlarms"},
		{"GET", "ListMetrics", nil, func(r *http.Request) { r.Method = http.MethodGet }, 405, cwMethodNotAllowed, "POST"},
		{"no Smithy-Protocol", "ListMetrics", empty, func(r *http.Request) { r.Header.Del("Smithy-Protocol") }, 400, cwSerialization, "Smithy-Protocol"},
		{"X-Amz-Target", "ListMetrics", empty, func(r *http.Request) { r.Header.Set("X-Amz-Target", "GraniteServiceVersion20100801.ListMetrics") }, 400, cwSerialization, "X-Amz-Target"},
		{"JSON body", "ListMetrics", []byte("{}"), func(r *http.Request) { r.Header.Set("Content-Type", "application/x-amz-json-1.0") }, 415, cwUnsupportedMediaType, "application/cbor"},
		{"brotli", "ListMetrics", empty, func(r *http.Request) { r.Header.Set("Content-Encoding", "br") }, 415, cwUnsupportedMediaType, "br"},
		{"not gzip", "PutMetricData", empty, func(r *http.Request) { r.Header.Set("Content-Encoding", "gzip") }, 400, cwSerialization, "gzip"},
		{"truncated gzip", "PutMetricData", good[:len(good)-6], func(r *http.Request) { r.Header.Set("Content-Encoding", "gzip") }, 400, cwSerialization, "gzip"},
		{"gzip bomb", "PutMetricData", bomb, func(r *http.Request) { r.Header.Set("Content-Encoding", "gzip") }, 413, cwRequestTooLarge, "decompressed"},
		{"too large", "PutMetricData", make([]byte, cwMaxBodyBytes+1), nil, 413, cwRequestTooLarge, "exceeded"},
		{"not CBOR", "ListMetrics", []byte{0xff, 0x00}, nil, 400, cwSerialization, "CBOR"},
		{"truncated CBOR", "ListMetrics", named[:len(named)-1], nil, 400, cwSerialization, "CBOR"},
		{"not a map", "ListMetrics", cbor.Encode(cbor.List{}), nil, 400, cwSerialization, "map"},
		{"wrong type", "GetMetricData", cbor.Encode(cbor.Map{"MetricDataQueries": cbor.String("x")}), nil, 400, cwSerialization, "MetricDataQueries"},
		{"nested wrong type", "PutMetricData", cbor.Encode(cbor.Map{"Namespace": cbor.String("A"), "MetricData": cbor.List{cbor.Map{
			"MetricName": cbor.String("M"), "Dimensions": cbor.List{cbor.Map{"Name": cbor.Uint(1)}}}}}), nil, 400, cwSerialization, "MetricData.member.1.Dimensions.member.1.Name"},
		{"timestamp not tagged", "GetMetricData", cbor.Encode(cbor.Map{"StartTime": cbor.Float64(1)}), nil, 400, cwSerialization, "StartTime"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := cwRequest(tc.op, tc.body)
			if tc.edit != nil {
				tc.edit(r)
			}
			w := serveCW(e, r)
			typ, msg := cwErrorOf(t, w)
			if w.Code != tc.status || !strings.HasSuffix(typ, tc.typ) || !strings.Contains(msg, tc.contains) {
				t.Errorf("got %d %s %q, want %d %s mentioning %q", w.Code, typ, msg, tc.status, tc.typ, tc.contains)
			}
		})
	}
}

func TestCloudWatchWireAcceptsAnyGzippedOperation(t *testing.T) {
	e := newCWEmulator(t)
	r := cwRequest("ListMetrics", gzipped(t, cbor.Encode(cbor.Map{"Namespace": cbor.String("App")})))
	r.Header.Set("Content-Encoding", "gzip")
	if w := serveCW(e, r); w.Code != http.StatusOK {
		t.Errorf("gzip ListMetrics: %d %q", w.Code, w.Body.Bytes())
	}
}

// FuzzCloudWatchRequest feeds arbitrary bytes as the body of every operation: the emulator must
// never panic, and must always answer 200 with a CBOR map (or nothing, for PutMetricData) or a
// well-formed client error.
func FuzzCloudWatchRequest(f *testing.F) {
	tag := func(sec int64) cbor.Value { return &cbor.Tag{ID: 1, Value: cbor.Float64(float64(sec))} }
	seeds := []cbor.Map{
		{},
		{"Namespace": cbor.String("App"), "MetricData": cbor.List{cbor.Map{
			"MetricName": cbor.String("M"), "Value": cbor.Float64(1.5), "Timestamp": tag(cwT0.Unix()),
			"Dimensions": cbor.List{cbor.Map{"Name": cbor.String("D"), "Value": cbor.String("v")}},
		}, cbor.Map{
			"MetricName": cbor.String("N"), "Values": cbor.List{cbor.Float64(1), cbor.Float64(2)}, "Counts": cbor.List{cbor.Float64(3), cbor.Float64(0)},
		}, cbor.Map{
			"MetricName": cbor.String("S"), "StatisticValues": cbor.Map{
				"SampleCount": cbor.Float64(2), "Sum": cbor.Float64(3), "Minimum": cbor.Float64(1), "Maximum": cbor.Float64(2)},
		}}},
		{"StartTime": tag(cwT0.Unix() - 3600), "EndTime": tag(cwT0.Unix()), "MaxDatapoints": cbor.Uint(2),
			"ScanBy": cbor.String("TimestampAscending"), "NextToken": cbor.String("Z21kMTowOjE3NDA4MzA0MDA"),
			"MetricDataQueries": cbor.List{cbor.Map{"Id": cbor.String("m"), "MetricStat": cbor.Map{
				"Metric": cbor.Map{"Namespace": cbor.String("App"), "MetricName": cbor.String("M")},
				"Period": cbor.Uint(1), "Stat": cbor.String("Average"), "Unit": cbor.String("Count")}}}},
		{"Namespace": cbor.String("App"), "Dimensions": cbor.List{cbor.Map{"Name": cbor.String("D")}},
			"RecentlyActive": cbor.String("PT3H"), "NextToken": cbor.String("bG0xOgNBcHABTQ")},
	}
	for i, s := range seeds {
		for op := range 4 {
			f.Add(uint8(op), i%2 == 0, cbor.Encode(s))
		}
	}
	f.Add(uint8(0), false, []byte{0x9f, 0x9f, 0x9f, 0xff})
	f.Add(uint8(1), false, []byte{0xbf, 0x61, 0x61, 0xc1, 0xfb, 0x7f, 0xf8, 0, 0, 0, 0, 0, 0, 0xff})
	ops := []string{"PutMetricData", "GetMetricData", "ListMetrics", "Nope"}
	e := newCWEmulator(f)
	f.Fuzz(func(t *testing.T, op uint8, gz bool, body []byte) {
		name := ops[int(op)%len(ops)]
		if gz {
			body = gzipped(t, body)
		}
		r := cwRequest(name, body)
		if gz {
			r.Header.Set("Content-Encoding", "gzip")
		}
		w := serveCW(e, r)
		if w.Header().Get("Smithy-Protocol") != "rpc-v2-cbor" {
			t.Fatalf("no Smithy-Protocol header")
		}
		switch {
		case w.Code >= 500:
			t.Fatalf("%s: server error %d %q", name, w.Code, w.Body.Bytes())
		case w.Code >= 400:
			cwErrorOf(t, w)
		case w.Code != http.StatusOK:
			t.Fatalf("%s: status %d", name, w.Code)
		case name == "PutMetricData":
			if w.Body.Len() != 0 {
				t.Fatalf("PutMetricData answered a body %q", w.Body.Bytes())
			}
		default:
			v, err := cbor.Decode(w.Body.Bytes())
			if _, ok := v.(cbor.Map); err != nil || !ok {
				t.Fatalf("%s: 200 with body %x (%v)", name, w.Body.Bytes(), err)
			}
		}
	})
}
