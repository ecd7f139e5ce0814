package producer

import (
	"math"
	"time"
)

// Adaptive limiting lets producers that know nothing of one another share a shard: each finds
// its share from the shard's throttles alone, and holds its rate just under the point where they
// begin, so the shard is full and rarely refuses anything.
//
// The rate follows CUBIC's curve (RFC 9438), in percent of the shard limits instead of a
// congestion window. A throttle remembers (a little under) the rate it happened at, the peak,
// and cuts to a fraction of it; the rate then climbs back on a cubic in the time since the cut:
// fast at first, flat near peak — where it spends most of its time, and where several producers
// together sit just under the shard's capacity — then faster and faster past it, probing for
// room that others left. The smaller a producer's share, the slower its curve (see
// adaptiveRegainWhole). Linear growth (AIMD) would do neither: at a rate quick enough to refill a shard after a
// cut, four producers together pass the shard's limit at 40 % a second, and every crossing
// throttles a burst of records (17 % of them in the bench's 4p cell).
//
// Three rules keep the cuts honest:
//   - A throttle only cuts if its record was released by the limiter at least adaptiveSettle
//     after the last cut: records released before were sent at the old rate, and those released
//     just after meet a shard still busy with them; neither says anything of the new rate (TCP
//     cuts once per window for the same reason). Counting from the release, not the answer,
//     holds however slow the requests are.
//   - The cut is deeper when much of what the shard was sent since the last cut was throttled:
//     a producer that starts at 150 % beside three others finds its quarter in a few cuts
//     instead of a dozen, each costing throttled records.
//   - A producer sending less than its rate allows (its load is below it) is cut from what it
//     sent, measured over the last second, not from its rate: a rate of 150 % cut to 127 % does
//     nothing to a producer that sends 37 %, and each useless cut costs a throttle.
//
// The shard's own burst allowance (one second of capacity) absorbs the dip after a cut: the
// tokens not used then are spent when the rate climbs back, so the dips cost no throughput.
const (
	// adaptiveCut is the rate after a throttle, as a fraction of the rate it happened at. A
	// shallow cut leaves little of the shard unused: the shard's one-second burst allowance
	// absorbs the dip.
	adaptiveCut = 0.85
	// adaptiveDeepestCut bounds a cut made deeper by a high throttled fraction, and
	// adaptiveDeepCutSample is how many records must have been answered since the last cut for
	// the fraction to count: right after a cut the shard is still taking records sent before
	// it, so the first few sent after it may be throttled without saying much.
	adaptiveDeepestCut    = 0.5
	adaptiveDeepCutSample = 10
	// adaptiveMargin: the curve flattens this far under the rate of the last throttle (peak),
	// not at it, so producers that all regain their peaks sit just under the shard's capacity
	// instead of on the edge where the next throttle comes.
	adaptiveMargin = 0.02
	// adaptiveRegainWhole is how long a producer that had the whole shard takes to regain its
	// peak after a cut (CUBIC's K); one with a smaller share takes longer, by
	// (100 / peak)^adaptiveRegainExp: 8.5 s at a quarter of the shard, 17 s at a tenth. Every
	// producer of a shard probes at once, and each crossing of the shard's limit costs a
	// throttled record or two, so the shard sees about as many crossings a second whether one
	// producer has it or many share it; a lone producer still regains quickly, losing little.
	adaptiveRegainWhole = 3.0
	adaptiveRegainExp   = 0.75
)

// adaptiveState is a shard's adaptive limiting: where its rate curve stands.
type adaptiveState struct {
	born    time.Time // when the shard's limiter first ran
	lastCut time.Time // zero until the first throttle: the rate is RateLimit
	peak    float64   // where the curve flattens, percent: under the rate of the last throttle (CUBIC's W_max)
	regain  float64   // seconds after lastCut at which the curve is back at peak (CUBIC's K)
	c       float64   // the cubic's coefficient, percent per second cubed (CUBIC's C)
	// sent and throttled count the Kinesis records of the shard answered since the last cut.
	sent, throttled int
	// sending is what the shard was sent lately, in percent of its limits per second, decaying
	// with adaptiveMeterWindow; sendingAt is when it was last brought up to date.
	sending   float64
	sendingAt time.Time
}

// adaptiveMeterWindow is the time constant of the sending meter.
const adaptiveMeterWindow = time.Second

// meter adds what a response answered for the shard to the sending meter (an exponentially
// decaying sum: a steady rate R reads R after a few windows).
func (a *adaptiveState) meter(now time.Time, pct float64) {
	if !a.sendingAt.IsZero() {
		a.sending *= math.Exp(-now.Sub(a.sendingAt).Seconds() / adaptiveMeterWindow.Seconds())
	}
	a.sending += pct / adaptiveMeterWindow.Seconds()
	a.sendingAt = now
}

// sendingRate is the meter's reading: what the shard was sent per second lately, in percent of
// its limits. A young meter is scaled up by the part of a window it has seen, or a producer
// throttled in its first second would take its rate for a fraction of what it is.
func (a *adaptiveState) sendingRate(now time.Time) float64 {
	if a.sendingAt.IsZero() {
		return 0
	}
	w := adaptiveMeterWindow.Seconds()
	r := a.sending * math.Exp(-now.Sub(a.sendingAt).Seconds()/w)
	if seen := 1 - math.Exp(-now.Sub(a.born).Seconds()/w); seen > 0 {
		r /= seen
	}
	return r
}

// rateAt is the curve's rate at now, within [floor, limit].
func (a *adaptiveState) rateAt(now time.Time, floor, limit float64) float64 {
	if a.lastCut.IsZero() {
		return limit
	}
	t := now.Sub(a.lastCut).Seconds() - a.regain
	return math.Max(floor, math.Min(limit, a.peak+a.c*t*t*t))
}

// answered is what one response said of a shard's records.
type answered struct {
	// cutoff is the shard's last cut when the response came: only records released since say
	// anything of the current rate.
	cutoff time.Time
	// bytes and records are all those answered (the sending meter counts what was sent, at any
	// rate); sent and throttled those released since cutoff.
	bytes, records  int
	sent, throttled int
}

// count adds a record stored or throttled.
func (a *answered) count(k *krec) {
	a.bytes += k.size
	a.records++
	if !k.released.Before(a.cutoff) {
		a.sent++
	}
}

// countThrottled marks a record counted as throttled.
func (a *answered) countThrottled(k *krec) {
	if !k.released.Before(a.cutoff) {
		a.throttled++
	}
}

// adaptiveCutoff is the release time from which the shard's records speak of its current rate:
// adaptiveSettle after the last cut. Records released just after a cut meet a shard still taking
// those sent before it, at the old rate, and may be throttled for them.
func (s *shardState) adaptiveCutoff() time.Time {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.adaptive.lastCut.Add(adaptiveSettle)
}

// adaptiveSettle: see adaptiveCutoff.
const adaptiveSettle = 250 * time.Millisecond

// onAnsweredLocked applies a response's answers for the shard to its rate.
func (s *shardState) onAnsweredLocked(cfg *Config, a answered, now time.Time) {
	if cfg.DisableAdaptive {
		return
	}
	ad := &s.adaptive
	ad.meter(now, 100*math.Max(float64(a.bytes)/shardBytesPerSec, float64(a.records)/shardRecordsPerSec))
	if !a.cutoff.Equal(ad.lastCut.Add(adaptiveSettle)) {
		// Another response cut the rate after this one was counted: its counts mix rates.
		return
	}
	ad.sent += a.sent
	ad.throttled += a.throttled
	if a.throttled == 0 {
		return // nothing throttled since the last cut
	}
	cut := adaptiveCut
	if ad.sent >= adaptiveDeepCutSample {
		cut = math.Max(adaptiveDeepestCut, math.Min(adaptiveCut, 1-float64(ad.throttled)/float64(ad.sent)))
	}
	// Cut from what was sent (see above), and from no more than the whole shard: a throttle
	// at a higher rate (RateLimit allows 150 %) says nothing about rates above 100 %.
	rate := math.Min(math.Min(s.ratePct, 100), ad.sendingRate(now))
	peak := rate * (1 - adaptiveMargin)
	if !ad.lastCut.IsZero() && rate < ad.peak {
		// Throttled before regaining the last peak: others want more of the shard. Aim lower,
		// releasing room for them sooner (CUBIC's fast convergence).
		peak = rate * (1 + cut) / 2
	}
	next := math.Max(cfg.AdaptiveFloor, rate*cut)
	regain := adaptiveRegainWhole * math.Pow(100/math.Max(peak, 1), adaptiveRegainExp)
	*ad = adaptiveState{born: ad.born, lastCut: now, peak: peak, regain: regain, c: math.Max(0, peak-next) / (regain * regain * regain),
		sending: ad.sending, sendingAt: ad.sendingAt}
	s.setRateLocked(next, now)
	// What the buckets still hold was granted at the old rate: drop it, or the burst that just
	// throttled goes out again at once.
	s.recBucket.level = math.Min(s.recBucket.level, 0)
	s.byteBucket.level = math.Min(s.byteBucket.level, 0)
}

// adjustRateLocked moves the shard's rate along its curve, and follows RateLimit changes.
func (s *shardState) adjustRateLocked(cfg *Config, now time.Time) {
	target := cfg.RateLimit
	if !cfg.DisableAdaptive {
		if s.adaptive.born.IsZero() {
			s.adaptive.born = now
		}
		target = s.adaptive.rateAt(now, math.Min(cfg.AdaptiveFloor, cfg.RateLimit), cfg.RateLimit)
	}
	if target != s.ratePct {
		s.setRateLocked(target, now)
	}
}
