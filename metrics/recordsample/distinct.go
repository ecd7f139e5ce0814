package recordsample

import "github.com/axiomhq/hyperloglog"

// maxExactKeys is how many distinct keys a window segment holds exactly; past it the count is
// HyperLogLog's estimate (about 1 % off at precision 14).
const maxExactKeys = 10_000

// distinctKeys counts one window segment's distinct partition keys: exactly while they are few,
// then by estimate. The HyperLogLog sketch is always fed (it is sparse, so small, while few
// keys have been seen), so that segments can be merged either way.
type distinctKeys struct {
	exact    map[string]struct{} // nil once it overflowed
	estimate *hyperloglog.Sketch
}

func newDistinctKeys() *distinctKeys {
	return &distinctKeys{exact: map[string]struct{}{}, estimate: hyperloglog.New14()}
}

func (d *distinctKeys) add(key string) {
	if d.exact != nil {
		if _, ok := d.exact[key]; !ok {
			if len(d.exact) == maxExactKeys {
				d.exact = nil
			} else {
				d.exact[key] = struct{}{}
			}
		}
	}
	d.estimate.Insert([]byte(key))
}

// countDistinct is the number of distinct keys over segments, and whether it is exact: it is
// while every segment kept its keys and their union has at most maxExactKeys.
func countDistinct(segs []*distinctKeys) (n int64, exact bool) {
	union := map[string]struct{}{}
	exact = true
	for _, d := range segs {
		if d.exact == nil {
			exact = false
			break
		}
		for k := range d.exact {
			union[k] = struct{}{}
		}
		if len(union) > maxExactKeys {
			exact = false
			break
		}
	}
	if exact {
		return int64(len(union)), true
	}
	merged := hyperloglog.New14()
	for _, d := range segs {
		_ = merged.Merge(d.estimate) // same precision: cannot fail
	}
	return int64(merged.Estimate()), false
}
