package fleet

import (
	"container/heap"
	"time"
)

// wake is a client's scheduled wake-up. A client re-scheduled earlier or later leaves its old
// entry behind, recognised as stale by comparing it with client.wakeAt.
type wake struct {
	at     time.Time
	client int
}

type wakeHeap []wake

func (h wakeHeap) Len() int           { return len(h) }
func (h wakeHeap) Less(i, j int) bool { return h[i].at.Before(h[j].at) }
func (h wakeHeap) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *wakeHeap) Push(x any)        { *h = append(*h, x.(wake)) }
func (h *wakeHeap) Pop() any {
	old := *h
	w := old[len(old)-1]
	*h = old[:len(old)-1]
	return w
}

func (h *wakeHeap) push(at time.Time, client int) { heap.Push(h, wake{at: at, client: client}) }

// schedule is the fleet's one timer goroutine: it services each client when its wake-up comes
// (a flush deadline, an expiry, a reconnect).
func (f *Fleet) schedule() {
	defer close(f.loopDone)
	timer := time.NewTimer(time.Hour)
	timer.Stop()
	defer timer.Stop()
	for {
		f.mu.Lock()
		now := time.Now()
		for len(f.wakes) > 0 && !f.wakes[0].at.After(now) {
			w := heap.Pop(&f.wakes).(wake)
			c := &f.clients[w.client]
			if !c.wakeAt.Equal(w.at) {
				continue // stale
			}
			c.wakeAt = time.Time{}
			f.service(w.client, now)
		}
		var fired <-chan time.Time // nothing scheduled: wait for a kick
		if len(f.wakes) > 0 {
			timer.Reset(f.wakes[0].at.Sub(now))
			fired = timer.C
		}
		f.unlock()
		select {
		case <-fired:
		case <-f.kick:
		case <-f.stop:
			return
		}
	}
}
