package app

import (
	"fmt"
	"os"
	"regexp"
	"strings"
	"time"

	cwmetrics "github.com/shardstorm/shardstorm/metrics/cloudwatch"
)

// publishKnobs are the knobs of `run --publish-metrics`: the agent uploads its producer's
// figures to CloudWatch under the KPL's names, with an Agent dimension, so that `shardstorm
// watch` (or any CloudWatch dashboard) sees a fleet of headless agents as one.
func publishKnobs() []Knob {
	return []Knob{
		boolean("publish-metrics", "publish the producer's metrics to CloudWatch under the KPL's names, with an Agent dimension, "+
			"so shardstorm watch sees a fleet of agents as one (costs money on AWS: PutMetricData USD 0.01 per 1,000 calls, "+
			"and each metric and dimension set is a custom metric at USD 0.30 a month: about 28 at the stream granularity (≈ USD 8.40 a month), "+
			"7 more per shard at the shard granularity, two per error code seen)",
			func(s *RunSettings) *bool { return &s.Options.Publish.Enabled }),
		knobFor("publish-namespace", KindString, "CloudWatch `NAMESPACE` of --publish-metrics (KinesisProducerLibrary is the KPL's)",
			func(s *RunSettings) *string { return &s.Options.Publish.Namespace }, parseNamespace, formatString),
		knobFor("agent", KindString, "`NAME` of this agent, the Agent dimension of --publish-metrics (the host name by default; several agents on one host need distinct names)",
			func(s *RunSettings) *string { return &s.Options.Publish.Agent }, parseAgentName, formatString),
		knobFor("publish-granularity", KindString, "`LEVEL` of --publish-metrics dimensions: global, stream (StreamName) or shard (StreamName and ShardId, ≈ 7 more custom metrics per shard)",
			func(s *RunSettings) *string { return &s.Options.Publish.Granularity }, parseGranularity, formatString),
		knobFor("publish-interval", KindDuration, "time between --publish-metrics uploads, 1s..1h (0 = 1 s against an endpoint or the embedded emulator, 60 s on AWS)",
			func(s *RunSettings) *time.Duration { return &s.Options.Publish.Interval }, parsePublishInterval, formatDuration),
	}
}

// cwNamespacePattern is CloudWatch's rule for a namespace (PutMetricData): 1 to 255 of these
// characters.
var cwNamespacePattern = regexp.MustCompile(`^[a-zA-Z0-9._\-/#: ]{1,255}$`)

func parseNamespace(s string) (string, error) {
	if !cwNamespacePattern.MatchString(s) || strings.HasPrefix(s, "AWS/") {
		return s, fmt.Errorf("want a CloudWatch namespace: 1 to 255 of a-z A-Z 0-9 . _ - / # : and space, not starting with AWS/")
	}
	return s, nil
}

// agentNamePattern: what host names, container ids and instance ids are made of.
var agentNamePattern = regexp.MustCompile(`^[a-zA-Z0-9._\-:/@]{1,255}$`)

func parseAgentName(s string) (string, error) {
	if !agentNamePattern.MatchString(s) {
		return s, fmt.Errorf("want 1 to 255 of a-z A-Z 0-9 . _ - : / @ (a host or instance name)")
	}
	return s, nil
}

func parseGranularity(s string) (string, error) {
	if _, err := cwmetrics.ParsePublisherGranularity(s); err != nil {
		return s, fmt.Errorf("want global, stream or shard")
	}
	return s, nil
}

func parsePublishInterval(s string) (time.Duration, error) {
	d, err := parseDuration(s)
	if err != nil {
		return d, err
	}
	if d != 0 && (d < time.Second || d > time.Hour) {
		return d, fmt.Errorf("want 1s..1h, or 0 for the backend's default")
	}
	return d, nil
}

// defaultAgentName is the host name, as the KPL's users add it as a dimension; "shardstorm"
// when the system does not say.
func defaultAgentName() string {
	h, err := os.Hostname()
	if err != nil {
		return "shardstorm"
	}
	if _, err := parseAgentName(h); err != nil {
		return "shardstorm"
	}
	return h
}
