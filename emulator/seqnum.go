package emulator

import (
	"fmt"
	"strconv"
)

// Sequence numbers are 56-digit decimals, as AWS's are. Ours read
//
//	"49" + 10-digit stream epoch seconds + 10-digit shard index + 34-digit stream-wide counter
//
// so they increase within a shard, children's numbers exceed their parents' (higher index), and a
// number names the shard it came from, which GetShardIterator checks.
const (
	seqLen       = 56
	seqPrefixLen = 22
)

func seqPrefix(streamEpoch int64, shardIndex int) string {
	return fmt.Sprintf("49%010d%010d", streamEpoch%1e10, shardIndex)
}

// formatSeq appends the counter, zero-padded, to a shard's prefix. It runs once per accepted
// record, so it avoids fmt.
func formatSeq(prefix string, counter uint64) string {
	var buf [seqLen]byte
	copy(buf[:], prefix)
	for i := seqPrefixLen; i < seqLen; i++ {
		buf[i] = '0'
	}
	digits := strconv.AppendUint(make([]byte, 0, 20), counter, 10)
	copy(buf[seqLen-len(digits):], digits)
	return string(buf[:])
}

// parseSeq splits a sequence number; ok is false when it is not one of ours for this stream.
func parseSeq(s string, streamEpoch int64) (shardIndex int, counter uint64, ok bool) {
	if len(s) != seqLen || s[:2] != "49" {
		return 0, 0, false
	}
	epoch, err1 := strconv.ParseInt(s[2:12], 10, 64)
	idx, err2 := strconv.ParseInt(s[12:22], 10, 64)
	high := s[seqPrefixLen : seqLen-20] // the counter is a uint64: its leading 14 digits are zeros
	cnt, err3 := strconv.ParseUint(s[seqLen-20:], 10, 64)
	if err1 != nil || err2 != nil || err3 != nil || epoch != streamEpoch%1e10 || high != "00000000000000" {
		return 0, 0, false
	}
	return int(idx), cnt, true
}
