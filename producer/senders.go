package producer

import (
	"sync"
	"time"
)

// senderPool runs requests on goroutines that outlive one request. A request's goroutine runs
// the SDK's whole middleware stack, which grows its stack to tens of KiB: a new goroutine per
// request grew one anew every time (runtime.newstack was 3 % of a producer process's CPU in
// bench cell 1p-100b). A sender waits senderIdle for its next request, then exits; the slots
// (MaxConnections) still bound the requests in flight, not the senders.
type senderPool struct {
	work chan sendJob // unbuffered: a job goes to a sender that is waiting for one, or to a new one
	wg   sync.WaitGroup
}

type sendJob struct {
	batch []*krec
	size  int64 // the batch's bytes, as the slots count them
	cfg   *Config
}

// senderIdle is how long a sender waits for another request before it exits.
const senderIdle = 5 * time.Second

// startSend sends batch on an idle sender, or on a new one. Dispatcher goroutine only.
func (p *Producer) startSend(batch []*krec, size int64, cfg *Config) {
	j := sendJob{batch, size, cfg}
	select {
	case p.senders.work <- j:
	default:
		p.senders.wg.Add(1)
		go p.senderLoop(j)
	}
}

func (p *Producer) senderLoop(j sendJob) {
	defer p.senders.wg.Done()
	idle := time.NewTimer(senderIdle)
	defer idle.Stop()
	for {
		p.send(j.batch, j.size, j.cfg)
		j = sendJob{} // its records are resolved: keep none reachable while idle
		idle.Reset(senderIdle)
		select {
		case j = <-p.senders.work:
		case <-idle.C:
			return
		case <-p.stop:
			return
		}
	}
}
