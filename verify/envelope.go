package verify

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
)

// EnvelopeLen is the size of the envelope in front of every verified record's payload.
const EnvelopeLen = len(envelopeMagic) + 1 + RunIDLen + 1 + seqDigits + 1

// RunIDLen is the length of a run id: 8 lowercase hex digits.
const RunIDLen = 8

// MaxSeq is the largest sequence number the envelope carries (12 decimal digits).
const MaxSeq = 999_999_999_999

const (
	envelopeMagic = "ssv1"
	seqDigits     = 12
)

// NewRunID returns a random run id (RunIDLen lowercase hex digits).
func NewRunID() string {
	var b [RunIDLen / 2]byte
	rand.Read(b[:]) // never fails (crypto/rand panics rather than return an error)
	return hex.EncodeToString(b[:])
}

// ValidRunID reports whether id is a run id: RunIDLen lowercase hex digits.
func ValidRunID(id string) bool {
	if len(id) != RunIDLen {
		return false
	}
	for i := 0; i < len(id); i++ {
		if !isLowerHex(id[i]) {
			return false
		}
	}
	return true
}

func isLowerHex(c byte) bool { return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' }

// Stamp returns a new buffer holding the envelope of (runID, seq) followed by payload. runID
// must be valid (ValidRunID) and seq at most MaxSeq.
func Stamp(runID string, seq uint64, payload []byte) ([]byte, error) {
	if !ValidRunID(runID) {
		return nil, fmt.Errorf("verify: run id %q: want %d lowercase hex digits", runID, RunIDLen)
	}
	if seq > MaxSeq {
		return nil, fmt.Errorf("verify: sequence number %d beyond the envelope's %d", seq, uint64(MaxSeq))
	}
	out := make([]byte, EnvelopeLen, EnvelopeLen+len(payload))
	copy(out, envelopeMagic)
	out[4] = ' '
	copy(out[5:], runID)
	out[5+RunIDLen] = ' '
	for i, v := EnvelopeLen-2, seq; i >= EnvelopeLen-1-seqDigits; i-- {
		out[i] = byte('0' + v%10)
		v /= 10
	}
	out[EnvelopeLen-1] = '\n'
	return append(out, payload...), nil
}

// Decode reads the envelope at the start of data: the run id, the sequence number and the
// payload after it (aliasing data). ok is false when data does not start with a well-formed
// envelope.
func Decode(data []byte) (runID string, seq uint64, payload []byte, ok bool) {
	if len(data) < EnvelopeLen || string(data[:4]) != envelopeMagic || data[4] != ' ' ||
		data[5+RunIDLen] != ' ' || data[EnvelopeLen-1] != '\n' {
		return "", 0, nil, false
	}
	id := data[5 : 5+RunIDLen]
	for _, c := range id {
		if !isLowerHex(c) {
			return "", 0, nil, false
		}
	}
	for _, c := range data[EnvelopeLen-1-seqDigits : EnvelopeLen-1] {
		if c < '0' || c > '9' {
			return "", 0, nil, false
		}
		seq = seq*10 + uint64(c-'0')
	}
	return string(id), seq, data[EnvelopeLen:], true
}

// decodeOf is Decode for the reader: whether data carries runID's envelope, and its sequence
// number. It allocates nothing.
func decodeOf(data []byte, runID string) (seq uint64, ok bool) {
	if len(data) < EnvelopeLen || string(data[5:5+RunIDLen]) != runID {
		return 0, false
	}
	_, seq, _, ok = Decode(data)
	return seq, ok
}
