package producer

import (
	"math/bits"
	"sync"
	"sync/atomic"
)

// requestBody is a PutRecords body in a buffer reused from one request to the next. The bodies
// were the producer process's largest allocation (under overload 43 % of its bytes: base64 of
// every request's data, 4/3 of it), and every allocation brings the next collection closer:
// under a soft memory limit that is CPU.
//
// The sender holds one reference until PutRecords returns, and the HTTP client (awshttp's
// OwnBody) one for each reader of the body it gives the transport, until the transport closes
// it; the last release puts the buffer back. A body whose reader is never closed is left to the
// garbage collector, never reused.
type requestBody struct {
	b     []byte
	refs  atomic.Int32
	class int // of bodyPools; -1: too large to pool
}

// Body buffers come in size classes, powers of two from minBodyClass: a buffer is at most twice
// the body in it, so what the pool holds follows the bytes in flight
// (MaxRequestBytesInFlight) rather than the largest request ever made.
const (
	minBodyClassShift = 16 // 64 KiB
	bodyClasses       = 9  // up to 16 MiB, beyond RequestSizeLimit's 10 MiB in base64
)

var bodyPools [bodyClasses]sync.Pool

// bodyClass is the class of a body of size bytes: the smallest whose buffers hold it.
func bodyClass(size int) int {
	if size <= 1<<minBodyClassShift {
		return 0
	}
	return bits.Len(uint(size-1)) - minBodyClassShift
}

// getRequestBody returns an empty body with room for size bytes, its one reference the
// sender's.
func getRequestBody(size int) *requestBody {
	class := bodyClass(size)
	var rb *requestBody
	if class >= bodyClasses {
		rb = &requestBody{b: make([]byte, 0, size), class: -1}
	} else if v := bodyPools[class].Get(); v != nil {
		rb = v.(*requestBody)
	} else {
		rb = &requestBody{b: make([]byte, 0, 1<<(class+minBodyClassShift)), class: class}
	}
	rb.b = rb.b[:0]
	rb.refs.Store(1)
	return rb
}

// Retain takes one more reference (awshttp.SharedBody).
func (rb *requestBody) Retain() { rb.refs.Add(1) }

// Release gives one up; the last puts the buffer back (awshttp.SharedBody).
func (rb *requestBody) Release() {
	switch n := rb.refs.Add(-1); {
	case n > 0:
	case n == 0 && rb.class >= 0:
		bodyPools[rb.class].Put(rb)
	case n < 0:
		panic("producer: request body released more often than retained")
	}
}
