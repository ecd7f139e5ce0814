package producer

import (
	"testing"
	"unsafe"
)

// The producer holds one userRecord per buffered record, up to MaxBufferedRecords of them:
// under overload with 1 KiB records, 63,000 of them beside 64 MiB of data. 160 bytes is a size
// class of Go's allocator; one byte more costs 16 more per record.
func TestUserRecordFitsIn160Bytes(t *testing.T) {
	if got := unsafe.Sizeof(userRecord{}); got > 160 {
		t.Errorf("userRecord is %d bytes, want at most 160", got)
	}
}
