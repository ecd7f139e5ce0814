package cloudwatch

// kplReadStats gives, for each KPL metric the namespace reader reads, the statistics asked for:
// counts and bytes as Sum (a rate is Sum / period); ratios, means and the pending gauge as
// Average; times also as Maximum (a mean hides the worst record). Keys are the names the KPL
// publishes ("Request Time", "User Records per Kinesis Record", … with their spaces); series
// under the one-word names older shardstorm publishers used (kplCloudWatchNames' keys) are read
// too and reported under the KPL's name. Metrics not listed here are not read: every query
// costs money on AWS.
var kplReadStats = map[string][]string{
	"UserRecordsReceived":   {Sum},
	"UserRecordsPut":        {Sum},
	"UserRecordsDataPut":    {Sum},
	"KinesisRecordsPut":     {Sum},
	"KinesisRecordsDataPut": {Sum},
	"ErrorsByCode":          {Sum},
	"AllErrors":             {Sum},
	"UserRecordExpired":     {Sum},
	"UserRecordsPending":    {Average, Maximum},
	"RetriesPerRecord":      {Average},
	"BufferingTime":         {Average, Maximum},
	"Request Time":          {Average, Maximum},

	"User Records per Kinesis Record":              {Average},
	"Amazon Kinesis Records per PutRecordsRequest": {Average},
	"User Records per PutRecordsRequest":           {Average},
}

// kplReadName is the KPL's name of a metric found in the namespace ("" when it is not read).
func kplReadName(name string) string {
	if _, ok := kplReadStats[name]; ok {
		return name
	}
	if n, ok := kplCloudWatchNames[name]; ok {
		return n
	}
	return ""
}
