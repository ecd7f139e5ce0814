package emulator

import (
	"fmt"
	"net/http"
	"slices"
	"sort"
	"strings"
	"time"

	"math/rand/v2"

	"github.com/shardstorm/shardstorm/internal/hashkey"
)

// CreateStream creates a stream from the Go API, ACTIVE at once (the setup of a test or a run;
// the API's CreateStream is CREATING for Config.CreateDelay).
func (e *Emulator) CreateStream(spec StreamSpec) error {
	var mode *streamModeJSON
	if spec.OnDemand {
		mode = &streamModeJSON{StreamMode: "ON_DEMAND"}
	}
	shards := spec.Shards
	var maxKiB *int
	if spec.MaxRecordSizeKiB != 0 {
		maxKiB = &spec.MaxRecordSizeKiB
	}
	if aerr := e.createStream(createStreamInput{StreamName: spec.Name, ShardCount: &shards, StreamModeDetails: mode, MaxRecordSizeInKiB: maxKiB}, e.clock.Now(), 0); aerr != nil {
		return aerr
	}
	return nil
}

type createStreamInput struct {
	StreamName         string
	ShardCount         *int
	StreamModeDetails  *streamModeJSON
	MaxRecordSizeInKiB *int
	Tags               map[string]string
}

func (e *Emulator) opCreateStream(req request) (any, *apiError) {
	body, now := req.body, req.now
	in, aerr := decodeInput[createStreamInput](body)
	if aerr != nil {
		return nil, aerr
	}
	if aerr := e.accountRate("CreateStream", now); aerr != nil {
		return nil, aerr
	}
	return struct{}{}, e.createStream(in, now, e.cfg.CreateDelay)
}

// createStream makes a stream that stays CREATING for delay.
func (e *Emulator) createStream(in createStreamInput, now time.Time, delay time.Duration) *apiError {
	if !streamNameOK(in.StreamName) {
		return errValidation("Value '%s' at 'streamName' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+ and have length between 1 and 128", in.StreamName)
	}
	onDemand := in.StreamModeDetails != nil && in.StreamModeDetails.StreamMode == "ON_DEMAND"
	if in.StreamModeDetails != nil && !onDemand && in.StreamModeDetails.StreamMode != "PROVISIONED" {
		return errValidation("Value '%s' at 'streamModeDetails.streamMode' failed to satisfy constraint: Member must satisfy enum value set: [PROVISIONED, ON_DEMAND]", in.StreamModeDetails.StreamMode)
	}
	n := onDemandInitialShards // an on-demand stream starts with 4 shards, as on AWS (ondemand.go)
	if !onDemand {
		if in.ShardCount == nil {
			return errInvalidArgument("ShardCount is required for a PROVISIONED stream.")
		}
		n = *in.ShardCount
		if n < 1 {
			return errValidation("Value '%d' at 'shardCount' failed to satisfy constraint: Member must have value greater than or equal to 1", n)
		}
	}
	maxKiB := 1024
	if in.MaxRecordSizeInKiB != nil {
		maxKiB = *in.MaxRecordSizeInKiB
		if maxKiB < 1024 || maxKiB > 10240 {
			return errValidation("Value '%d' at 'maxRecordSizeInKiB' failed to satisfy constraint: Member must have value between 1024 and 10240", maxKiB)
		}
	}

	e.mu.Lock()
	defer e.mu.Unlock()
	open, creating, onDemandCount := e.accountCountsLocked(now) // drops streams whose deletion ended
	if _, exists := e.streams[in.StreamName]; exists {
		return e.errStreamInUse(in.StreamName)
	}
	if open+n > e.cfg.Limits.ShardLimit {
		return e.errShardLimit(open, n)
	}
	if delay > 0 && creating >= e.cfg.Limits.ControlPlane.MaxCreatingStreams {
		return newAPIError(http.StatusBadRequest, "LimitExceededException",
			"Too many streams in CREATING state for account %s: at most %d at once.", e.cfg.AccountID, e.cfg.Limits.ControlPlane.MaxCreatingStreams)
	}
	if onDemand && onDemandCount >= e.cfg.Limits.OnDemandStreamLimit {
		return newAPIError(http.StatusBadRequest, "LimitExceededException",
			"This request would exceed the on-demand stream limit of %d for account %s.", e.cfg.Limits.OnDemandStreamLimit, e.cfg.AccountID)
	}

	s := &stream{
		name:         in.StreamName,
		arn:          fmt.Sprintf("arn:aws:kinesis:%s:%s:stream/%s", e.cfg.Region, e.cfg.AccountID, in.StreamName),
		epoch:        now.Unix(),
		createdAt:    now,
		status:       statusActive,
		onDemand:     onDemand,
		maxRecordKiB: maxKiB,
		encryption:   "NONE",
		retention:    defaultRetention,
		enhanced:     map[string]bool{},
		listShards:   newTokenBucket(int64(e.cfg.Limits.ControlPlane.ListShards), int64(e.cfg.Limits.ControlPlane.ListShards), now),
		rng:          rand.New(rand.NewPCG(streamSeed(e.cfg.Seed, in.StreamName), 1)),
	}
	if delay > 0 {
		s.status, s.readyAt = statusCreating, now.Add(delay)
	}
	if onDemand {
		s.od = e.newOnDemandState()
	}
	if len(in.Tags) > 0 {
		if aerr := checkTags(in.Tags, "tags"); aerr != nil {
			return aerr
		}
		if aerr := e.addTags(s, in.Tags); aerr != nil {
			return aerr
		}
	}
	for _, r := range hashkey.Whole.Even(n) {
		s.addShard(e, r.Start, r.End, "", "", now)
	}
	s.reindexOpen()
	e.streams[s.name] = s
	return nil
}

// accountCountsLocked counts open shards, CREATING streams and on-demand streams. Caller holds e.mu.
func (e *Emulator) accountCountsLocked(now time.Time) (openShards, creating, onDemand int) {
	for name, s := range e.streams {
		s.mu.Lock()
		s.advance(now)
		if s.deleted { // its DELETING ended: gone, its shards no longer count
			s.mu.Unlock()
			delete(e.streams, name)
			continue
		}
		openShards += len(s.open)
		if s.status == statusCreating {
			creating++
		}
		if s.onDemand {
			onDemand++
		}
		s.mu.Unlock()
	}
	return
}

// errShardLimit is AWS's answer to a request that would take the account over its shard quota:
// the wording is what AWS answers CreateStream and UpdateShardCount with, as kinesalite (whose
// messages are AWS's, captured from the service) reproduces it, e.g. "This request would exceed
// the shard limit for the account 000000000000 in us-east-1. Current shard count for the account:
// 4. Limit: 3. Number of additional shards that would have resulted from this request: 1."
// (github.com/mhart/kinesalite issue 72). current counts the account's open shards before the
// request; more is what the request would add.
func (e *Emulator) errShardLimit(current, more int) *apiError {
	return newAPIError(http.StatusBadRequest, "LimitExceededException",
		"This request would exceed the shard limit for the account %s in %s. Current shard count for the account: %d. Limit: %d. Number of additional shards that would have resulted from this request: %d.",
		e.cfg.AccountID, e.cfg.Region, current, e.cfg.Limits.ShardLimit, more)
}

// accountRate applies the account-level per-second limit of op.
func (e *Emulator) accountRate(op string, now time.Time) *apiError {
	e.mu.Lock()
	ok := e.account.allow(op, now)
	e.mu.Unlock()
	if !ok {
		e.countLimitExceeded(op)
		return newAPIError(http.StatusBadRequest, "LimitExceededException",
			"Rate exceeded for %s under account %s.", op, e.cfg.AccountID)
	}
	return nil
}

// lookup resolves StreamName or StreamARN to a stream and brings its state up to now. The
// stream comes back locked; the caller unlocks it.
func (e *Emulator) lookup(ref streamRef, now time.Time) (*stream, *apiError) {
	name := ref.StreamName
	if ref.StreamARN != "" {
		prefix := fmt.Sprintf("arn:aws:kinesis:%s:%s:stream/", e.cfg.Region, e.cfg.AccountID)
		fromARN, ok := strings.CutPrefix(ref.StreamARN, prefix)
		if !ok {
			if !strings.HasPrefix(ref.StreamARN, "arn:aws") || !strings.Contains(ref.StreamARN, ":stream/") {
				return nil, errValidation("Value '%s' at 'streamARN' failed to satisfy constraint: Member must satisfy regular expression pattern: arn:aws.*:kinesis:.*:\\d{12}:stream/\\S+", ref.StreamARN)
			}
			return nil, newAPIError(http.StatusBadRequest, "ResourceNotFoundException", "Stream %s not found.", ref.StreamARN)
		}
		if name != "" && name != fromARN {
			return nil, errInvalidArgument("StreamName %s does not match the stream in StreamARN %s.", name, ref.StreamARN)
		}
		name = fromARN
	}
	if name == "" {
		return nil, errInvalidArgument("Either StreamName or StreamARN should be provided.")
	}
	e.mu.Lock()
	s := e.streams[name]
	e.mu.Unlock()
	if s == nil {
		return nil, e.errStreamNotFound(name)
	}
	s.mu.Lock()
	s.advance(now)
	if s.deleted {
		s.mu.Unlock()
		e.forget(s)
		return nil, e.errStreamNotFound(name)
	}
	return s, nil
}

// forget drops a deleted stream from the account (its name is free again).
func (e *Emulator) forget(s *stream) {
	e.mu.Lock()
	if e.streams[s.name] == s {
		delete(e.streams, s.name)
	}
	e.mu.Unlock()
}

type deleteStreamInput struct {
	streamRef
	EnforceConsumerDeletion bool
}

func (e *Emulator) opDeleteStream(req request) (any, *apiError) {
	body, now := req.body, req.now
	in, aerr := decodeInput[deleteStreamInput](body)
	if aerr != nil {
		return nil, aerr
	}
	if aerr := e.accountRate("DeleteStream", now); aerr != nil {
		return nil, aerr
	}
	s, aerr := e.lookup(in.streamRef, now)
	if aerr != nil {
		return nil, aerr
	}
	if s.status == statusDeleting {
		s.mu.Unlock()
		return nil, newAPIError(http.StatusBadRequest, "ResourceInUseException", "Stream %s under account %s is being deleted.", s.name, e.cfg.AccountID)
	}
	if e.cfg.DeleteDelay > 0 {
		// DELETING: described and listed, reads and writes still served, the name still taken.
		s.status, s.readyAt, s.pending = statusDeleting, now.Add(e.cfg.DeleteDelay), nil
		s.mu.Unlock()
		return struct{}{}, nil
	}
	s.deleted = true
	s.mu.Unlock()
	e.forget(s)
	return struct{}{}, nil
}

type describeStreamInput struct {
	streamRef
	Limit                 *int
	ExclusiveStartShardId string
}

// streamHeaderJSON are the fields every description of a stream starts with.
type streamHeaderJSON struct {
	StreamName              string         `json:"StreamName"`
	StreamARN               string         `json:"StreamARN"`
	StreamStatus            string         `json:"StreamStatus"`
	StreamModeDetails       streamModeJSON `json:"StreamModeDetails"`
	StreamCreationTimestamp epochSeconds   `json:"StreamCreationTimestamp"`
}

// streamSettingsJSON are the settings DescribeStream and DescribeStreamSummary both report.
type streamSettingsJSON struct {
	RetentionPeriodHours int                   `json:"RetentionPeriodHours"`
	EnhancedMonitoring   []enhancedMetricsJSON `json:"EnhancedMonitoring"`
	EncryptionType       string                `json:"EncryptionType"`
	KeyId                string                `json:"KeyId,omitempty"`
}

func (s *stream) header() streamHeaderJSON {
	return streamHeaderJSON{StreamName: s.name, StreamARN: s.arn, StreamStatus: s.status,
		StreamModeDetails: s.modeJSON(), StreamCreationTimestamp: toEpoch(s.createdAt)}
}

func (s *stream) settings() streamSettingsJSON {
	return streamSettingsJSON{RetentionPeriodHours: int(s.retention / time.Hour), EnhancedMonitoring: s.enhancedJSON(), EncryptionType: s.encryption, KeyId: s.keyID}
}

type streamDescriptionJSON struct {
	streamHeaderJSON
	streamSettingsJSON
	Shards        []shardJSON `json:"Shards"`
	HasMoreShards bool        `json:"HasMoreShards"`
}

func (e *Emulator) opDescribeStream(req request) (any, *apiError) {
	body, now := req.body, req.now
	in, aerr := decodeInput[describeStreamInput](body)
	if aerr != nil {
		return nil, aerr
	}
	if aerr := e.accountRate("DescribeStream", now); aerr != nil {
		return nil, aerr
	}
	limit, aerr := pageLimit(in.Limit, "limit", 100, 10000)
	if aerr != nil {
		return nil, aerr
	}
	s, aerr := e.lookup(in.streamRef, now)
	if aerr != nil {
		return nil, aerr
	}
	defer s.mu.Unlock()
	out := streamDescriptionJSON{streamHeaderJSON: s.header(), streamSettingsJSON: s.settings(), Shards: []shardJSON{}}
	for _, sh := range s.shardsAfter(in.ExclusiveStartShardId) { // by index, as AWS lists them (none while DELETING)
		if s.status == statusDeleting {
			break
		}
		if len(out.Shards) == limit {
			out.HasMoreShards = true
			break
		}
		out.Shards = append(out.Shards, sh.json(s))
	}
	return struct {
		StreamDescription streamDescriptionJSON
	}{out}, nil
}

func (s *stream) modeJSON() streamModeJSON {
	if s.onDemand {
		return streamModeJSON{"ON_DEMAND"}
	}
	return streamModeJSON{"PROVISIONED"}
}

func (s *stream) enhancedJSON() []enhancedMetricsJSON {
	names := []string{}
	for m, on := range s.enhanced {
		if on {
			names = append(names, m)
		}
	}
	sort.Strings(names)
	return []enhancedMetricsJSON{{ShardLevelMetrics: names}}
}

type streamSummaryJSON struct {
	streamHeaderJSON
	streamSettingsJSON
	OpenShardCount     int `json:"OpenShardCount"`
	ConsumerCount      int `json:"ConsumerCount"`
	MaxRecordSizeInKiB int `json:"MaxRecordSizeInKiB"`
}

func (e *Emulator) opDescribeStreamSummary(req request) (any, *apiError) {
	body, now := req.body, req.now
	in, aerr := decodeInput[streamRef](body)
	if aerr != nil {
		return nil, aerr
	}
	if aerr := e.accountRate("DescribeStreamSummary", now); aerr != nil {
		return nil, aerr
	}
	s, aerr := e.lookup(in, now)
	if aerr != nil {
		return nil, aerr
	}
	defer s.mu.Unlock()
	return struct {
		StreamDescriptionSummary streamSummaryJSON
	}{streamSummaryJSON{streamHeaderJSON: s.header(), streamSettingsJSON: s.settings(),
		OpenShardCount: len(s.open), MaxRecordSizeInKiB: s.maxRecordKiB}}, nil
}

type listStreamsInput struct {
	Limit                    *int
	ExclusiveStartStreamName string
	NextToken                string
}

func (e *Emulator) opListStreams(req request) (any, *apiError) {
	body, now := req.body, req.now
	in, aerr := decodeInput[listStreamsInput](body)
	if aerr != nil {
		return nil, aerr
	}
	if aerr := e.accountRate("ListStreams", now); aerr != nil {
		return nil, aerr
	}
	limit, aerr := pageLimit(in.Limit, "limit", 100, 10000)
	if aerr != nil {
		return nil, aerr
	}
	after := in.ExclusiveStartStreamName
	if in.NextToken != "" {
		tok, ok := decodeToken[listStreamsToken](in.NextToken)
		if !ok {
			return nil, errInvalidArgument("Invalid NextToken.")
		}
		after = tok.After
	}
	e.mu.Lock()
	streams := make([]*stream, 0, len(e.streams))
	for _, s := range e.streams {
		streams = append(streams, s)
	}
	e.mu.Unlock()
	slices.SortFunc(streams, func(a, b *stream) int { return strings.Compare(a.name, b.name) })

	out := struct {
		StreamNames     []string           `json:"StreamNames"`
		StreamSummaries []streamHeaderJSON `json:"StreamSummaries"`
		HasMoreStreams  bool               `json:"HasMoreStreams"`
		NextToken       string             `json:"NextToken,omitempty"`
	}{StreamNames: []string{}, StreamSummaries: []streamHeaderJSON{}}
	for _, s := range streams {
		if s.name <= after {
			continue
		}
		if len(out.StreamNames) == limit {
			out.HasMoreStreams = true
			out.NextToken = encodeToken(listStreamsToken{After: out.StreamNames[len(out.StreamNames)-1]})
			break
		}
		s.mu.Lock()
		s.advance(now)
		if s.deleted {
			s.mu.Unlock()
			e.forget(s)
			continue
		}
		out.StreamNames = append(out.StreamNames, s.name)
		out.StreamSummaries = append(out.StreamSummaries, s.header())
		s.mu.Unlock()
	}
	return out, nil
}

type listStreamsToken struct{ After string }

func (e *Emulator) opDescribeLimits(req request) (any, *apiError) {
	now := req.now
	e.mu.Lock()
	open, _, onDemand := e.accountCountsLocked(now)
	e.mu.Unlock()
	return struct {
		ShardLimit               int
		OpenShardCount           int
		OnDemandStreamCount      int
		OnDemandStreamCountLimit int
	}{e.cfg.Limits.ShardLimit, open, onDemand, e.cfg.Limits.OnDemandStreamLimit}, nil
}
