package emulator

import (
	"net/http"
	"sort"
	"time"
)

// iteratorLifetime is how long a shard iterator stays valid, as on AWS.
const iteratorLifetime = 5 * time.Minute

// maxGetRecordsBytes is the most one GetRecords call returns.
const maxGetRecordsBytes = 10 * mib

// iteratorToken is the state a shard iterator carries: where to read next and when it was issued.
type iteratorToken struct {
	Stream string `json:"s"`
	Shard  string `json:"h"`
	Next   uint64 `json:"n"` // read records whose counter is >= Next
	Issued int64  `json:"t"` // emulator clock, Unix nanoseconds
}

type getShardIteratorInput struct {
	streamRef
	ShardId                string
	ShardIteratorType      string
	StartingSequenceNumber string
	Timestamp              *epochSeconds
}

func (e *Emulator) errShardNotFound(shardID, stream string) *apiError {
	return newAPIError(http.StatusBadRequest, "ResourceNotFoundException",
		"Shard %s in stream %s under account %s does not exist", shardID, stream, e.cfg.AccountID)
}

func (e *Emulator) opGetShardIterator(req request) (any, *apiError) {
	in, aerr := decodeInput[getShardIteratorInput](req.body)
	if aerr != nil {
		return nil, aerr
	}
	switch in.ShardIteratorType {
	case "AT_SEQUENCE_NUMBER", "AFTER_SEQUENCE_NUMBER":
		if in.StartingSequenceNumber == "" {
			return nil, errInvalidArgument("StartingSequenceNumber is required for ShardIteratorType %s.", in.ShardIteratorType)
		}
	case "AT_TIMESTAMP":
		if in.Timestamp == nil {
			return nil, errInvalidArgument("Timestamp is required for ShardIteratorType AT_TIMESTAMP.")
		}
	case "TRIM_HORIZON", "LATEST":
	default:
		return nil, errValidation("Value '%s' at 'shardIteratorType' failed to satisfy constraint: Member must satisfy enum value set: [AT_SEQUENCE_NUMBER, AFTER_SEQUENCE_NUMBER, TRIM_HORIZON, LATEST, AT_TIMESTAMP]", in.ShardIteratorType)
	}
	s, aerr := e.lookup(in.streamRef, req.now)
	if aerr != nil {
		return nil, aerr
	}
	defer s.mu.Unlock()
	sh := s.shardByID(in.ShardId)
	if sh == nil {
		return nil, e.errShardNotFound(in.ShardId, s.name)
	}
	if !sh.iterCalls.has(1, req.now) {
		code, msg := e.errShardThrottled(sh.id, s.name)
		return nil, newAPIError(http.StatusBadRequest, code, "%s", msg)
	}
	sh.iterCalls.take(1)

	tok := iteratorToken{Stream: s.name, Shard: sh.id, Issued: req.now.UnixNano()}
	sh.expire(req.now.Add(-s.retention))
	live := sh.retained()
	switch in.ShardIteratorType {
	case "TRIM_HORIZON":
		tok.Next = sh.startingCounter + 1
		if len(live) > 0 {
			tok.Next = live[0].counter
		}
	case "LATEST":
		tok.Next = s.counter + 1
		if sh.closed {
			tok.Next = sh.endingCounter + 1
		}
	case "AT_SEQUENCE_NUMBER", "AFTER_SEQUENCE_NUMBER":
		idx, counter, ok := parseSeq(in.StartingSequenceNumber, s.epoch)
		if !ok || idx != sh.index {
			return nil, errInvalidArgument("Invalid StartingSequenceNumber. It encodes a different shard or stream than %s in stream %s, or is not a sequence number: %s",
				sh.id, s.name, in.StartingSequenceNumber)
		}
		tok.Next = counter
		if in.ShardIteratorType == "AFTER_SEQUENCE_NUMBER" {
			tok.Next++
		}
	case "AT_TIMESTAMP":
		ts := in.Timestamp.time()
		i := sort.Search(len(live), func(i int) bool { return !live[i].arrival.Before(ts) })
		tok.Next = s.counter + 1
		if i < len(live) {
			tok.Next = live[i].counter
		}
	}
	return struct {
		ShardIterator string `json:"ShardIterator"`
	}{encodeToken(tok)}, nil
}

type getRecordsInput struct {
	ShardIterator string
	Limit         *int
	StreamARN     string
}

type recordJSON struct {
	SequenceNumber              string       `json:"SequenceNumber"`
	ApproximateArrivalTimestamp epochSeconds `json:"ApproximateArrivalTimestamp"`
	Data                        []byte       `json:"Data"`
	PartitionKey                string       `json:"PartitionKey"`
	EncryptionType              string       `json:"EncryptionType,omitempty"`
}

type childShardJSON struct {
	ShardId      string           `json:"ShardId"`
	ParentShards []string         `json:"ParentShards"`
	HashKeyRange hashKeyRangeJSON `json:"HashKeyRange"`
}

type getRecordsOutput struct {
	Records            []recordJSON     `json:"Records"`
	NextShardIterator  string           `json:"NextShardIterator,omitempty"`
	MillisBehindLatest int64            `json:"MillisBehindLatest"`
	ChildShards        []childShardJSON `json:"ChildShards,omitempty"`
}

func (e *Emulator) opGetRecords(req request) (any, *apiError) {
	in, aerr := decodeInput[getRecordsInput](req.body)
	if aerr != nil {
		return nil, aerr
	}
	limit, aerr := pageLimit(in.Limit, "limit", 10000, 10000)
	if aerr != nil {
		return nil, aerr
	}
	tok, ok := decodeToken[iteratorToken](in.ShardIterator)
	if !ok || tok.Stream == "" {
		return nil, errInvalidArgument("Invalid ShardIterator.")
	}
	if issued := time.Unix(0, tok.Issued); req.now.Sub(issued) > iteratorLifetime {
		return nil, newAPIError(http.StatusBadRequest, "ExpiredIteratorException",
			"Iterator expired. The iterator was created at time %s while right now it is %s which is further in the future than the tolerated delay of %d milliseconds.",
			issued.UTC().Format(time.RFC1123), req.now.UTC().Format(time.RFC1123), iteratorLifetime.Milliseconds())
	}
	s, aerr := e.lookup(streamRef{StreamName: tok.Stream}, req.now)
	if aerr != nil {
		return nil, aerr
	}
	sh := s.shardByID(tok.Shard)
	if sh == nil {
		s.mu.Unlock()
		return nil, e.errShardNotFound(tok.Shard, s.name)
	}
	if !sh.readCalls.has(1, req.now) || !sh.readBytes.has(1, req.now) {
		sh.stats.ReadThrottles++
		name, id, enhanced := s.name, sh.id, s.enhanced["ReadProvisionedThroughputExceeded"]
		s.mu.Unlock()
		if enhanced {
			e.metrics.record(kinesisNamespace, "ReadProvisionedThroughputExceeded",
				[]Dimension{{"StreamName", name}, {"ShardId", id}}, "Count", req.now, 1)
		}
		code, msg := e.errShardThrottled(id, name)
		return nil, newAPIError(http.StatusBadRequest, code, "%s", msg)
	}
	sh.readCalls.take(1)

	sh.expire(req.now.Add(-s.retention))
	live := sh.retained()
	i := sort.Search(len(live), func(i int) bool { return live[i].counter >= tok.Next })
	out := getRecordsOutput{Records: []recordJSON{}}
	var bytes int64
	next := tok.Next
	for ; i < len(live) && len(out.Records) < limit; i++ {
		r := &live[i]
		size := int64(len(r.data) + len(r.key))
		if len(out.Records) > 0 && bytes+size > maxGetRecordsBytes {
			break
		}
		bytes += size
		out.Records = append(out.Records, recordJSON{
			SequenceNumber:              formatSeq(sh.prefix, r.counter),
			ApproximateArrivalTimestamp: toEpoch(r.arrival),
			Data:                        r.data,
			PartitionKey:                r.key,
			EncryptionType:              encryptionOfRecord(s),
		})
		next = r.counter + 1
	}
	sh.readBytes.overdraw(bytes)
	sh.stats.ReadRecords += int64(len(out.Records))
	sh.stats.ReadBytes += bytes
	var iteratorAge int64
	if n := len(out.Records); n > 0 {
		iteratorAge = req.now.Sub(live[i-1].arrival).Milliseconds()
	}
	if i < len(live) {
		out.MillisBehindLatest = req.now.Sub(live[i].arrival).Milliseconds()
	}
	if sh.closed && i >= len(live) {
		out.ChildShards = childShardsOf(s, sh)
	} else {
		tok.Next, tok.Issued = next, req.now.UnixNano()
		out.NextShardIterator = encodeToken(tok)
	}
	name, id, enhanced := s.name, sh.id, s.enhanced
	outgoing, outgoingRecs, ageOn := enhanced["OutgoingBytes"], enhanced["OutgoingRecords"], enhanced["IteratorAgeMilliseconds"]
	s.mu.Unlock()

	dims, m := []Dimension{{"StreamName", name}}, e.metrics
	m.record(kinesisNamespace, "GetRecords.Bytes", dims, "Bytes", req.now, float64(bytes))
	m.record(kinesisNamespace, "GetRecords.Records", dims, "Count", req.now, float64(len(out.Records)))
	m.record(kinesisNamespace, "GetRecords.Success", dims, "Count", req.now, 1)
	m.record(kinesisNamespace, "GetRecords.Latency", dims, "Milliseconds", req.now, latencyMillis(req))
	m.record(kinesisNamespace, "GetRecords.IteratorAgeMilliseconds", dims, "Milliseconds", req.now, float64(iteratorAge))
	sd := []Dimension{{"StreamName", name}, {"ShardId", id}}
	if outgoing {
		m.record(kinesisNamespace, "OutgoingBytes", sd, "Bytes", req.now, float64(bytes))
	}
	if outgoingRecs {
		m.record(kinesisNamespace, "OutgoingRecords", sd, "Count", req.now, float64(len(out.Records)))
	}
	if ageOn {
		m.record(kinesisNamespace, "IteratorAgeMilliseconds", sd, "Milliseconds", req.now, float64(iteratorAge))
	}
	return out, nil
}

// encryptionOfRecord reports the encryption a record was stored with; the emulator keeps the
// stream's current setting.
func encryptionOfRecord(s *stream) string {
	if s.encryption == "KMS" {
		return "KMS"
	}
	return ""
}

func childShardsOf(s *stream, parent *shard) []childShardJSON {
	out := []childShardJSON{}
	for _, c := range s.shards {
		if c.parentID != parent.id && c.adjacentParentID != parent.id {
			continue
		}
		parents := []string{c.parentID}
		if c.adjacentParentID != "" {
			parents = append(parents, c.adjacentParentID)
		}
		out = append(out, childShardJSON{ShardId: c.id, ParentShards: parents, HashKeyRange: hashKeyRangeJSON{c.start.String(), c.end.String()}})
	}
	return out
}
