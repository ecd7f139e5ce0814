package emulator

import (
	"slices"
	"sort"
	"strconv"
)

type enhancedMonitoringInput struct {
	streamRef
	ShardLevelMetrics []string
}

type enhancedMonitoringOutput struct {
	StreamName               string   `json:"StreamName"`
	StreamARN                string   `json:"StreamARN"`
	CurrentShardLevelMetrics []string `json:"CurrentShardLevelMetrics"`
	DesiredShardLevelMetrics []string `json:"DesiredShardLevelMetrics"`
}

func (e *Emulator) opEnableEnhancedMonitoring(req request) (any, *apiError) {
	return e.setEnhancedMonitoring(req, true)
}

func (e *Emulator) opDisableEnhancedMonitoring(req request) (any, *apiError) {
	return e.setEnhancedMonitoring(req, false)
}

func (e *Emulator) setEnhancedMonitoring(req request, on bool) (any, *apiError) {
	in, aerr := decodeInput[enhancedMonitoringInput](req.body)
	if aerr != nil {
		return nil, aerr
	}
	var v validation
	if len(in.ShardLevelMetrics) == 0 {
		v.add("Value '[]' at 'shardLevelMetrics' failed to satisfy constraint: Member must have length greater than or equal to 1")
	}
	var names []string
	for i, m := range in.ShardLevelMetrics {
		switch {
		case m == "ALL":
			names = append(names, shardLevelMetrics...)
		case slices.Contains(shardLevelMetrics, m):
			names = append(names, m)
		default:
			v.add("Value '%s' at 'shardLevelMetrics.%d.member' failed to satisfy constraint: Member must satisfy enum value set: [IncomingBytes, IncomingRecords, OutgoingBytes, OutgoingRecords, WriteProvisionedThroughputExceeded, ReadProvisionedThroughputExceeded, IteratorAgeMilliseconds, ALL]", m, i+1)
		}
	}
	if aerr := v.err(); aerr != nil {
		return nil, aerr
	}
	s, aerr := e.lookup(in.streamRef, req.now)
	if aerr != nil {
		return nil, aerr
	}
	defer s.mu.Unlock()
	out := enhancedMonitoringOutput{StreamName: s.name, StreamARN: s.arn, CurrentShardLevelMetrics: s.enhancedJSON()[0].ShardLevelMetrics}
	for _, n := range names {
		if on {
			s.enhanced[n] = true
		} else {
			delete(s.enhanced, n)
		}
	}
	out.DesiredShardLevelMetrics = s.enhancedJSON()[0].ShardLevelMetrics
	sort.Strings(out.DesiredShardLevelMetrics)
	return out, nil
}

type streamEncryptionInput struct {
	streamRef
	EncryptionType string
	KeyId          string
}

func (e *Emulator) opStartStreamEncryption(req request) (any, *apiError) {
	return e.setEncryption(req, true)
}

func (e *Emulator) opStopStreamEncryption(req request) (any, *apiError) {
	return e.setEncryption(req, false)
}

func (e *Emulator) setEncryption(req request, on bool) (any, *apiError) {
	in, aerr := decodeInput[streamEncryptionInput](req.body)
	if aerr != nil {
		return nil, aerr
	}
	var v validation
	if in.EncryptionType != "KMS" {
		v.add("Value '%s' at 'encryptionType' failed to satisfy constraint: Member must satisfy enum value set: [NONE, KMS]", in.EncryptionType)
	}
	if len(in.KeyId) < 1 || len(in.KeyId) > 2048 {
		v.add("Value '%s' at 'keyId' failed to satisfy constraint: Member must have length between 1 and 2048", in.KeyId)
	}
	if aerr := v.err(); aerr != nil {
		return nil, aerr
	}
	s, aerr := e.lookup(in.streamRef, req.now)
	if aerr != nil {
		return nil, aerr
	}
	defer s.mu.Unlock()
	if s.status != statusActive {
		return nil, e.errNotActive(s)
	}
	if on {
		s.encryption, s.keyID = "KMS", in.KeyId
	} else {
		s.encryption, s.keyID = "NONE", ""
	}
	return struct{}{}, nil
}

type updateMaxRecordSizeInput struct {
	StreamARN          string
	MaxRecordSizeInKiB *int
}

func (e *Emulator) opUpdateMaxRecordSize(req request) (any, *apiError) {
	in, aerr := decodeInput[updateMaxRecordSizeInput](req.body)
	if aerr != nil {
		return nil, aerr
	}
	if in.MaxRecordSizeInKiB == nil || *in.MaxRecordSizeInKiB < 1024 || *in.MaxRecordSizeInKiB > 10240 {
		val := "null"
		if in.MaxRecordSizeInKiB != nil {
			val = "'" + strconv.Itoa(*in.MaxRecordSizeInKiB) + "'"
		}
		return nil, errValidation("Value %s at 'maxRecordSizeInKiB' failed to satisfy constraint: Member must have value between 1024 and 10240", val)
	}
	if in.StreamARN == "" {
		return nil, errValidation("Value null at 'streamARN' failed to satisfy constraint: Member must not be null")
	}
	s, aerr := e.lookup(streamRef{StreamARN: in.StreamARN}, req.now)
	if aerr != nil {
		return nil, aerr
	}
	defer s.mu.Unlock()
	if s.status != statusActive {
		return nil, e.errNotActive(s)
	}
	s.maxRecordKiB = *in.MaxRecordSizeInKiB
	if e.cfg.Limits.ShardBytesBurst == 0 { // the burst follows the record size
		burst := max(int64(mib), s.maxRecordBytes())
		for _, sh := range s.open {
			sh.writeBytes.setLimits(burst, e.cfg.Limits.ShardBytesPerSec, req.now)
		}
	}
	return struct{}{}, nil
}
