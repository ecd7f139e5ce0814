package fleet

import (
	"math/rand/v2"
	"time"

	"github.com/shardstorm/shardstorm/producer"
)

// client is one small producer's state: a few words while idle (no goroutine).
type client struct {
	buf      []*item // waiting for a request, oldest first (failed entries go back to the front)
	inFlight int     // its requests in flight (≤ Threads)
	online   bool    // as last seen (service refreshes it)
	flushAll bool    // reconnected: send the whole buffer at once, whatever Interval says
	queued   bool    // in Fleet.waitingSlot
	wakeAt   time.Time
	// retryAt is when its failed entries may go again (RetryBackoff), after failedRounds
	// rounds in a row had an entry fail.
	retryAt      time.Time
	failedRounds int
}

// service brings client i up to now: its connectivity, its expired records, the requests it can
// start, and its next wake-up (mu held).
func (f *Fleet) service(i int, now time.Time) {
	c := &f.clients[i]
	online, change := f.cfg.Connectivity.online(i, len(f.clients), now.Sub(f.start))
	if online && !c.online {
		c.flushAll = true // the reconnect burst
	}
	c.online = online
	f.expire(c, now)
	f.dispatch(i, now)
	if len(c.buf) == 0 {
		c.flushAll = false
		c.wakeAt = time.Time{}
		return
	}
	wake := c.buf[0].arrival.Add(f.cfg.RecordTtl)
	if change != never { // a client holding records sees its network go and come back
		wake = earliest(wake, f.start.Add(change))
	}
	if online && c.inFlight < f.cfg.Threads && !c.queued && !f.ready(c, now) {
		if c.retryAt.After(now) {
			wake = earliest(wake, c.retryAt) // backing off: not before then, whatever Interval says
		} else {
			wake = earliest(wake, c.buf[0].arrival.Add(f.cfg.Interval))
		}
	}
	if wake.Equal(c.wakeAt) {
		return
	}
	c.wakeAt = wake
	f.wakes.push(wake, i)
	select {
	case f.kick <- struct{}{}:
	default:
	}
}

func earliest(a, b time.Time) time.Time {
	if b.Before(a) {
		return b
	}
	return a
}

// ready reports whether c's buffer should be sent now.
func (f *Fleet) ready(c *client, now time.Time) bool {
	if len(c.buf) == 0 {
		return false
	}
	if now.Before(c.retryAt) {
		return false // backing off after failed entries
	}
	oldest := c.buf[0]
	return c.flushAll || f.closing || len(c.buf) >= f.cfg.Batch || len(oldest.attempts) > 0 ||
		!now.Before(oldest.arrival.Add(f.cfg.Interval))
}

// expire fails the records at the front of c's buffer whose RecordTtl has passed (mu held).
// Failed entries re-buffered by concurrent requests may stand slightly out of age order; they
// expire when they reach the front or when a request fails them again.
func (f *Fleet) expire(c *client, now time.Time) {
	n := 0
	for n < len(c.buf) && !now.Before(c.buf[n].arrival.Add(f.cfg.RecordTtl)) {
		f.fail(c.buf[n], producer.ErrExpired, "")
		c.buf[n] = nil
		n++
	}
	if n > 0 {
		c.buf = c.buf[n:]
		f.roomMade()
	}
}

// dispatch starts the requests client i can send now: online, a thread free, a request slot
// free, a batch ready. Without a slot the client queues for one (mu held).
func (f *Fleet) dispatch(i int, now time.Time) {
	c := &f.clients[i]
	for c.online && !f.gaveUp && c.inFlight < f.cfg.Threads && f.ready(c, now) {
		if f.inFlight >= maxInFlight {
			if !c.queued {
				c.queued = true
				f.waitingSlot = append(f.waitingSlot, i)
			}
			return
		}
		batch := f.take(c)
		c.inFlight++
		f.inFlight++
		f.st.inFlight.Add(1)
		f.requests.Add(1)
		go f.send(i, batch, now)
	}
}

// take removes the next request's records from the front of c's buffer: up to Batch records
// and MaxBatchBytes.
func (f *Fleet) take(c *client) []*item {
	n, size := 0, int64(0)
	for n < len(c.buf) && n < f.cfg.Batch && (n == 0 || size+c.buf[n].size <= MaxBatchBytes) {
		size += c.buf[n].size
		n++
	}
	batch := make([]*item, n)
	copy(batch, c.buf[:n])
	clear(c.buf[:n])
	c.buf = c.buf[n:]
	if len(c.buf) == 0 {
		c.buf = nil // let the backing array go: an idle client holds nothing
	}
	f.roomMade()
	return batch
}

// slotFreed lets the clients queued for a request slot send, oldest first (mu held).
func (f *Fleet) slotFreed(now time.Time) {
	for len(f.waitingSlot) > 0 && f.inFlight < maxInFlight {
		j := f.waitingSlot[0]
		f.waitingSlot = f.waitingSlot[1:]
		f.clients[j].queued = false
		f.service(j, now)
	}
}

// requeue puts failed entries back at the front of c's buffer, to be re-sent at once.
func (c *client) requeue(items []*item) {
	if len(items) == 0 {
		return
	}
	buf := make([]*item, 0, len(items)+len(c.buf))
	buf = append(append(buf, items...), c.buf...)
	c.buf = buf
}

// backOff records a round of c's that ended (at now) with again entries to re-send: with
// RetryBackoff set, c waits before its next request.
func (f *Fleet) backOff(c *client, again int, now time.Time) {
	if again == 0 {
		c.failedRounds, c.retryAt = 0, time.Time{}
		return
	}
	if f.cfg.RetryBackoff <= 0 {
		return
	}
	wait := f.cfg.RetryBackoff << min(c.failedRounds, 5) // ×32 at most; capped below
	wait = min(wait, 20*f.cfg.RetryBackoff)
	wait = wait/2 + rand.N(wait/2+1)
	c.failedRounds++
	c.retryAt = now.Add(wait)
}
