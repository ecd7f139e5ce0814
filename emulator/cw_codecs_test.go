package emulator

import (
	"context"
	"encoding/json"
	"encoding/xml"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"
)

// post sends one raw CloudWatch request to the fixture's emulator and returns the status, the
// headers and the body.
func (f *cwFixture) post(t *testing.T, header map[string]string, body string) (int, http.Header, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, f.srv.URL+"/", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, resp.Header, string(b)
}

func (f *cwFixture) postJSON(t *testing.T, op, body string) (int, http.Header, string) {
	return f.post(t, map[string]string{"Content-Type": "application/x-amz-json-1.0",
		"X-Amz-Target": "GraniteServiceVersion20100801." + op, "x-amzn-query-mode": "true"}, body)
}

func (f *cwFixture) postQuery(t *testing.T, form url.Values) (int, http.Header, string) {
	return f.post(t, map[string]string{"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"}, form.Encode())
}

var uuidPattern = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)

// One metric written in each protocol is read back in each: the three codecs share one
// implementation, so every client sees the same data.
func TestCloudWatchSpeaksCBORJSONAndQuery(t *testing.T) {
	f := newCWFixture(t, cwT0.Add(10*time.Minute), Config{})
	ctx := context.Background()
	at := cwT0.Add(-5 * time.Minute)

	// Written through the Go SDK (CBOR), awsJson1_0 and awsQuery: 5 + 7 + 11.
	if _, err := f.client.PutMetricData(ctx, &cloudwatch.PutMetricDataInput{Namespace: aws.String("App"), MetricData: []types.MetricDatum{
		{MetricName: aws.String("Hits"), Dimensions: dims("Host", "a"), Timestamp: aws.Time(at), Value: aws.Float64(5), Unit: types.StandardUnitCount}}}); err != nil {
		t.Fatal(err)
	}
	status, h, body := f.postJSON(t, "PutMetricData", `{"Namespace":"App","MetricData":[{"MetricName":"Hits","Dimensions":[{"Name":"Host","Value":"a"}],"Timestamp":`+
		jsonNum(at.Add(10*time.Second))+`,"Value":7,"Unit":"Count"}]}`)
	if status != 200 || body != "{}" || h.Get("Content-Type") != "application/x-amz-json-1.0" || !uuidPattern.MatchString(h.Get("X-Amzn-Requestid")) {
		t.Fatalf("awsJson1_0 PutMetricData: %d %q, headers %v", status, body, h)
	}
	status, h, body = f.postQuery(t, url.Values{"Action": {"PutMetricData"}, "Version": {"2010-08-01"}, "Namespace": {"App"},
		"MetricData.member.1.MetricName": {"Hits"}, "MetricData.member.1.Dimensions.member.1.Name": {"Host"},
		"MetricData.member.1.Dimensions.member.1.Value": {"a"}, "MetricData.member.1.Timestamp": {at.Add(20 * time.Second).Format(time.RFC3339)},
		"MetricData.member.1.Value": {"11"}, "MetricData.member.1.Unit": {"Count"}})
	id := h.Get("X-Amzn-Requestid")
	if status != 200 || !strings.Contains(body, "<PutMetricDataResponse xmlns=\"http://monitoring.amazonaws.com/doc/2010-08-01/\">") ||
		!strings.Contains(body, "<RequestId>"+id+"</RequestId>") || !uuidPattern.MatchString(id) {
		t.Fatalf("awsQuery PutMetricData: %d %q (request id %q)", status, body, id)
	}

	// Read back through each protocol: one 5-minute bucket holding 23 over 3 samples.
	out, err := f.client.GetMetricData(ctx, &cloudwatch.GetMetricDataInput{StartTime: aws.Time(cwT0.Add(-time.Hour)), EndTime: aws.Time(cwT0),
		MetricDataQueries: []types.MetricDataQuery{statQuery("m", "App", "Hits", dims("Host", "a"), 300, "Sum")}})
	if err != nil {
		t.Fatal(err)
	}
	if p := resultPoints(t, resultByID(t, out, "m")); len(p) != 1 || p[0].v != 23 || !p[0].at.Equal(at) {
		t.Fatalf("CBOR GetMetricData: %v", p)
	}

	status, _, body = f.postJSON(t, "GetMetricData", `{"StartTime":`+jsonNum(cwT0.Add(-time.Hour))+`,"EndTime":`+jsonNum(cwT0)+
		`,"MetricDataQueries":[{"Id":"m","MetricStat":{"Metric":{"Namespace":"App","MetricName":"Hits","Dimensions":[{"Name":"Host","Value":"a"}]},"Period":300,"Stat":"Sum"}}]}`)
	var jr struct {
		MetricDataResults []struct {
			Id, StatusCode string
			Timestamps     []float64
			Values         []float64
		}
	}
	if err := json.Unmarshal([]byte(body), &jr); status != 200 || err != nil || len(jr.MetricDataResults) != 1 ||
		len(jr.MetricDataResults[0].Values) != 1 || jr.MetricDataResults[0].Values[0] != 23 ||
		jr.MetricDataResults[0].Timestamps[0] != float64(at.Unix()) || jr.MetricDataResults[0].StatusCode != "Complete" {
		t.Fatalf("awsJson1_0 GetMetricData: %d %s (%v)", status, body, err)
	}

	status, _, body = f.postQuery(t, url.Values{"Action": {"GetMetricStatistics"}, "Version": {"2010-08-01"}, "Namespace": {"App"},
		"MetricName": {"Hits"}, "Dimensions.member.1.Name": {"Host"}, "Dimensions.member.1.Value": {"a"},
		"StartTime": {cwT0.Add(-time.Hour).Format(time.RFC3339)}, "EndTime": {cwT0.Format(time.RFC3339)}, "Period": {"300"},
		"Statistics.member.1": {"Sum"}, "Statistics.member.2": {"SampleCount"}, "Statistics.member.3": {"Maximum"}})
	var xr struct {
		Result struct {
			Label      string
			Datapoints []struct {
				Timestamp                 time.Time
				Sum, SampleCount, Maximum float64
				Unit                      string
			} `xml:"Datapoints>member"`
		} `xml:"GetMetricStatisticsResult"`
		RequestID string `xml:"ResponseMetadata>RequestId"`
	}
	if err := xml.Unmarshal([]byte(body), &xr); status != 200 || err != nil || xr.Result.Label != "Hits" || len(xr.Result.Datapoints) != 1 {
		t.Fatalf("awsQuery GetMetricStatistics: %d %s (%v)", status, body, err)
	}
	if dp := xr.Result.Datapoints[0]; dp.Sum != 23 || dp.SampleCount != 3 || dp.Maximum != 11 || dp.Unit != "Count" || !dp.Timestamp.Equal(at) {
		t.Fatalf("awsQuery GetMetricStatistics datapoint %+v", dp)
	}

	// The Go SDK's GetMetricStatistics (CBOR) agrees.
	st, err := f.client.GetMetricStatistics(ctx, &cloudwatch.GetMetricStatisticsInput{Namespace: aws.String("App"), MetricName: aws.String("Hits"),
		Dimensions: dims("Host", "a"), StartTime: aws.Time(cwT0.Add(-time.Hour)), EndTime: aws.Time(cwT0), Period: aws.Int32(300),
		Statistics: []types.Statistic{types.StatisticAverage, types.StatisticMinimum}})
	if err != nil {
		t.Fatal(err)
	}
	if len(st.Datapoints) != 1 || aws.ToFloat64(st.Datapoints[0].Average) != 23.0/3 || aws.ToFloat64(st.Datapoints[0].Minimum) != 5 ||
		st.Datapoints[0].Sum != nil || st.Datapoints[0].Unit != types.StandardUnitCount {
		t.Fatalf("CBOR GetMetricStatistics: %+v", st.Datapoints)
	}

	status, _, body = f.postQuery(t, url.Values{"Action": {"ListMetrics"}, "Version": {"2010-08-01"}, "Namespace": {"App"}})
	if status != 200 || !strings.Contains(body, "<Metrics><member>") || !strings.Contains(body, "<MetricName>Hits</MetricName>") ||
		!strings.Contains(body, "<Dimensions><member><Name>Host</Name><Value>a</Value></member></Dimensions>") {
		t.Fatalf("awsQuery ListMetrics: %d %s", status, body)
	}
}

func jsonNum(t time.Time) string { b, _ := json.Marshal(float64(t.UnixNano()) / 1e9); return string(b) }

// Errors keep CloudWatch's shapes in each protocol: the awsQuery code in X-Amzn-Query-Error for
// JSON clients in query mode, an XML ErrorResponse for awsQuery clients.
func TestCloudWatchErrorsInEachProtocol(t *testing.T) {
	f := newCWFixture(t, cwT0, Config{})
	status, h, body := f.postJSON(t, "PutMetricData", `{"Namespace":"App","MetricData":[{"MetricName":"M","Unit":"Parsecs","Value":1}]}`)
	if status != 400 || h.Get("X-Amzn-Query-Error") != "InvalidParameterValue;Sender" ||
		!strings.Contains(body, `"__type":"com.amazonaws.cloudwatch#InvalidParameterValueException"`) || !strings.Contains(body, "Parsecs") {
		t.Fatalf("awsJson1_0 bad unit: %d %v %s", status, h, body)
	}
	status, _, body = f.postJSON(t, "DescribeAlarms", `{}`)
	if status != 404 || !strings.Contains(body, "UnknownOperationException") || !strings.Contains(body, "GetMetricStatistics") {
		t.Fatalf("awsJson1_0 unknown operation: %d %s", status, body)
	}
	status, _, body = f.postJSON(t, "ListMetrics", `{"Namespace":`)
	if status != 400 || !strings.Contains(body, "SerializationException") {
		t.Fatalf("awsJson1_0 truncated body: %d %s", status, body)
	}

	status, h, body = f.postQuery(t, url.Values{"Action": {"GetMetricStatistics"}, "Version": {"2010-08-01"}, "Namespace": {"App"}, "MetricName": {"M"},
		"StartTime": {cwT0.Add(-time.Hour).Format(time.RFC3339)}, "EndTime": {cwT0.Format(time.RFC3339)}, "Period": {"1"}, "Statistics.member.1": {"Sum"}})
	var xe struct {
		Error     struct{ Type, Code, Message string }
		RequestID string `xml:"RequestId"`
	}
	if err := xml.Unmarshal([]byte(body), &xe); err != nil || status != 400 || xe.Error.Code != "InvalidParameterCombination" ||
		xe.Error.Type != "Sender" || !strings.Contains(xe.Error.Message, "exceeds the limit of 1440") || xe.RequestID != h.Get("X-Amzn-Requestid") {
		t.Fatalf("awsQuery too many datapoints: %d %s (%v)", status, body, err)
	}
	status, _, body = f.postQuery(t, url.Values{"Action": {"ListMetrics"}, "Version": {"2009-01-01"}})
	if status != 400 || !strings.Contains(body, "<Code>InvalidParameterValue</Code>") || !strings.Contains(body, "2010-08-01") {
		t.Fatalf("awsQuery wrong version: %d %s", status, body)
	}
	status, _, body = f.postQuery(t, url.Values{"Action": {"PutMetricData"}, "Version": {"2010-08-01"}, "Namespace": {"App"},
		"MetricData.member.1.MetricName": {"M"}, "MetricData.member.1.Value": {"lots"}})
	if status != 400 || !strings.Contains(body, "<Code>InvalidParameterValue</Code>") || !strings.Contains(body, "lots") {
		t.Fatalf("awsQuery non-numeric value: %d %s", status, body)
	}
}
