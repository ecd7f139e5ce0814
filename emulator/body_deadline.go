package emulator

import (
	"io"
	"net/http"
	"time"
)

// maxBodyReadTime bounds how long one request body may take in all, however steadily it trickles
// in: a 10 MiB PutRecords (about 14 MB of base64 JSON) still arrives at 24 kB/s.
const maxBodyReadTime = 10 * time.Minute

// progressBody reads a request body under a deadline that moves with progress: each read must
// bring bytes within the stall timeout, so a slow client sending a large PutRecords passes while
// a client that stops mid-body loses its connection instead of pinning it forever. An absolute
// http.Server ReadTimeout cannot tell the two apart. Once the body is read the deadline is
// lifted, so nothing after the body (an injected latency, a slow answer) runs under it.
type progressBody struct {
	io.ReadCloser
	rc      *http.ResponseController
	stall   time.Duration
	end     time.Time
	left    int64 // bytes declared and not yet read; -1 when unknown
	watched bool  // deadlines are supported and one is set
}

// watchBody wraps r.Body so its reads stall out after stall (0: leave the body alone). Over an
// in-process transport deadlines are not supported and nothing changes.
func watchBody(w http.ResponseWriter, r *http.Request, stall time.Duration) {
	if stall <= 0 || r.Body == nil || r.Body == http.NoBody {
		return
	}
	r.Body = &progressBody{ReadCloser: r.Body, rc: http.NewResponseController(w), stall: stall,
		end: time.Now().Add(maxBodyReadTime), left: r.ContentLength, watched: true}
}

func (b *progressBody) Read(p []byte) (int, error) {
	if b.watched {
		deadline := time.Now().Add(b.stall)
		if deadline.After(b.end) {
			deadline = b.end
		}
		b.watched = b.rc.SetReadDeadline(deadline) == nil
	}
	n, err := b.ReadCloser.Read(p)
	if b.left >= 0 {
		b.left -= int64(n)
	}
	if b.watched && (err != nil || b.left == 0) {
		b.rc.SetReadDeadline(time.Time{})
		b.watched = false
	}
	return n, err
}
