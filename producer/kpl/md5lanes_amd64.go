//go:build amd64 && gc && !purego

package kpl

import "golang.org/x/sys/cpu"

// block8 advances eight MD5 states (state: a, b, c, d of lanes 0-7, as md5lanes.state) by n
// bytes (a multiple of 64) of each lane's message, lane i's at base+bufs[i]; a lane whose offset
// is not positive is left out (its state is left undefined). cache is 512+32 bytes of scratch.
// From github.com/minio/md5-simd (md5lanes_amd64.s).
//
//go:noescape
func block8(state *uint32, base uintptr, bufs *int32, cache *byte, n int)

// avx256md5consts are MD5's constants, each eight times over, for block8.
var avx256md5consts = func() []uint32 {
	c := make([]uint32, 0, 8*len(md5Consts))
	for _, k := range md5Consts {
		for range 8 {
			c = append(c, k)
		}
	}
	return c
}()

// laneCount is how many messages are hashed at once: eight with AVX2, else one at a time.
var laneCount = func() int {
	if cpu.X86.HasAVX2 {
		return 8
	}
	return 1
}()

func blockLanes(l *md5lanes, base uintptr, n int) {
	var cache [512 + 32]byte
	block8(&l.state[0][0], base, &l.offsets[0], &cache[0], n)
}
