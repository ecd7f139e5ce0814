package emulator

import (
	"net/http"
	"slices"
	"strings"
	"unicode/utf8"
)

// Tags on streams, through both of AWS's APIs for them: the stream ones (AddTagsToStream,
// ListTagsForStream, RemoveTagsFromStream) and the resource ones (TagResource, UntagResource,
// ListTagsForResource, by ARN). Limits as the API reference gives them: 50 tags per stream,
// keys of 1..128 characters, values of 0..256, at most 10 tags added or removed per
// stream-API call.
const (
	maxTagsPerStream = 50
	maxTagKeyLen     = 128
	maxTagValueLen   = 256
	maxTagsPerCall   = 10
)

type tagJSON struct {
	Key   string `json:"Key"`
	Value string `json:"Value,omitempty"`
}

// checkTags validates tags to add (a map, as every API that adds tags takes them) under the
// member name field.
func checkTags(tags map[string]string, field string) *apiError {
	var v validation
	for k, val := range tags {
		if n := utf8.RuneCountInString(k); n < 1 || n > maxTagKeyLen {
			v.add("Value '%s' at '%s' failed to satisfy constraint: Map keys must have length between 1 and %d", k, field, maxTagKeyLen)
		}
		if utf8.RuneCountInString(val) > maxTagValueLen {
			v.add("Value '%s' at '%s.%s' failed to satisfy constraint: Member must have length less than or equal to %d", val, field, k, maxTagValueLen)
		}
	}
	return v.err()
}

// addTags merges tags into the stream's, refusing a result over the per-stream limit.
func (e *Emulator) addTags(s *stream, tags map[string]string) *apiError {
	n := len(s.tags)
	for k := range tags {
		if _, ok := s.tags[k]; !ok {
			n++
		}
	}
	if n > maxTagsPerStream {
		return newAPIError(http.StatusBadRequest, "LimitExceededException",
			"Failed to add tags to stream %s under account %s because a given stream can have at most %d tags (it would have %d).",
			s.name, e.cfg.AccountID, maxTagsPerStream, n)
	}
	if s.tags == nil {
		s.tags = map[string]string{}
	}
	for k, v := range tags {
		s.tags[k] = v
	}
	return nil
}

// sortedTags lists the stream's tags by key, from after exclusiveStart.
func (s *stream) sortedTags(exclusiveStart string) []tagJSON {
	keys := make([]string, 0, len(s.tags))
	for k := range s.tags {
		if exclusiveStart == "" || k > exclusiveStart {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	out := make([]tagJSON, len(keys))
	for i, k := range keys {
		out[i] = tagJSON{Key: k, Value: s.tags[k]}
	}
	return out
}

type addTagsInput struct {
	streamRef
	Tags map[string]string
}

func (e *Emulator) opAddTagsToStream(req request) (any, *apiError) {
	in, aerr := decodeInput[addTagsInput](req.body)
	if aerr != nil {
		return nil, aerr
	}
	if len(in.Tags) < 1 || len(in.Tags) > maxTagsPerCall {
		return nil, errValidation("Value at 'tags' failed to satisfy constraint: Member must have length between 1 and %d", maxTagsPerCall)
	}
	if aerr := checkTags(in.Tags, "tags"); aerr != nil {
		return nil, aerr
	}
	s, aerr := e.lookup(in.streamRef, req.now)
	if aerr != nil {
		return nil, aerr
	}
	defer s.mu.Unlock()
	return struct{}{}, e.addTags(s, in.Tags)
}

type listTagsForStreamInput struct {
	streamRef
	ExclusiveStartTagKey string
	Limit                *int
}

func (e *Emulator) opListTagsForStream(req request) (any, *apiError) {
	in, aerr := decodeInput[listTagsForStreamInput](req.body)
	if aerr != nil {
		return nil, aerr
	}
	limit := maxTagsPerCall
	if in.Limit != nil {
		if *in.Limit < 1 || *in.Limit > maxTagsPerStream {
			return nil, errValidation("Value '%d' at 'limit' failed to satisfy constraint: Member must have value between 1 and %d", *in.Limit, maxTagsPerStream)
		}
		limit = *in.Limit
	}
	s, aerr := e.lookup(in.streamRef, req.now)
	if aerr != nil {
		return nil, aerr
	}
	defer s.mu.Unlock()
	tags := s.sortedTags(in.ExclusiveStartTagKey)
	more := len(tags) > limit
	if more {
		tags = tags[:limit]
	}
	return struct {
		Tags        []tagJSON `json:"Tags"`
		HasMoreTags bool      `json:"HasMoreTags"`
	}{tags, more}, nil
}

type removeTagsInput struct {
	streamRef
	TagKeys []string
}

func (e *Emulator) opRemoveTagsFromStream(req request) (any, *apiError) {
	in, aerr := decodeInput[removeTagsInput](req.body)
	if aerr != nil {
		return nil, aerr
	}
	if len(in.TagKeys) < 1 || len(in.TagKeys) > maxTagsPerCall {
		return nil, errValidation("Value at 'tagKeys' failed to satisfy constraint: Member must have length between 1 and %d", maxTagsPerCall)
	}
	s, aerr := e.lookup(in.streamRef, req.now)
	if aerr != nil {
		return nil, aerr
	}
	defer s.mu.Unlock()
	for _, k := range in.TagKeys {
		delete(s.tags, k)
	}
	return struct{}{}, nil
}

// streamOfResource resolves a ResourceARN (the resource tagging APIs) to its stream, locked.
// Consumers (enhanced fan-out) are out of the emulator's scope, so only stream ARNs resolve.
func (e *Emulator) streamOfResource(arn string, req request) (*stream, *apiError) {
	if arn == "" {
		return nil, errValidation("Value null at 'resourceARN' failed to satisfy constraint: Member must not be null")
	}
	if strings.Contains(arn, "/consumer/") {
		return nil, newAPIError(http.StatusBadRequest, "ResourceNotFoundException",
			"Resource %s not found: the emulator has no stream consumers (enhanced fan-out).", arn)
	}
	return e.lookup(streamRef{StreamARN: arn}, req.now)
}

type tagResourceInput struct {
	ResourceARN string
	Tags        map[string]string
}

func (e *Emulator) opTagResource(req request) (any, *apiError) {
	in, aerr := decodeInput[tagResourceInput](req.body)
	if aerr != nil {
		return nil, aerr
	}
	if len(in.Tags) > maxTagsPerStream {
		return nil, errValidation("Value at 'tags' failed to satisfy constraint: Member must have length less than or equal to %d", maxTagsPerStream)
	}
	if aerr := checkTags(in.Tags, "tags"); aerr != nil {
		return nil, aerr
	}
	s, aerr := e.streamOfResource(in.ResourceARN, req)
	if aerr != nil {
		return nil, aerr
	}
	defer s.mu.Unlock()
	return struct{}{}, e.addTags(s, in.Tags)
}

type untagResourceInput struct {
	ResourceARN string
	TagKeys     []string
}

func (e *Emulator) opUntagResource(req request) (any, *apiError) {
	in, aerr := decodeInput[untagResourceInput](req.body)
	if aerr != nil {
		return nil, aerr
	}
	s, aerr := e.streamOfResource(in.ResourceARN, req)
	if aerr != nil {
		return nil, aerr
	}
	defer s.mu.Unlock()
	for _, k := range in.TagKeys {
		delete(s.tags, k)
	}
	return struct{}{}, nil
}

func (e *Emulator) opListTagsForResource(req request) (any, *apiError) {
	in, aerr := decodeInput[struct{ ResourceARN string }](req.body)
	if aerr != nil {
		return nil, aerr
	}
	s, aerr := e.streamOfResource(in.ResourceARN, req)
	if aerr != nil {
		return nil, aerr
	}
	defer s.mu.Unlock()
	return struct {
		Tags []tagJSON `json:"Tags"`
	}{s.sortedTags("")}, nil
}
