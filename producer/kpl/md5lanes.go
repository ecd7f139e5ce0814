package kpl

import (
	"crypto/md5"
	"encoding/binary"
	"math"
	"sync"
	"unsafe"
)

// An aggregated record ends with the MD5 of its protobuf, and hashing it is most of what
// encoding an aggregate costs (a 100-byte record's share of it is 190 ns, a 1 KiB record's
// 1.4 µs: MD5 runs at about 700 MB/s a core). MD5 is sequential within a message, but a
// request carries several aggregates: AppendChecksums hashes up to sixteen of them at once on
// one core, each in a lane of the vector registers (the block functions of minio/md5-simd:
// sixteen lanes with AVX-512, eight with AVX2).

// AppendChecksums appends to each of aggregates — the magic and the protobuf of an aggregated
// record, as a PlacedWriter's Unfinished gives them — its checksum, in place where the slice has
// room, and sets aggregates[i] to the finished record: the bytes Finish would have given.
func AppendChecksums(aggregates [][]byte) {
	if laneCount == 1 || len(aggregates) < 2 {
		for i, a := range aggregates {
			aggregates[i] = appendChecksum(a, MagicLen)
		}
		return
	}
	l := lanesPool.Get().(*md5lanes)
	for len(aggregates) > 0 {
		group := aggregates[:min(len(aggregates), laneCount)]
		aggregates = aggregates[len(group):]
		if len(group) == 1 {
			group[0] = appendChecksum(group[0], MagicLen)
			continue
		}
		l.sum(group)
	}
	l.release()
	lanesPool.Put(l)
}

// md5lanes hashes up to sixteen messages at once. It is on the heap (lanesPool), not the stack:
// block8 reads the messages' tails from it by address, and a goroutine's stack may move.
type md5lanes struct {
	state   [4][maxLanes]uint32 // a, b, c, d of each lane, as block16 takes them
	offsets [maxLanes]int32     // each lane's next block, from the base given; 0: left out
	// tails are each message's last, partial block with MD5's padding and length: one or two
	// blocks.
	tails [maxLanes][2 * md5.BlockSize]byte
	lane  [maxLanes]laneState
}

// maxLanes is the widest block function's.
const maxLanes = 16

// laneState is where a lane is in its message: its whole blocks, then its tail.
type laneState struct {
	msg      []byte // the whole blocks not yet hashed, then nil
	tail     int    // the length of the tail (64 or 128), 0 once hashed
	done     bool
	position uintptr // the address of the lane's next block
	blocks   int     // how many blocks lie from position to the end of the part it is in
}

var lanesPool = sync.Pool{New: func() any { return new(md5lanes) }}

// release keeps none of the messages reachable from the pool.
func (l *md5lanes) release() {
	for i := range l.lane {
		l.lane[i] = laneState{}
	}
}

// The MD5 initial state.
const (
	md5Init0 = 0x67452301
	md5Init1 = 0xefcdab89
	md5Init2 = 0x98badcfe
	md5Init3 = 0x10325476
)

// sum appends the checksum of each of aggregates' protobuf, 2 to laneCount of them, as
// AppendChecksums.
func (l *md5lanes) sum(aggregates [][]byte) {
	n := len(aggregates)
	for i, a := range aggregates {
		msg := a[MagicLen:]
		whole := len(msg) &^ (md5.BlockSize - 1)
		l.lane[i] = laneState{msg: msg[:whole:whole], tail: padTail(&l.tails[i], msg[whole:], len(msg))}
		l.state[0][i], l.state[1][i], l.state[2][i], l.state[3][i] = md5Init0, md5Init1, md5Init2, md5Init3
	}
	for i := n; i < maxLanes; i++ {
		l.lane[i] = laneState{done: true}
	}
	if !l.run() {
		// The messages lie too far apart for block8's 32-bit offsets: one by one.
		for i, a := range aggregates {
			aggregates[i] = appendChecksum(a, MagicLen)
		}
		return
	}
	for i, a := range aggregates {
		var sum [md5.Size]byte
		binary.LittleEndian.PutUint32(sum[0:], l.state[0][i])
		binary.LittleEndian.PutUint32(sum[4:], l.state[1][i])
		binary.LittleEndian.PutUint32(sum[8:], l.state[2][i])
		binary.LittleEndian.PutUint32(sum[12:], l.state[3][i])
		aggregates[i] = append(a, sum[:]...)
	}
}

// padTail writes into t the last bytes of a message of size bytes, rest, followed by MD5's
// padding and the message's length, and returns how long that is: one block or two.
func padTail(t *[2 * md5.BlockSize]byte, rest []byte, size int) int {
	clear(t[:])
	copy(t[:], rest)
	t[len(rest)] = 0x80
	end := md5.BlockSize
	if len(rest) >= md5.BlockSize-8 {
		end = 2 * md5.BlockSize
	}
	binary.LittleEndian.PutUint64(t[end-8:end], uint64(size)<<3)
	return end
}

// run hashes every lane's blocks, in calls of block8 over as many blocks as every lane still
// working has left in the part it is in, and reports false if the lanes' blocks lie too far
// apart to be reached from one base with 32-bit offsets (the state is then undefined).
func (l *md5lanes) run() bool {
	var saved [4][maxLanes]uint32
	for {
		// Each lane at its next part, and the blocks the call can take.
		blocks := math.MaxInt
		low, high := uintptr(math.MaxUint), uintptr(0)
		for i := range l.lane {
			s := &l.lane[i]
			if s.done {
				continue
			}
			if s.blocks == 0 {
				switch {
				case len(s.msg) > 0:
					s.position, s.blocks = uintptr(unsafe.Pointer(&s.msg[0])), len(s.msg)/md5.BlockSize
					s.msg = nil
				case s.tail > 0:
					s.position, s.blocks = uintptr(unsafe.Pointer(&l.tails[i][0])), s.tail/md5.BlockSize
					s.tail = 0
				default:
					s.done = true
					continue
				}
			}
			blocks = min(blocks, s.blocks)
			low, high = min(low, s.position), max(high, s.position)
		}
		if blocks == math.MaxInt {
			return true // every lane done
		}
		// Offsets must be positive (a lane at offset 0 is left out) and stay within 32 bits.
		base := low - 4
		if high-base > maxLaneSpread {
			return false
		}
		var active uint64
		for i := range l.lane {
			s := &l.lane[i]
			l.offsets[i] = 0
			if !s.done {
				l.offsets[i] = int32(s.position - base)
				active |= 1 << i
			}
		}
		saved = l.state
		blockLanes(l, base, active, blocks*md5.BlockSize)
		for i := range l.lane {
			s := &l.lane[i]
			if s.done { // its state, left undefined by block8, is its sum
				l.state[0][i], l.state[1][i], l.state[2][i], l.state[3][i] = saved[0][i], saved[1][i], saved[2][i], saved[3][i]
				continue
			}
			s.position += uintptr(blocks * md5.BlockSize)
			s.blocks -= blocks
		}
	}
}

// maxLaneSpread is how far apart the lanes' blocks may lie: block8 and block16 take 32-bit
// offsets. (A variable: a test lowers it to try the fallback.)
var maxLaneSpread uintptr = math.MaxInt32 - 64

// md5Consts are MD5's 64 round constants.
var md5Consts = [64]uint32{
	0xd76aa478, 0xe8c7b756, 0x242070db, 0xc1bdceee,
	0xf57c0faf, 0x4787c62a, 0xa8304613, 0xfd469501,
	0x698098d8, 0x8b44f7af, 0xffff5bb1, 0x895cd7be,
	0x6b901122, 0xfd987193, 0xa679438e, 0x49b40821,
	0xf61e2562, 0xc040b340, 0x265e5a51, 0xe9b6c7aa,
	0xd62f105d, 0x02441453, 0xd8a1e681, 0xe7d3fbc8,
	0x21e1cde6, 0xc33707d6, 0xf4d50d87, 0x455a14ed,
	0xa9e3e905, 0xfcefa3f8, 0x676f02d9, 0x8d2a4c8a,
	0xfffa3942, 0x8771f681, 0x6d9d6122, 0xfde5380c,
	0xa4beea44, 0x4bdecfa9, 0xf6bb4b60, 0xbebfbc70,
	0x289b7ec6, 0xeaa127fa, 0xd4ef3085, 0x04881d05,
	0xd9d4d039, 0xe6db99e5, 0x1fa27cf8, 0xc4ac5665,
	0xf4292244, 0x432aff97, 0xab9423a7, 0xfc93a039,
	0x655b59c3, 0x8f0ccc92, 0xffeff47d, 0x85845dd1,
	0x6fa87e4f, 0xfe2ce6e0, 0xa3014314, 0x4e0811a1,
	0xf7537e82, 0xbd3af235, 0x2ad7d2bb, 0xeb86d391,
}
