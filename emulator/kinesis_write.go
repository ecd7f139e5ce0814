package emulator

import (
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"unicode/utf16"

	"github.com/shardstorm/shardstorm/internal/hashkey"
)

// Model constraints every record must meet before the service looks at it.
const (
	maxRecordsPerRequest = 500
	maxPartitionKeyLen   = 256
	maxDataModelBytes    = 10 * mib // the API model's bound on Data; the stream's own limit is applied after
)

type putEntry struct {
	Data            []byte
	PartitionKey    *string
	ExplicitHashKey *string
}

type putRecordsInput struct {
	streamRef
	Records []putEntry
}

type putRecordsResultEntry struct {
	SequenceNumber string `json:"SequenceNumber,omitempty"`
	ShardId        string `json:"ShardId,omitempty"`
	ErrorCode      string `json:"ErrorCode,omitempty"`
	ErrorMessage   string `json:"ErrorMessage,omitempty"`
}

type putRecordsOutput struct {
	FailedRecordCount int                     `json:"FailedRecordCount"`
	Records           []putRecordsResultEntry `json:"Records"`
	EncryptionType    string                  `json:"EncryptionType"`
}

// The API model's patterns: a value that does not match is a ValidationException, before the
// service reads it (an ExplicitHashKey that matches but exceeds 2^128-1 is the service's
// InvalidArgumentException).
const (
	explicitHashKeyPatternText = `0|([1-9]\d{0,38})`
	sequenceNumberPatternText  = `0|([1-9]\d{0,128})`
)

var (
	explicitHashKeyPattern = regexp.MustCompile(`^(` + explicitHashKeyPatternText + `)$`)
	sequenceNumberPattern  = regexp.MustCompile(`^(` + sequenceNumberPatternText + `)$`)
)

// validation collects model constraint violations so one response names all of them, as AWS's
// "N validation errors detected" does.
type validation []string

func (v *validation) add(format string, args ...any) { *v = append(*v, fmt.Sprintf(format, args...)) }

func (v validation) err() *apiError {
	if len(v) == 0 {
		return nil
	}
	noun := "error"
	if len(v) > 1 {
		noun = "errors"
	}
	return newAPIError(http.StatusBadRequest, "ValidationException", "%d validation %s detected: %s", len(v), noun, strings.Join(v, "; "))
}

// keyLength counts a partition key as the service does: in UTF-16 code units.
func keyLength(k string) int {
	n := 0
	for _, r := range k {
		n += utf16.RuneLen(r)
	}
	return n
}

func (v *validation) checkEntry(at string, e putEntry) {
	switch {
	case e.PartitionKey == nil:
		v.add("Value null at '%s.partitionKey' failed to satisfy constraint: Member must not be null", at)
	case keyLength(*e.PartitionKey) < 1:
		v.add("Value '' at '%s.partitionKey' failed to satisfy constraint: Member must have length greater than or equal to 1", at)
	case keyLength(*e.PartitionKey) > maxPartitionKeyLen:
		v.add("Value '%s' at '%s.partitionKey' failed to satisfy constraint: Member must have length less than or equal to %d", *e.PartitionKey, at, maxPartitionKeyLen)
	}
	if e.ExplicitHashKey != nil && !explicitHashKeyPattern.MatchString(*e.ExplicitHashKey) {
		v.add("Value '%s' at '%s.explicitHashKey' failed to satisfy constraint: Member must satisfy regular expression pattern: %s",
			*e.ExplicitHashKey, at, explicitHashKeyPatternText)
	}
	switch {
	case e.Data == nil:
		v.add("Value null at '%s.data' failed to satisfy constraint: Member must not be null", at)
	case len(e.Data) > maxDataModelBytes:
		v.add("Value 'java.nio.HeapByteBuffer[pos=0 lim=%d cap=%d]' at '%s.data' failed to satisfy constraint: Member must have length less than or equal to %d", len(e.Data), len(e.Data), at, maxDataModelBytes)
	}
}

// hashKeyOf returns the record's hash key: its ExplicitHashKey or the MD5 of its partition key.
func hashKeyOf(e putEntry) (hashkey.Key, *apiError) {
	if e.ExplicitHashKey != nil {
		h, ok := hashkey.Parse(*e.ExplicitHashKey)
		if !ok {
			return hashkey.Key{}, errInvalidArgument("Invalid ExplicitHashKey. ExplicitHashKey must be in the range: [0, 2^128-1]. Specified value was %s", *e.ExplicitHashKey)
		}
		return h, nil
	}
	return hashkey.OfPartitionKey(*e.PartitionKey), nil
}

// writableStream resolves the stream of a write and applies the checks every write shares:
// the stream is writable and, if encrypted, the caller may use its key. The stream comes back
// locked.
func (e *Emulator) writableStream(ref streamRef, req request) (*stream, *apiError) {
	s, aerr := e.lookup(ref, req.now)
	if aerr != nil {
		return nil, aerr
	}
	if s.status == statusCreating {
		s.mu.Unlock()
		return nil, e.errStreamNotFound(s.name)
	}
	if s.encryption == "KMS" && req.faults.KMSAccessDenied {
		s.mu.Unlock()
		e.countKMSDenied()
		return nil, newAPIError(http.StatusBadRequest, "KMSAccessDeniedException",
			"User: arn:aws:sts::%s:assumed-role/shardstorm-producer/emulator is not authorized to perform: kms:GenerateDataKey on resource: %s because no identity-based policy allows the kms:GenerateDataKey action",
			e.cfg.AccountID, e.kmsKeyARN(s.keyID))
	}
	return s, nil
}

func (e *Emulator) kmsKeyARN(keyID string) string {
	switch {
	case strings.HasPrefix(keyID, "arn:"):
		return keyID
	case strings.HasPrefix(keyID, "alias/"):
		return fmt.Sprintf("arn:aws:kms:%s:%s:%s", e.cfg.Region, e.cfg.AccountID, keyID)
	}
	return fmt.Sprintf("arn:aws:kms:%s:%s:key/%s", e.cfg.Region, e.cfg.AccountID, keyID)
}

// writeOutcome is what happened to one record offered to a shard.
type writeOutcome int

const (
	writeAccepted writeOutcome = iota
	writeThrottled
	writeInternalFailure
)

// offer runs one record of write call `call` through its shard: an injected internal failure,
// or both write buckets (records, and bytes as the size accounting charges them: partition key
// included) with room for it, or a throttle. Accepted records get the next sequence number and
// are retained. Caller holds s.mu.
func (e *Emulator) offer(s *stream, sh *shard, ent putEntry, ehk string, call uint64, req request) (writeOutcome, uint64) {
	if req.faults.InternalFailureRate > 0 && s.rng.Float64() < req.faults.InternalFailureRate {
		sh.stats.InternalFailures++
		return writeInternalFailure, 0
	}
	size := int64(len(ent.Data) + len(*ent.PartitionKey))
	cost := sh.chargeFor(e.cfg.Limits.SizeAccounting, call, size)
	if !sh.writeRecords.has(1, req.now) || !sh.writeBytes.has(cost, req.now) {
		sh.stats.ThrottledRecords++
		sh.stats.ThrottledBytes += size
		return writeThrottled, 0
	}
	sh.writeRecords.take(1)
	sh.writeBytes.take(cost)
	sh.charged(call, size, cost)
	s.counter++
	sh.expire(req.now.Add(-s.retention))
	sh.appendRecord(storedRecord{counter: s.counter, key: *ent.PartitionKey, data: ent.Data, arrival: req.now, ehk: ehk},
		e.cfg.RetainRecordsPerShard, e.cfg.RetainBytesPerShard)
	sh.stats.AcceptedRecords++
	sh.stats.AcceptedBytes += size
	users, userBytes := userRecords(ent.Data, *ent.PartitionKey)
	sh.stats.AcceptedUserRecords += users
	sh.stats.AcceptedUserBytes += userBytes
	return writeAccepted, s.counter
}

func (e *Emulator) opPutRecords(req request) (any, *apiError) {
	in, aerr := decodeInput[putRecordsInput](req.body)
	if aerr != nil {
		return nil, aerr
	}
	var v validation
	switch {
	case in.Records == nil:
		v.add("Value null at 'records' failed to satisfy constraint: Member must not be null")
	case len(in.Records) < 1:
		v.add("Value '[]' at 'records' failed to satisfy constraint: Member must have length greater than or equal to 1")
	case len(in.Records) > maxRecordsPerRequest:
		v.add("Value '[%d records]' at 'records' failed to satisfy constraint: Member must have length less than or equal to %d", len(in.Records), maxRecordsPerRequest)
	}
	for i, ent := range in.Records {
		v.checkEntry(fmt.Sprintf("records.%d.member", i+1), ent)
	}
	if aerr := v.err(); aerr != nil {
		return nil, aerr
	}
	keys := make([]hashkey.Key, len(in.Records))
	var total int64
	for i, ent := range in.Records {
		if keys[i], aerr = hashKeyOf(ent); aerr != nil {
			return nil, aerr
		}
		total += int64(len(ent.Data) + len(*ent.PartitionKey))
	}
	if total > e.cfg.Limits.MaxRequestBytes {
		return nil, errInvalidArgument("Records size exceeds %d MB limit", e.cfg.Limits.MaxRequestBytes/mib)
	}

	s, aerr := e.writableStream(in.streamRef, req)
	if aerr != nil {
		return nil, aerr
	}
	s.writeCalls.putRecords++
	s.writeSeq++
	if aerr := checkRecordSizes(s, in.Records); aerr != nil {
		s.mu.Unlock()
		return nil, aerr
	}
	out := putRecordsOutput{Records: make([]putRecordsResultEntry, len(in.Records)), EncryptionType: s.encryption}
	tally := newWriteTally(s)
	for i, ent := range in.Records {
		sh := s.shardFor(keys[i])
		ehk := ""
		if ent.ExplicitHashKey != nil {
			ehk = *ent.ExplicitHashKey
		}
		outcome, counter := e.offer(s, sh, ent, ehk, s.writeSeq, req)
		size := int64(len(ent.Data) + len(*ent.PartitionKey))
		tally.add(sh, outcome, size)
		switch outcome {
		case writeAccepted:
			out.Records[i] = putRecordsResultEntry{SequenceNumber: formatSeq(sh.prefix, counter), ShardId: sh.id}
		case writeThrottled:
			out.FailedRecordCount++
			code, msg := e.errShardThrottled(sh.id, s.name)
			out.Records[i] = putRecordsResultEntry{ErrorCode: code, ErrorMessage: msg}
		case writeInternalFailure:
			out.FailedRecordCount++
			out.Records[i] = putRecordsResultEntry{ErrorCode: codeInternalFailure, ErrorMessage: messageInternalFailure}
		}
	}
	s.mu.Unlock()
	tally.recordPutRecords(e, req)
	return out, nil
}

// checkRecordSizes applies the stream's own record size limit (data + partition key).
func checkRecordSizes(s *stream, recs []putEntry) *apiError {
	for i, ent := range recs {
		if size := int64(len(ent.Data) + len(*ent.PartitionKey)); size > s.maxRecordBytes() {
			return errInvalidArgument("Record %d is %d bytes (data + partition key), over the maximum record size of %d KiB for stream %s.",
				i+1, size, s.maxRecordKiB, s.name)
		}
	}
	return nil
}

type putRecordInput struct {
	streamRef
	putEntry
	SequenceNumberForOrdering *string
}

func (e *Emulator) opPutRecord(req request) (any, *apiError) {
	in, aerr := decodeInput[putRecordInput](req.body)
	if aerr != nil {
		return nil, aerr
	}
	var v validation
	v.checkEntry("", in.putEntry)
	if in.SequenceNumberForOrdering != nil && !sequenceNumberPattern.MatchString(*in.SequenceNumberForOrdering) {
		v.add("Value '%s' at 'sequenceNumberForOrdering' failed to satisfy constraint: Member must satisfy regular expression pattern: %s",
			*in.SequenceNumberForOrdering, sequenceNumberPatternText)
	}
	for i := range v {
		v[i] = strings.Replace(v[i], "at '.", "at '", 1)
	}
	if aerr := v.err(); aerr != nil {
		return nil, aerr
	}
	key, aerr := hashKeyOf(in.putEntry)
	if aerr != nil {
		return nil, aerr
	}
	s, aerr := e.writableStream(in.streamRef, req)
	if aerr != nil {
		return nil, aerr
	}
	s.writeCalls.putRecord++
	s.writeSeq++
	if aerr := checkRecordSizes(s, []putEntry{in.putEntry}); aerr != nil {
		s.mu.Unlock()
		return nil, aerr
	}
	sh := s.shardFor(key)
	ehk := ""
	if in.ExplicitHashKey != nil {
		ehk = *in.ExplicitHashKey
	}
	outcome, counter := e.offer(s, sh, in.putEntry, ehk, s.writeSeq, req)
	tally := newWriteTally(s)
	tally.add(sh, outcome, int64(len(in.Data)+len(*in.PartitionKey)))
	streamName, encryption := s.name, s.encryption
	s.mu.Unlock()
	tally.recordPutRecord(e, req)

	switch outcome {
	case writeThrottled:
		_, msg := e.errShardThrottled(sh.id, streamName)
		return nil, newAPIError(http.StatusBadRequest, "ProvisionedThroughputExceededException", "%s", msg)
	case writeInternalFailure:
		return nil, newAPIError(http.StatusInternalServerError, codeInternalFailure, messageInternalFailure)
	}
	return struct {
		SequenceNumber string `json:"SequenceNumber"`
		ShardId        string `json:"ShardId"`
		EncryptionType string `json:"EncryptionType"`
	}{formatSeq(sh.prefix, counter), sh.id, encryption}, nil
}
