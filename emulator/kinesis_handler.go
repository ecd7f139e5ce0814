package emulator

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"os"
	"strings"
	"time"
)

const kinesisTargetPrefix = "Kinesis_20131202."

// request is what an operation handler gets: the body, the emulator clock's reading for this
// request, when it arrived (wall clock, for the Latency metrics) and the faults in force.
type request struct {
	body     []byte
	now      time.Time
	received time.Time
	faults   Faults
}

// kinesisHandler runs one operation.
type kinesisHandler func(e *Emulator, req request) (any, *apiError)

// kinesisOps maps X-Amz-Target operation names to their handlers.
var kinesisOps map[string]kinesisHandler

func init() {
	kinesisOps = map[string]kinesisHandler{
		"CreateStream":                  (*Emulator).opCreateStream,
		"DeleteStream":                  (*Emulator).opDeleteStream,
		"DescribeStream":                (*Emulator).opDescribeStream,
		"DescribeStreamSummary":         (*Emulator).opDescribeStreamSummary,
		"ListStreams":                   (*Emulator).opListStreams,
		"ListShards":                    (*Emulator).opListShards,
		"PutRecord":                     (*Emulator).opPutRecord,
		"PutRecords":                    (*Emulator).opPutRecords,
		"GetShardIterator":              (*Emulator).opGetShardIterator,
		"GetRecords":                    (*Emulator).opGetRecords,
		"SplitShard":                    (*Emulator).opSplitShard,
		"MergeShards":                   (*Emulator).opMergeShards,
		"UpdateShardCount":              (*Emulator).opUpdateShardCount,
		"UpdateMaxRecordSize":           (*Emulator).opUpdateMaxRecordSize,
		"EnableEnhancedMonitoring":      (*Emulator).opEnableEnhancedMonitoring,
		"DisableEnhancedMonitoring":     (*Emulator).opDisableEnhancedMonitoring,
		"StartStreamEncryption":         (*Emulator).opStartStreamEncryption,
		"StopStreamEncryption":          (*Emulator).opStopStreamEncryption,
		"DescribeLimits":                (*Emulator).opDescribeLimits,
		"AddTagsToStream":               (*Emulator).opAddTagsToStream,
		"ListTagsForStream":             (*Emulator).opListTagsForStream,
		"RemoveTagsFromStream":          (*Emulator).opRemoveTagsFromStream,
		"TagResource":                   (*Emulator).opTagResource,
		"UntagResource":                 (*Emulator).opUntagResource,
		"ListTagsForResource":           (*Emulator).opListTagsForResource,
		"IncreaseStreamRetentionPeriod": (*Emulator).opIncreaseStreamRetentionPeriod,
		"DecreaseStreamRetentionPeriod": (*Emulator).opDecreaseStreamRetentionPeriod,
		"UpdateStreamMode":              (*Emulator).opUpdateStreamMode,
		"DescribeAccountSettings":       (*Emulator).opDescribeAccountSettings,
	}
}

// maxKinesisBody bounds a request body at twice what a PutRecords of MaxRequestBytes takes in
// base64 JSON, so every request over the limit by less than that reaches the real size check
// and its message; a body beyond even this cannot be under the limit.
func (e *Emulator) maxKinesisBody() int64 {
	return 2*(e.cfg.Limits.MaxRequestBytes*4/3) + 1*mib
}

func (e *Emulator) serveKinesis(w http.ResponseWriter, r *http.Request) {
	cborBody := isKinesisCBOR(r)
	if cborBody {
		cw := &cborResponse{w: w}
		defer cw.finish()
		w = cw
	}
	op, ok := strings.CutPrefix(r.Header.Get("X-Amz-Target"), kinesisTargetPrefix)
	handler := kinesisOps[op]
	if r.Method != http.MethodPost || !ok || handler == nil {
		writeKinesisError(w, newAPIError(http.StatusBadRequest, "UnknownOperationException",
			"Unknown operation %q (X-Amz-Target %q)", op, r.Header.Get("X-Amz-Target")))
		return
	}
	if r.ContentLength > e.maxKinesisBody() {
		// Answer before reading a byte: a body declared this large cannot be under the limit,
		// and waiting for it would hold the connection while the client sends (or stalls).
		w.Header().Set("Connection", "close")
		writeKinesisError(w, newAPIError(http.StatusRequestEntityTooLarge, "InvalidArgumentException",
			"Request body of %d bytes exceeds the %d MB request limit", r.ContentLength, e.cfg.Limits.MaxRequestBytes/mib))
		return
	}
	body, err := readBody(r, e.maxKinesisBody())
	if errors.Is(err, os.ErrDeadlineExceeded) {
		w.Header().Set("Connection", "close")
		writeKinesisError(w, newAPIError(http.StatusRequestTimeout, "RequestTimeoutException",
			"The request body stalled for longer than %s.", e.cfg.BodyStallTimeout))
		return
	}
	if err != nil {
		writeKinesisError(w, newAPIError(http.StatusBadRequest, "SerializationException", "could not read request body: %v", err))
		return
	}
	if int64(len(body)) > e.maxKinesisBody() {
		writeKinesisError(w, errInvalidArgument("Records size exceeds %d MB limit", e.cfg.Limits.MaxRequestBytes/mib))
		return
	}

	if cborBody {
		var aerr *apiError
		if body, aerr = kinesisCBORToJSON(body); aerr != nil {
			writeKinesisError(w, aerr)
			return
		}
	}
	if err := checkJSONText(body); err != nil {
		writeKinesisError(w, newAPIError(http.StatusBadRequest, "SerializationException",
			"Request body is not valid UTF-8 JSON: %v", err))
		return
	}

	received := time.Now()
	// A request held (Pause, the black hole) until its client gave up or the server stopped is
	// never answered: its connection breaks (breakConnection), where returning would answer an
	// empty 200 over a socket.
	if !e.hold.waitWhilePaused(r) {
		breakConnection()
	}
	d := e.drawRequestFaults(op)
	if d.blackHole {
		e.countFault(func(s *FaultStats) { s.BlackHoled++ })
		e.hold.holdForever(r)
		breakConnection()
	}
	if !waitOrGone(r, d.wait) {
		breakConnection() // the client left: nothing done
	}
	if d.injected != nil {
		if !e.hold.waitWhilePaused(r) {
			breakConnection()
		}
		e.countInjected(op, d.injected)
		writeKinesisError(w, d.injected)
		return
	}
	if d.reset == resetBeforeEffect {
		e.countFault(func(s *FaultStats) { s.ResetsBeforeEffect++ })
		breakConnection()
	}

	var out any
	var aerr *apiError
	if !e.hold.runEffect(r, func() {
		out, aerr = handler(e, request{body: body, now: e.clock.Now(), received: received, faults: d.faults})
	}) {
		breakConnection() // nothing done
	}
	if d.reset == resetAfterEffect {
		e.countFault(func(s *FaultStats) { s.ResetsAfterEffect++ })
		breakConnection() // done, and the client cannot know
	}
	if aerr != nil { // refused: answered at once (AnswerLatency delays the answers of writes done)
		if !e.hold.waitWhilePaused(r) {
			breakConnection()
		}
		writeKinesisError(w, aerr)
		return
	}
	if !waitOrGone(r, d.answerWait) || !e.hold.waitWhilePaused(r) {
		breakConnection() // done, but the client left before the answer: it cannot know
	}
	buf, err := json.Marshal(out)
	if err != nil { // our own response types always marshal; say so loudly if not
		writeKinesisError(w, newAPIError(http.StatusInternalServerError, "InternalFailure", "encode response: %v", err))
		return
	}
	w.Header().Set("Content-Type", "application/x-amz-json-1.1")
	w.WriteHeader(http.StatusOK)
	w.Write(buf)
}

// readBody reads at most limit+1 bytes (so an oversized body is detected, not truncated). A
// declared Content-Length sizes the buffer once: growing it by doubling cost a third of the
// time of a 10 MiB PutRecords.
func readBody(r *http.Request, limit int64) ([]byte, error) {
	if n := r.ContentLength; n > 0 && n <= limit {
		buf := make([]byte, n)
		_, err := io.ReadFull(r.Body, buf)
		return buf, err
	}
	return io.ReadAll(io.LimitReader(r.Body, limit+1))
}

// waitOrGone waits d, or until the client goes away (then it returns false: nobody to answer).
func waitOrGone(r *http.Request, d time.Duration) bool {
	if d <= 0 {
		return true
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-r.Context().Done():
		return false
	}
}

// requestFaults are the faults drawn for one request.
type requestFaults struct {
	faults Faults // in force when the request arrived
	// wait is spent before the request takes effect, answerWait after it, before the answer.
	wait, answerWait time.Duration
	injected         *apiError // answered instead of serving the request
	blackHole        bool      // held until the client gives up, never answered
	reset            resetPoint
}

// resetPoint says whether and when a request's connection is broken.
type resetPoint int

const (
	noReset resetPoint = iota
	resetBeforeEffect
	resetAfterEffect
)

// drawRequestFaults decides, once per request, the injected latencies (before the request takes
// effect and before it is answered), whether it is swallowed by the black hole, whether its
// connection breaks (and when), and whether it is answered with an injected 5xx or
// LimitExceededException instead of being served.
func (e *Emulator) drawRequestFaults(op string) requestFaults {
	e.mu.Lock()
	defer e.mu.Unlock()
	f := e.faults
	d := requestFaults{faults: f, blackHole: f.BlackHole}
	if d.blackHole {
		return d
	}
	d.wait = f.Latency.draw(e.rng)
	answerWait := f.AnswerLatency.draw(e.rng)
	if f.ResetRate > 0 && e.rng.Float64() < f.ResetRate {
		d.reset = resetBeforeEffect
		if e.rng.IntN(2) == 0 {
			d.reset = resetAfterEffect
		}
		return d
	}
	if f.ServerErrorRate > 0 && e.rng.Float64() < f.ServerErrorRate {
		if e.rng.IntN(2) == 0 {
			d.injected = newAPIError(http.StatusInternalServerError, codeInternalFailure, messageInternalFailure)
		} else {
			d.injected = newAPIError(http.StatusServiceUnavailable, "ServiceUnavailable", "Service Unavailable")
		}
		return d
	}
	if isControlPlane(op) && f.ControlPlaneThrottleRate > 0 && e.rng.Float64() < f.ControlPlaneThrottleRate {
		d.injected = newAPIError(http.StatusBadRequest, "LimitExceededException",
			"Rate exceeded for %s under account %s.", op, e.cfg.AccountID)
		return d
	}
	d.answerWait = answerWait
	return d
}

func writeKinesisError(w http.ResponseWriter, err *apiError) {
	w.Header().Set("Content-Type", "application/x-amz-json-1.1")
	w.Header().Set("X-Amzn-ErrorType", err.Type)
	w.WriteHeader(err.Status)
	buf, _ := json.Marshal(struct {
		Type    string `json:"__type"`
		Message string `json:"message"`
	}{err.Type, err.Message})
	w.Write(buf)
}

// decodeInput decodes an awsJson1_1 body into T, answering SerializationException as AWS does
// for bodies that are not JSON of the operation's shape.
func decodeInput[T any](body []byte) (T, *apiError) {
	var in T
	if len(body) == 0 {
		return in, nil // an empty body is an empty input, as the SDKs send for no-argument calls
	}
	if err := json.Unmarshal(body, &in); err != nil {
		var typeErr *json.UnmarshalTypeError
		if errors.As(err, &typeErr) {
			return in, newAPIError(http.StatusBadRequest, "SerializationException",
				"Unexpected value for field %q: %s given where %s expected", typeErr.Field, typeErr.Value, typeErr.Type)
		}
		return in, newAPIError(http.StatusBadRequest, "SerializationException", "Malformed request body: %v", err)
	}
	return in, nil
}
