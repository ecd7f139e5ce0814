package app

import (
	"github.com/shardstorm/shardstorm/advisor"
	"github.com/shardstorm/shardstorm/metrics/cloudwatch"
	"github.com/shardstorm/shardstorm/metrics/recordsample"
)

// The concrete parts fit the watch's interfaces: wiring them is a matter of newWatchParts.
var (
	_ figureSource   = (*cloudwatch.NamespaceReader)(nil)
	_ sampleSource   = (*recordsample.Sampler)(nil)
	_ outsideAdvisor = (*advisor.Advisor)(nil)
	_                = watchParts{unseen: advisor.Unseen}
)
