package workload

import (
	"bytes"
	"fmt"
	"os"
	"time"
)

// maxPayloadFile bounds the file kept in memory.
const maxPayloadFile = 1 << 30

// filePayload replays a file's non-empty lines in order, cycling, so recorded production data
// can be pushed at any rate.
type filePayload struct {
	lines [][]byte
	n     int
}

func newFilePayload(path string, maxRecordBytes int) (*filePayload, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("payload file: %w", err)
	}
	if st.Size() > maxPayloadFile {
		return nil, fmt.Errorf("payload file %s: %d bytes, over the %d-byte limit", path, st.Size(), maxPayloadFile)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("payload file: %w", err)
	}
	p := &filePayload{}
	for i, line := range bytes.Split(data, []byte("\n")) {
		line = bytes.TrimSuffix(line, []byte("\r"))
		if len(line) == 0 {
			continue
		}
		if len(line) > maxRecordBytes-1 {
			return nil, fmt.Errorf("payload file %s:%d: line of %d bytes does not fit a record of %d bytes with its key", path, i+1, len(line), maxRecordBytes)
		}
		p.lines = append(p.lines, line)
	}
	if len(p.lines) == 0 {
		return nil, fmt.Errorf("payload file %s: no non-empty lines", path)
	}
	return p, nil
}

// make copies the next line (the sink may keep and modify it); a line longer than the key
// leaves room for is cut to fit.
func (p *filePayload) make(_, maxData int, _ uint64, _ time.Time) []byte {
	line := p.lines[p.n]
	p.n++
	if p.n == len(p.lines) {
		p.n = 0
	}
	return bytes.Clone(line[:min(len(line), maxData)])
}
