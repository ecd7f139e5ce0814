package producer

import (
	"strconv"
	"time"
)

func itoa(n int) string { return strconv.Itoa(n) }

// succeed resolves every user record of k, stored at seq in shardID.
func (p *Producer) succeed(k *krec, shardID, seq string, att Attempt, now time.Time) {
	p.countStored(k)
	p.deliver(k.shard, k, shardID, seq, att, att.Start, now)
	if k.aggregated {
		// Its records are resolved and the request is over for it: its slab can hold a
		// shard's next aggregate.
		p.slabs.give(k.users, p.cfg.Load().MaxBufferedRecords)
		k.users = nil
	}
}

// countStored counts a Kinesis record the service stored.
func (p *Producer) countStored(k *krec) {
	k.shard.c.kinesisPut.Add(1)
	k.shard.c.kinesisBytes.Add(int64(k.size))
	p.stats.kinesisPut.Add(1)
	p.stats.kinesisBytes.Add(int64(k.size))
}

// deliver resolves k's user records as stored at seq in shardID, users[i] being sub-record i of
// an aggregate (sub-sequence 0 for a record sent alone), on shard s. sent is when the request
// that delivered them started, zero when their buffering time was counted already
// (recordDelivered).
//
// Records on their first attempt share one Attempts slice (read-only), so a success costs no
// allocation per record, and one Result: each gets it with its own Record and sub-sequence
// number. The records' bytes are k's; only retried records have retries to count.
func (p *Producer) deliver(s *shardState, k *krec, shardID, seq string, att Attempt, sent, now time.Time) {
	users := k.users
	var buckets LatencyCounts
	p.hist.recordDelivered(users, sent, now, &buckets)
	s.c.endToEnd.add(&buckets)
	res := Result{ShardID: shardID, SequenceNumber: seq, Attempts: []Attempt{att}}
	var retries int64
	for i := range users {
		u := &users[i]
		if u.attempts != nil {
			retries += int64(u.retries)
			p.deliverRetried(u, i, res, att)
			continue
		}
		if u.cb != nil {
			res.Record, res.SubSequenceNumber = u.rec, i
			u.cb(res)
		}
	}
	n, bytes := int64(len(users)), k.userBytes
	if retries != 0 {
		p.stats.retriesOfPut.Add(retries)
	}
	s.c.userPut.Add(n)
	s.c.userBytesPut.Add(bytes)
	p.stats.userPut.Add(n)
	p.stats.userBytesPut.Add(bytes)
	p.gate.release(n, bytes)
}

// deliverRetried resolves u, sub-record i, after earlier attempts: its Result lists them all.
func (p *Producer) deliverRetried(u *userRecord, i int, res Result, att Attempt) {
	if anyMayHaveStored(u.attempts) {
		p.stats.ackedMaybeDuplicated.Add(1)
	}
	res.Attempts = append(u.attempts, att)
	u.attempts = nil // now the caller's
	if u.cb != nil {
		res.Record, res.SubSequenceNumber = u.rec, i
		u.cb(res)
	}
}

// fail resolves u with an error of the given kind. s may be nil (a record failed at close
// before reaching a shard).
func (p *Producer) fail(u *userRecord, s *shardState, kind error, now time.Time) {
	code, msg := u.lastError()
	p.resolveFailed(u, s, &RecordError{Kind: kind, Code: code, Message: msg}, now)
}

// resolveFailed resolves u with err, counting it failed (and expired).
func (p *Producer) resolveFailed(u *userRecord, s *shardState, err *RecordError, now time.Time) {
	kind := err.Kind
	err.MaybeStored = anyMayHaveStored(u.attempts)
	p.stats.countOutcome(outcomeOf(u.attempts, err.MaybeStored))
	if kind == ErrExpired {
		p.stats.expired.Add(1)
		if s != nil {
			s.c.expired.Add(1)
		}
	}
	p.stats.failed.Add(1)
	if s != nil {
		s.c.failed.Add(1)
	}
	if u.cb != nil {
		u.cb(Result{Record: u.rec, Attempts: u.attempts, Err: err})
	}
	u.attempts = nil
	p.gate.release(1, u.size)
}

// retry re-buffers u after a failed attempt, as the KPL does: back into routing (the map may
// have changed) with deadline min(now + RecordMaxBufferedTime/2, expiry) — or, past its expiry,
// it fails with ErrExpired. counted is false for resends that are not the record's fault
// (wrong-shard evidence).
func (p *Producer) retry(u *userRecord, s *shardState, att Attempt, now time.Time, counted bool) {
	u.attempts = append(u.attempts, att)
	if p.nanos(now) >= u.expiry {
		p.fail(u, s, ErrExpired, now)
		return
	}
	if counted {
		u.retries++
		s.c.retries.Add(1)
		p.stats.retries.Add(1)
	}
	cfg := p.cfg.Load()
	u.deadline = min(p.nanos(now)+nanotime(cfg.RecordMaxBufferedTime/2), u.expiry)
	p.route(u)
}
