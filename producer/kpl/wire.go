package kpl

import (
	"encoding/binary"
	"fmt"
)

// field is one decoded protobuf field. Only the value matching typ is set.
type field struct {
	num   uint64
	typ   uint64
	start int    // offset of the field's tag in the buffer being read
	v     uint64 // wireVarint
	b     []byte // wireBytes; its capacity ends with it, so appending to it cannot clobber input
}

// wireReader walks the fields of one protobuf message. Every length is checked against the
// bytes left before anything is sliced, so hostile input can neither panic it nor make its
// callers allocate more than the input's size.
type wireReader struct {
	buf []byte
	off int
}

func (r *wireReader) done() bool { return r.off >= len(r.buf) }

// next reads the field at r.off. Groups (wire types 3 and 4, deprecated, never written by the
// KPL) are rejected rather than skipped.
func (r *wireReader) next() (field, error) {
	f := field{start: r.off}
	tag, n := binary.Uvarint(r.buf[r.off:])
	if n <= 0 {
		return f, r.errorf("truncated or overlong field tag")
	}
	f.num, f.typ = tag>>3, tag&7
	if f.num == 0 || f.num > maxFieldNumber {
		return f, r.errorf("invalid field number %d", f.num)
	}
	r.off += n
	switch f.typ {
	case wireVarint:
		if f.v, n = binary.Uvarint(r.buf[r.off:]); n <= 0 {
			return f, r.errorf("field %d: truncated or overlong varint", f.num)
		}
		r.off += n
	case wireFixed64, wireFixed32:
		width := 8
		if f.typ == wireFixed32 {
			width = 4
		}
		if len(r.buf)-r.off < width {
			return f, r.errorf("field %d: truncated fixed%d", f.num, width*8)
		}
		r.off += width
	case wireBytes:
		length, n := binary.Uvarint(r.buf[r.off:])
		if n <= 0 {
			return f, r.errorf("field %d: truncated or overlong length", f.num)
		}
		r.off += n
		if left := len(r.buf) - r.off; length > uint64(left) {
			return f, r.errorf("field %d: length %d exceeds the %d bytes left", f.num, length, left)
		}
		end := r.off + int(length)
		f.b = r.buf[r.off:end:end]
		r.off = end
	default:
		return f, r.errorf("field %d: unsupported wire type %d", f.num, f.typ)
	}
	return f, nil
}

func (r *wireReader) errorf(format string, args ...any) error {
	return fmt.Errorf("offset %d: %s", r.off, fmt.Sprintf(format, args...))
}
