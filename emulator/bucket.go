package emulator

import "time"

// tokenBucket is a refilling tank: it holds at most capacity tokens and gains ratePerSec tokens
// per second. Levels are kept in token-nanoseconds (tokens × 1e9) so refills are exact integer
// arithmetic: after any sequence of clock readings the level is exactly what the rate allows,
// which lets tests check the accounting to the byte.
type tokenBucket struct {
	capacity   int64 // tokens
	ratePerSec int64 // tokens per second
	level      int64 // token-nanoseconds
	last       time.Time
}

const nanosPerSec = int64(time.Second)

// maxBucketTokens keeps capacity × 1e9 inside an int64; limits above it are refused at
// configuration (8 Gi tokens: far beyond any real shard).
const maxBucketTokens = 1 << 33

func newTokenBucket(capacity, ratePerSec int64, now time.Time) tokenBucket {
	return tokenBucket{capacity: capacity, ratePerSec: ratePerSec, level: capacity * nanosPerSec, last: now}
}

func (b *tokenBucket) refill(now time.Time) {
	dt := now.Sub(b.last)
	if dt <= 0 {
		return
	}
	b.last = now
	full := b.capacity * nanosPerSec
	missing := full - b.level
	if missing <= 0 {
		return
	}
	// Compare before multiplying so a long idle period cannot overflow.
	if b.ratePerSec == 0 {
		return
	}
	if int64(dt) >= missing/b.ratePerSec+1 {
		b.level = full
		return
	}
	b.level += b.ratePerSec * int64(dt)
	if b.level > full {
		b.level = full
	}
}

// has reports whether n tokens are available at now.
func (b *tokenBucket) has(n int64, now time.Time) bool {
	b.refill(now)
	return b.level >= n*nanosPerSec
}

// take removes n tokens; callers check has first.
func (b *tokenBucket) take(n int64) { b.level -= n * nanosPerSec }

// takeUpTo removes n tokens even if that overdraws the bucket (used for reads, where AWS returns
// the data and throttles the following calls instead).
func (b *tokenBucket) overdraw(n int64) { b.level -= n * nanosPerSec }

// tokens is the current level in whole tokens.
func (b *tokenBucket) tokens(now time.Time) int64 {
	b.refill(now)
	return b.level / nanosPerSec
}

// setLimits changes capacity and rate keeping the current level (clamped to the new capacity).
func (b *tokenBucket) setLimits(capacity, ratePerSec int64, now time.Time) {
	b.refill(now)
	b.capacity, b.ratePerSec = capacity, ratePerSec
	if full := capacity * nanosPerSec; b.level > full {
		b.level = full
	}
}
