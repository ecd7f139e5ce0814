package advisor

import (
	"fmt"
	"math"
	"sort"
	"time"

	"github.com/shardstorm/shardstorm/metrics"
)

// producerSource is a producer's own published metrics under the KPL's names: the KPL's
// (namespace KinesisProducerLibrary by default), or shardstorm agents' (one set per agent,
// read as one fleet: rates summed over agents, levels averaged, the agent named when one
// stands out).
type producerSource struct {
	fig    *metrics.CWFigures
	agents bool
	basis  string // "from the KPL's metrics (namespace KinesisProducerLibrary)"
	who    string // "the KPL", "the shardstorm agents"
}

// producerSources lists the producer metrics a view holds, the KPL's first.
func producerSources(v *metrics.OutsideView) []producerSource {
	var out []producerSource
	if v.KPL != nil && len(v.KPL.Series) > 0 {
		out = append(out, producerSource{fig: v.KPL, basis: fmt.Sprintf("from the KPL's metrics (namespace %s)", v.KPL.Namespace), who: "the KPL"})
	}
	if v.Agents != nil && len(v.Agents.Series) > 0 {
		p := producerSource{fig: v.Agents, agents: true, who: "the shardstorm agents"}
		p.basis = fmt.Sprintf("from shardstorm agents' metrics (namespace %s, %s)", v.Agents.Namespace, plural(len(p.agentNames()), "agent"))
		out = append(out, p)
	}
	return out
}

// mine says whether a series is one this source reads: stream-wide, and per agent for agents.
func (p producerSource) mine(id metrics.CWSeriesID) bool {
	return id.ShardID == "" && (id.Agent != "") == p.agents
}

func (p producerSource) agentNames() []string {
	seen := map[string]bool{}
	for id := range p.fig.Series {
		if id.Agent != "" {
			seen[id.Agent] = true
		}
	}
	out := make([]string, 0, len(seen))
	for a := range seen {
		out = append(out, a)
	}
	sort.Strings(out)
	return out
}

// rate is a Sum metric's rate per second summed over agents, and each agent's (NaN with no
// series). code selects an ErrorsByCode series.
func (p producerSource) rate(name, code string) (total float64, byAgent map[string]float64) {
	total, byAgent = math.NaN(), map[string]float64{}
	for id := range p.fig.Series {
		if id.Name != name || id.Stat != "Sum" || id.ErrorCode != code || !p.mine(id) {
			continue
		}
		r := p.fig.Rate(id)
		if math.IsNaN(r) || math.IsInf(r, 0) {
			continue
		}
		total = nanTo(total, 0) + r
		if id.Agent != "" {
			byAgent[id.Agent] += r
		}
	}
	return total, byAgent
}

// level is an Average metric's mean over the window, averaged over agents, and each agent's.
func (p producerSource) level(name string) (mean float64, byAgent map[string]float64) {
	var sum float64
	var n int
	byAgent = map[string]float64{}
	for id := range p.fig.Series {
		if id.Name != name || id.Stat != "Average" || id.ErrorCode != "" || !p.mine(id) {
			continue
		}
		m := p.fig.Mean(id)
		if math.IsNaN(m) || math.IsInf(m, 0) {
			continue
		}
		sum += m
		n++
		if id.Agent != "" {
			byAgent[id.Agent] = m
		}
	}
	if n == 0 {
		return math.NaN(), byAgent
	}
	return sum / float64(n), byAgent
}

// errorCodes are the ErrorsByCode codes with a series, sorted.
func (p producerSource) errorCodes() []string {
	seen := map[string]bool{}
	for id := range p.fig.Series {
		if id.Name == "ErrorsByCode" && id.ErrorCode != "" && p.mine(id) {
			seen[id.ErrorCode] = true
		}
	}
	out := make([]string, 0, len(seen))
	for c := range seen {
		out = append(out, c)
	}
	sort.Strings(out)
	return out
}

// pending is the records pending in the producer at each period, summed over agents, oldest
// first: UserRecordsPending is a level, read as Average (else Maximum).
func (p producerSource) pending() []metrics.CWPoint {
	for _, stat := range []string{"Average", "Maximum"} {
		byStart := map[int64]float64{}
		for id, pts := range p.fig.Series {
			if id.Name != "UserRecordsPending" || id.Stat != stat || !p.mine(id) {
				continue
			}
			for _, pt := range pts {
				if math.IsNaN(pt.Value) || math.IsInf(pt.Value, 0) {
					continue
				}
				byStart[pt.Start.UnixNano()] += pt.Value
			}
		}
		if len(byStart) == 0 {
			continue
		}
		out := make([]metrics.CWPoint, 0, len(byStart))
		starts := make([]int64, 0, len(byStart))
		for s := range byStart {
			starts = append(starts, s)
		}
		sort.Slice(starts, func(i, j int) bool { return starts[i] < starts[j] })
		for _, s := range starts {
			out = append(out, metrics.CWPoint{Start: time.Unix(0, s), Value: byStart[s]})
		}
		return out
	}
	return nil
}

// standout names the agent behind most of a total when a fleet has several and one carries at
// least half of it and twice the next: "; agent web-3 accounts for 80%". "" otherwise.
func standout(byAgent map[string]float64, total float64) (agent, text string) {
	if len(byAgent) < 2 || !(total > 0) {
		return "", ""
	}
	var first, second float64
	for a, v := range byAgent {
		switch {
		case v > first || v == first && a < agent:
			second, first, agent = first, v, a
		case v > second:
			second = v
		}
	}
	if first < 0.5*total || first < 2*second {
		return "", ""
	}
	return agent, fmt.Sprintf("; agent %s accounts for %s", agent, pct(first/total))
}

// worstLevel is a level as a rule judges it: the KPL's mean, or a fleet's worst agent (the
// fleet's mean would hide one agent in trouble), and where it was seen: "the KPL", "agent
// host-3 (of 4 shardstorm agents)".
func (p producerSource) worstLevel(name string) (value float64, where, agent string, byAgent map[string]float64) {
	value, byAgent = p.level(name)
	if !p.agents || len(byAgent) == 0 {
		return value, p.who, "", byAgent
	}
	for a, v := range byAgent {
		if agent == "" || v > value || v == value && a < agent {
			value, agent = v, a
		}
	}
	if len(byAgent) == 1 {
		return value, "shardstorm agent " + agent, agent, byAgent
	}
	return value, fmt.Sprintf("agent %s (of %d shardstorm agents)", agent, len(byAgent)), agent, byAgent
}

// agentEvidence rounds per-agent figures for a finding's evidence.
// agentFigures adds a fleet of agents' figures to f's evidence under key, and the agent that
// stands out (if one does); a KPL application (one producer) adds nothing.
func (p producerSource) agentFigures(f *metrics.Finding, key string, byAgent map[string]float64, agent string) {
	if !p.agents {
		return
	}
	f.Evidence[key] = agentEvidence(byAgent)
	if agent != "" {
		f.Evidence["agent"] = agent
	}
}

func agentEvidence(byAgent map[string]float64) map[string]float64 {
	out := make(map[string]float64, len(byAgent))
	for a, v := range byAgent {
		out[a] = round3(v)
	}
	return out
}
