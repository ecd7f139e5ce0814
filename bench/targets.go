package main

import (
	"fmt"

	"github.com/shardstorm/shardstorm/producer"
)

// The targets for shardstorm's defaults.
const (
	targetBytePct       = 95.0
	targetRecordsFactor = 8.0
	// targetCPUPerMillion is issue 19's bound on the producer process's CPU (user + system) per
	// million user records delivered, at 100-byte records: 2.5 cores for 1 M records/s.
	targetCPUPerMillion = 2.5
	// targetOverloadHeadroomMiB is issue 19's bound on the producer process's peak RSS under
	// overload beyond the records it may buffer: MaxBufferedBytes (the contenders keep the
	// default) + 64 MiB.
	targetOverloadHeadroomMiB = 64
)

// Verdicts.
const (
	Pass   = "PASS"
	Fail   = "FAIL"
	NotRun = "NOT RUN"
)

// Target is one target's verdict with the figures it was judged on.
type Target struct {
	Name    string `json:"name"`
	Verdict string `json:"verdict"`
	Detail  string `json:"detail"`
}

// evaluateTargets judges the targets on the cells run (a target whose cells were not
// run is NOT RUN), plus the accounting of every cell.
func evaluateTargets(cells []CellResult) []Target {
	byName := map[string]CellResult{}
	for _, c := range cells {
		byName[c.Cell] = c
	}
	// need returns the named cells, or a NOT RUN / FAIL target if one is missing or failed.
	need := func(name string, cellNames ...string) ([]CellResult, *Target) {
		var out []CellResult
		for _, n := range cellNames {
			c, ok := byName[n]
			switch {
			case !ok:
				return nil, &Target{name, NotRun, "cell " + n + " not run"}
			case c.Error != "":
				return nil, &Target{name, Fail, "cell " + n + " failed: " + c.Error}
			}
			out = append(out, c)
		}
		return out, nil
	}
	verdict := func(ok bool) string {
		if ok {
			return Pass
		}
		return Fail
	}
	var out []Target
	for _, sit := range []string{"1p-100b", "1p-1kb", "4p"} {
		name := fmt.Sprintf("shardstorm ≥ %.0f %% of byte capacity (%s)", targetBytePct, sit)
		cs, missing := need(name, sit+"/shardstorm")
		if missing != nil {
			out = append(out, *missing)
			continue
		}
		c := cs[0]
		out = append(out, Target{name, verdict(c.ByteCapacityPct >= targetBytePct),
			fmt.Sprintf("%.1f %% (%.2f MiB/s of %d MiB/s)", c.ByteCapacityPct, c.DeliveredMiBPerSec, c.Shards)})
	}

	name := "shardstorm throttles less than kpl with four producers"
	if cs, missing := need(name, "4p/shardstorm", "4p/kpl"); missing != nil {
		out = append(out, *missing)
	} else {
		out = append(out, Target{name, verdict(cs[0].ThrottledFraction < cs[1].ThrottledFraction),
			fmt.Sprintf("throttled %s vs %s", formatPct(cs[0].ThrottledFraction), formatPct(cs[1].ThrottledFraction))})
	}

	name = "shardstorm's memory is bounded under overload"
	if cs, missing := need(name, "overload/shardstorm"); missing != nil {
		out = append(out, *missing)
	} else {
		g := cs[0].RSS
		detail := fmt.Sprintf("RSS peak %.0f MiB in the first half of the load, %.0f MiB in the second; peak %.0f MiB overall",
			g.FirstHalfPeakMiB, g.SecondHalfPeakMiB, cs[0].PeakRSSMiB)
		switch {
		case g.Bounded == nil:
			out = append(out, Target{name, NotRun, "no RSS samples on this OS"})
		default:
			out = append(out, Target{name, verdict(*g.Bounded), detail})
		}
	}

	name = fmt.Sprintf("shardstorm ≥ %.0f× the user records/s of putrecords at 100 bytes", targetRecordsFactor)
	if cs, missing := need(name, "1p-100b/shardstorm", "1p-100b/putrecords"); missing != nil {
		out = append(out, *missing)
	} else {
		s, p := cs[0].DeliveredRecordsPerSec, cs[1].DeliveredRecordsPerSec
		factor := 0.0
		if p > 0 {
			factor = s / p
		}
		out = append(out, Target{name, verdict(p > 0 && factor >= targetRecordsFactor),
			fmt.Sprintf("%.1f× (%s vs %s records/s)", factor, formatFloat(s, 0), formatFloat(p, 0))})
	}

	acc := Target{Name: "every record accounted for in every cell run", Verdict: Pass}
	bad := 0
	for _, c := range cells {
		if c.Error != "" || !c.Accounting.Accounted {
			bad++
			if acc.Detail == "" {
				acc.Detail = "first: " + c.Cell
			}
		}
	}
	switch {
	case len(cells) == 0:
		acc.Verdict, acc.Detail = NotRun, "no cells"
	case bad > 0:
		acc.Verdict, acc.Detail = Fail, fmt.Sprintf("%d of %d cells not accounted for (%s)", bad, len(cells), acc.Detail)
	default:
		acc.Detail = fmt.Sprintf("%d of %d cells", len(cells), len(cells))
	}
	out = append(out, acc)

	// Last, so that the verdicts before it keep their places.
	name = fmt.Sprintf("shardstorm ≤ %.1f CPU s per million user records (1p-100b)", targetCPUPerMillion)
	if cs, missing := need(name, "1p-100b/shardstorm"); missing != nil {
		out = append(out, *missing)
	} else {
		c := cs[0]
		out = append(out, Target{name, verdict(c.Buckets.Delivered > 0 && c.CPUSecondsPerMillion <= targetCPUPerMillion),
			fmt.Sprintf("%.2f CPU s per M (%.1f CPU s for %s records delivered)", c.CPUSecondsPerMillion, c.CPUSeconds, formatInt(c.Buckets.Delivered))})
	}

	bound := float64(producer.DefaultMaxBufferedBytes>>20) + targetOverloadHeadroomMiB
	name = fmt.Sprintf("shardstorm's peak RSS under overload ≤ MaxBufferedBytes + %d MiB (%.0f MiB)", targetOverloadHeadroomMiB, bound)
	if cs, missing := need(name, "overload/shardstorm"); missing != nil {
		out = append(out, *missing)
	} else if c := cs[0]; c.PeakRSSMiB <= 0 {
		out = append(out, Target{name, NotRun, "no RSS samples on this OS"})
	} else {
		out = append(out, Target{name, verdict(c.PeakRSSMiB <= bound), fmt.Sprintf("peak RSS %.1f MiB", c.PeakRSSMiB)})
	}
	return out
}

// failed lists the targets that failed.
func failed(ts []Target) []Target {
	var out []Target
	for _, t := range ts {
		if t.Verdict == Fail {
			out = append(out, t)
		}
	}
	return out
}
