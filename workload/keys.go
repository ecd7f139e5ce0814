package workload

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// KeyKind names a partition-key strategy.
type KeyKind string

// The partition-key strategies. Each spreads load over shards differently, which is what a
// Kinesis load test is about: MD5 of the key picks the shard unless an explicit hash key does.
const (
	// KeysRandom: a new random UUID per record; load spreads evenly, no key repeats.
	KeysRandom KeyKind = "random"
	// KeysPool: Count keys ("key-1".."key-Count"), each equally likely.
	KeysPool KeyKind = "pool"
	// KeysZipf: Count keys where rank r ("key-r") has probability ∝ 1/r^Exponent: a few keys
	// carry most records, as customer or device ids do.
	KeysZipf KeyKind = "zipf"
	// KeysHot: the key "hot" takes Fraction of the records; Rest (random when nil) the others.
	KeysHot KeyKind = "hot"
	// KeysSeq: "seq-0", "seq-1", ... in order; with Count > 0 it cycles through Count keys.
	KeysSeq KeyKind = "seq"
	// KeysEHK: explicit hash keys inside each open shard, shards in turn, so every shard gets
	// exactly 1/N of the records whatever MD5 would have done.
	KeysEHK KeyKind = "ehk"
	// KeysShard: explicit hash keys inside one shard (Shard: its index in hash-key order, or
	// its ID): all load on one shard.
	KeysShard KeyKind = "shard"
)

// Bounds on key strategies; a million keys already behave like random keys across any stream.
const (
	MaxKeyCount    = 1_000_000
	maxZipfExp     = 20
	hotKey         = "hot"
	pointsPerShard = 16 // explicit hash keys per shard: several, spread inside its range
)

// KeySpec describes a partition-key strategy. The zero value is KeysRandom.
type KeySpec struct {
	Kind     KeyKind
	Count    int      // pool, zipf: number of keys; seq: cycle length (0 = never repeat)
	Exponent float64  // zipf: s > 0
	Fraction float64  // hot: share of records on the hot key, 0..1
	Rest     *KeySpec // hot: where the other records go; nil = random
	Shard    string   // shard: index (0 = lowest hash keys) or shard ID
}

// KeyShare is one key's part of the traffic, for the dashboard's "top keys" view.
type KeyShare struct {
	Key             string
	ExplicitHashKey string  // "" unless the strategy sets one
	Shard           string  // the target shard's ID, for ehk and shard strategies
	Expected        float64 // share of records the strategy is designed to give this key, 0..1
	Observed        float64 // share of the records generated since the strategy was set
	Count           uint64  // records generated with this key since the strategy was set
}

// ParseKeys reads a key strategy's compact form: random (or uuid), pool:K, zipf:S:K, hot:F,
// hot:F:REST (REST another strategy, e.g. hot:0.3:pool:1000), seq, seq:K, ehk, shard:N or
// shard:ID.
func ParseKeys(s string) (KeySpec, error) {
	k, err := parseKeys(strings.TrimSpace(s))
	if err != nil {
		return KeySpec{}, fmt.Errorf("keys %q: %w", s, err)
	}
	return k, nil
}

const keyForms = "random | pool:K | zipf:S:K | hot:F[:REST] | seq[:K] | ehk | shard:N | shard:ID"

func parseKeys(s string) (KeySpec, error) {
	kind, rest, hasArg := strings.Cut(s, ":")
	var k KeySpec
	switch KeyKind(kind) {
	case KeysRandom, "uuid":
		if hasArg {
			return k, fmt.Errorf("random takes no argument")
		}
		k.Kind = KeysRandom
	case KeysPool:
		n, err := parseCount(rest)
		if err != nil {
			return k, fmt.Errorf("pool:K: %w", err)
		}
		k = KeySpec{Kind: KeysPool, Count: n}
	case KeysZipf:
		es, ns, ok := strings.Cut(rest, ":")
		if !ok {
			return k, fmt.Errorf("want zipf:S:K, e.g. zipf:1.1:1000")
		}
		e, err := strconv.ParseFloat(es, 64)
		if err != nil {
			return k, fmt.Errorf("zipf exponent %q: want a number such as 1.1", es)
		}
		n, err := parseCount(ns)
		if err != nil {
			return k, fmt.Errorf("zipf:S:K: %w", err)
		}
		k = KeySpec{Kind: KeysZipf, Exponent: e, Count: n}
	case KeysHot:
		fs, rs, hasRest := strings.Cut(rest, ":")
		f, err := strconv.ParseFloat(fs, 64)
		if err != nil {
			return k, fmt.Errorf("hot fraction %q: want a number in 0..1, e.g. hot:0.3", fs)
		}
		k = KeySpec{Kind: KeysHot, Fraction: f}
		if hasRest {
			r, err := parseKeys(rs)
			if err != nil {
				return KeySpec{}, fmt.Errorf("hot rest: %w", err)
			}
			k.Rest = &r
		}
	case KeysSeq:
		k.Kind = KeysSeq
		if hasArg {
			n, err := parseCount(rest)
			if err != nil {
				return k, fmt.Errorf("seq:K: %w", err)
			}
			k.Count = n
		}
	case KeysEHK:
		if hasArg {
			return k, fmt.Errorf("ehk takes no argument (it spreads over the current shards)")
		}
		k.Kind = KeysEHK
	case KeysShard:
		k = KeySpec{Kind: KeysShard, Shard: rest}
	default:
		return k, fmt.Errorf("unknown strategy %q; want %s", kind, keyForms)
	}
	return k, k.Validate()
}

func parseCount(s string) (int, error) {
	n, err := strconv.Atoi(s)
	if err != nil {
		return 0, fmt.Errorf("count %q: want a whole number", s)
	}
	return n, nil
}

// Validate checks the spec's parameters (not whether a shard exists: that needs the map).
func (k KeySpec) Validate() error {
	switch k.kind() {
	case KeysRandom, KeysEHK:
	case KeysPool:
		if k.Count < 1 || k.Count > MaxKeyCount {
			return fmt.Errorf("pool size %d: want 1..%d", k.Count, MaxKeyCount)
		}
	case KeysZipf:
		if k.Count < 1 || k.Count > MaxKeyCount {
			return fmt.Errorf("zipf key count %d: want 1..%d", k.Count, MaxKeyCount)
		}
		if math.IsNaN(k.Exponent) || k.Exponent <= 0 || k.Exponent > maxZipfExp {
			return fmt.Errorf("zipf exponent %s: want (0, %d]", fmtFloat(k.Exponent), maxZipfExp)
		}
	case KeysHot:
		if math.IsNaN(k.Fraction) || k.Fraction < 0 || k.Fraction > 1 {
			return fmt.Errorf("hot fraction %s: want 0..1", fmtFloat(k.Fraction))
		}
		if k.Rest != nil {
			if k.Rest.kind() == KeysHot {
				return fmt.Errorf("hot: the rest cannot itself be hot")
			}
			if err := k.Rest.Validate(); err != nil {
				return fmt.Errorf("hot rest: %w", err)
			}
		}
	case KeysSeq:
		if k.Count < 0 || k.Count > MaxKeyCount {
			return fmt.Errorf("seq cycle %d: want 0 (never repeat) or 1..%d", k.Count, MaxKeyCount)
		}
	case KeysShard:
		if k.Shard == "" {
			return fmt.Errorf("shard needs a target: shard:N (0 = lowest hash keys) or shard:SHARD_ID")
		}
		if n, err := strconv.Atoi(k.Shard); err == nil && n < 0 {
			return fmt.Errorf("shard index %d: want ≥ 0", n)
		}
	default:
		return fmt.Errorf("unknown key strategy %q; want %s", k.Kind, keyForms)
	}
	return nil
}

func (k KeySpec) kind() KeyKind {
	if k.Kind == "" {
		return KeysRandom
	}
	return k.Kind
}

// String is the compact form ParseKeys reads back.
func (k KeySpec) String() string {
	switch k.kind() {
	case KeysPool:
		return "pool:" + strconv.Itoa(k.Count)
	case KeysZipf:
		return "zipf:" + fmtFloat(k.Exponent) + ":" + strconv.Itoa(k.Count)
	case KeysHot:
		s := "hot:" + fmtFloat(k.Fraction)
		if k.Rest != nil && k.Rest.kind() != KeysRandom {
			s += ":" + k.Rest.String()
		}
		return s
	case KeysSeq:
		if k.Count > 0 {
			return "seq:" + strconv.Itoa(k.Count)
		}
		return "seq"
	case KeysShard:
		return "shard:" + k.Shard
	}
	return string(k.kind())
}

// needsShards reports whether the strategy places keys by the shard map.
func (k KeySpec) needsShards() bool {
	switch k.kind() {
	case KeysEHK, KeysShard:
		return true
	case KeysHot:
		return k.Rest != nil && k.Rest.needsShards()
	}
	return false
}
