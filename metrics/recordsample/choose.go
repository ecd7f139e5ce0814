package recordsample

import (
	"cmp"
	"slices"
	"time"
)

// chooseLocked picks the shards to read now, at most MaxShards and within the byte budget, and
// counts the shards the byte budget left out.
//
// The order: with a busiest-first hint, the hint. Without one, when every shard fits, all of
// them. Otherwise in turns: shards whose turn is not over keep reading; then the shards never
// read, so every shard is seen; then the ones the sample found busiest (whose turns are renewed),
// with one place kept for the shard read longest ago so that a shard getting busier is noticed.
func (s *Sampler) chooseLocked(now time.Time) (chosen []string, leftForBytes int) {
	var candidates []string
	for _, sh := range s.open {
		if info := s.shards[sh.ShardID]; info != nil && info.ended == "" {
			candidates = append(candidates, sh.ShardID)
		}
	}
	order := s.orderLocked(candidates, now)
	var sum float64
	for _, id := range order {
		if len(chosen) == s.cfg.MaxShards {
			break
		}
		rate := s.rateLocked(id, now)
		if len(chosen) > 0 && sum+rate > float64(s.cfg.MaxBytesPerSec) {
			leftForBytes++
			continue
		}
		chosen = append(chosen, id)
		sum += rate
	}
	return chosen, leftForBytes
}

func (s *Sampler) orderLocked(candidates []string, now time.Time) []string {
	byRate := func(ids []string) []string {
		ids = slices.Clone(ids)
		slices.SortStableFunc(ids, func(a, b string) int { return cmp.Compare(s.rateLocked(b, now), s.rateLocked(a, now)) })
		return ids
	}
	if len(s.busiest) > 0 {
		var hinted, rest []string
		for _, id := range s.busiest {
			if slices.Contains(candidates, id) && !slices.Contains(hinted, id) {
				hinted = append(hinted, id)
			}
		}
		for _, id := range candidates {
			if !slices.Contains(hinted, id) {
				rest = append(rest, id)
			}
		}
		return append(hinted, byRate(rest)...)
	}
	if len(candidates) <= s.cfg.MaxShards {
		return candidates
	}
	// The busiest shards, once every shard has had a turn, keep theirs: a new turn starts
	// without restarting their read.
	if s.allVisitedLocked(candidates) {
		busiest := byRate(candidates)
		for _, id := range busiest[:min(len(busiest), s.cfg.MaxShards-1)] {
			if r := s.running[id]; r != nil && now.Sub(r.started) >= s.turn {
				r.started = now
			}
		}
	}
	var inTurn, unvisited, visited []string
	for _, id := range candidates {
		switch r := s.running[id]; {
		case r != nil && now.Sub(r.started) < s.turn:
			inTurn = append(inTurn, id)
		case r == nil && s.shards[id].lastVisited.IsZero():
			unvisited = append(unvisited, id)
		default:
			visited = append(visited, id)
		}
	}
	visited = byRate(visited)
	top := 0
	if len(unvisited) == 0 {
		top = min(len(visited), max(0, s.cfg.MaxShards-1-len(inTurn)))
	}
	rest := slices.Clone(visited[top:])
	slices.SortStableFunc(rest, func(a, b string) int { return s.lastVisitedLocked(a, now).Compare(s.lastVisitedLocked(b, now)) })
	return slices.Concat(inTurn, unvisited, visited[:top], rest)
}

// allVisitedLocked reports whether every candidate has been read (or is being read).
func (s *Sampler) allVisitedLocked(candidates []string) bool {
	for _, id := range candidates {
		if s.running[id] == nil && s.shards[id].lastVisited.IsZero() {
			return false
		}
	}
	return true
}

// rateLocked is the shard's arriving bytes/s as the sample measured it (0 if never read).
func (s *Sampler) rateLocked(id string, now time.Time) float64 {
	if rate, ok := s.measuredRateLocked(id, now); ok {
		return rate
	}
	if info := s.shards[id]; info != nil {
		return info.rate
	}
	return 0
}

func (s *Sampler) lastVisitedLocked(id string, now time.Time) time.Time {
	if s.running[id] != nil {
		return now
	}
	return s.shards[id].lastVisited
}

// byteBudget is the sampler's allowance of bytes read, refilled at MaxBytesPerSec up to one
// second's worth. A call may overdraw it (a GetRecords answer is what it is); the next calls then
// wait until it is paid back, as a shard's own read limit does.
type byteBudget struct {
	rate, level float64
	last        time.Time
}

func (b *byteBudget) refill(now time.Time) {
	if dt := now.Sub(b.last).Seconds(); dt > 0 {
		b.level = min(b.rate, b.level+b.rate*dt)
		b.last = now
	}
}

// wait is how long until the allowance holds want bytes.
func (b *byteBudget) wait(now time.Time, want float64) time.Duration {
	b.refill(now)
	if b.level >= want {
		return 0
	}
	return time.Duration(((want-b.level)/b.rate + 0.001) * float64(time.Second))
}
