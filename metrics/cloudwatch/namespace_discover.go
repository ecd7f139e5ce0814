package cloudwatch

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cwsdk "github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"

	"github.com/shardstorm/shardstorm/metrics"
)

// nsSeries is one series found in the namespace: the CloudWatch metric to query (its name and
// dimensions as published) and the statistics to read of it, reported under id.
type nsSeries struct {
	metric types.Metric
	id     metrics.CWSeriesID // Stat left empty: one query per statistic fills it
	stats  []string
}

// nsDiscovery is what one ListMetrics discovery found.
type nsDiscovery struct {
	series []nsSeries
	agents []string // Agents mode: agent names seen, sorted
	other  int      // series of this stream with dimensions the reader does not know (not read)
}

// maxListPages guards against a service that keeps answering with a NextToken: 500 series a
// page, far more than a fleet publishes for one stream.
const maxListPages = 200

// discover lists the namespace's series for the configured stream and mode (NamespaceConfig's
// comment says which are read).
func discover(ctx context.Context, api ListReader, cfg NamespaceConfig) (nsDiscovery, error) {
	in := &cwsdk.ListMetricsInput{Namespace: aws.String(cfg.Namespace)}
	if cfg.Agents {
		// Every agent's series, whatever its stream: an agent at the global granularity names
		// none, and is kept below when it has nothing else.
		in.Dimensions = []types.DimensionFilter{{Name: aws.String(AgentDimension)}}
	} else {
		in.Dimensions = []types.DimensionFilter{{Name: aws.String("StreamName"), Value: aws.String(cfg.StreamName)}}
	}
	var found []types.Metric
	seen := map[string]bool{}
	for page := 0; ; page++ {
		if page == maxListPages {
			return nsDiscovery{}, fmt.Errorf("ListMetrics: still paging after %d pages", maxListPages)
		}
		out, err := api.ListMetrics(ctx, in)
		if err != nil {
			return nsDiscovery{}, err
		}
		found = append(found, out.Metrics...)
		if out.NextToken == nil {
			break
		}
		tok := aws.ToString(out.NextToken)
		if seen[tok] {
			return nsDiscovery{}, errors.New("ListMetrics: the service returned the same NextToken twice")
		}
		seen[tok] = true
		in.NextToken = out.NextToken
	}
	return classify(found, cfg), nil
}

// classify keeps the series the reader reads, and names each.
func classify(found []types.Metric, cfg NamespaceConfig) nsDiscovery {
	var d nsDiscovery
	var streamWise, agentOnly []nsSeries
	agentHasStream := map[string]bool{}
	agents := map[string]bool{}
	for _, m := range found {
		name := kplReadName(aws.ToString(m.MetricName))
		if name == "" {
			continue
		}
		dims := map[string]string{}
		for _, dim := range m.Dimensions {
			dims[aws.ToString(dim.Name)] = aws.ToString(dim.Value)
		}
		agent, hasAgent := dims[AgentDimension]
		stream, hasStream := dims["StreamName"]
		if hasAgent != cfg.Agents || (hasStream && stream != cfg.StreamName) {
			continue
		}
		if !knownDims(dims) {
			d.other++
			continue
		}
		if _, hasShard := dims["ShardId"]; hasShard && !hasStream {
			continue // not a shape the KPL publishes
		}
		s := nsSeries{metric: m, stats: kplReadStats[name], id: metrics.CWSeriesID{
			Name: name, ShardID: dims["ShardId"], ErrorCode: dims["ErrorCode"], Agent: agent}}
		switch {
		case hasStream:
			streamWise = append(streamWise, s)
			if hasAgent {
				agentHasStream[agent] = true
				agents[agent] = true
			}
		case hasAgent:
			agentOnly = append(agentOnly, s)
		}
	}
	d.series = streamWise
	for _, s := range agentOnly {
		if !agentHasStream[s.id.Agent] {
			d.series = append(d.series, s)
			agents[s.id.Agent] = true
		}
	}
	d.series = preferKPLNames(d.series)
	for a := range agents {
		d.agents = append(d.agents, a)
	}
	sort.Strings(d.agents)
	sort.Slice(d.series, func(i, j int) bool { return seriesLess(d.series[i].id, d.series[j].id) })
	return d
}

// knownDims: the dimensions the KPL and shardstorm agents publish, no others (a KPL
// application's own additional dimensions would split a figure the reader cannot key).
func knownDims(dims map[string]string) bool {
	for n := range dims {
		switch n {
		case "StreamName", "ShardId", "ErrorCode", AgentDimension:
		default:
			return false
		}
	}
	return true
}

// preferKPLNames drops a series published under an older one-word name when the same series
// exists under the KPL's name: both map to one id.
func preferKPLNames(in []nsSeries) []nsSeries {
	byID := map[metrics.CWSeriesID]int{}
	var out []nsSeries
	for _, s := range in {
		i, dup := byID[s.id]
		if !dup {
			byID[s.id] = len(out)
			out = append(out, s)
			continue
		}
		if aws.ToString(s.metric.MetricName) == s.id.Name {
			out[i] = s
		}
	}
	return out
}

func seriesLess(a, b metrics.CWSeriesID) bool {
	if a.Agent != b.Agent {
		return a.Agent < b.Agent
	}
	if a.Name != b.Name {
		return a.Name < b.Name
	}
	if a.ShardID != b.ShardID {
		return a.ShardID < b.ShardID
	}
	return a.ErrorCode < b.ErrorCode
}

// dueForDiscovery: nothing discovered yet, or the last discovery is Discover old.
func dueForDiscovery(last, now time.Time, every time.Duration) bool {
	return last.IsZero() || !now.Before(last.Add(every))
}
