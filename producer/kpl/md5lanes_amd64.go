//go:build amd64 && gc && !purego

package kpl

import "golang.org/x/sys/cpu"

// block8 advances eight MD5 states (a, b, c, d of lanes 0-7, eight words each) by n bytes (a
// multiple of 64) of each lane's message, lane i's at base+bufs[i]; a lane whose offset is not
// positive is left out (its state is left undefined). cache is 512+32 bytes of scratch.
// From github.com/minio/md5-simd (md5lanes8_amd64.s).
//
//go:noescape
func block8(state *uint32, base uintptr, bufs *int32, cache *byte, n int)

// block16 is block8 for sixteen lanes (a, b, c, d sixteen words each), the lanes in mask
// only, with AVX-512 (md5lanes16_amd64.s).
//
//go:noescape
func block16(state *uint32, base uintptr, ptrs *int32, mask uint64, n int)

// avx256md5consts and avx512md5consts are MD5's constants, each eight and sixteen times over,
// for block8 and block16.
var avx256md5consts, avx512md5consts = repeatConsts(8), repeatConsts(16)

func repeatConsts(n int) []uint32 {
	c := make([]uint32, 0, n*len(md5Consts))
	for _, k := range md5Consts {
		for range n {
			c = append(c, k)
		}
	}
	return c
}

// laneCount is how many messages are hashed at once: sixteen with AVX-512, eight with AVX2,
// else one at a time. (A variable: tests try every width the CPU has.)
var laneCount = func() int {
	switch {
	case cpu.X86.HasAVX512F && cpu.X86.HasAVX512DQ && cpu.X86.HasAVX512BW:
		return 16
	case cpu.X86.HasAVX2:
		return 8
	}
	return 1
}()

// blockLanes runs the block function of laneCount's width over the active lanes.
func blockLanes(l *md5lanes, base uintptr, active uint64, n int) {
	if laneCount == 16 {
		block16(&l.state[0][0], base, &l.offsets[0], active, n)
		return
	}
	var state [4][8]uint32
	for i := range state {
		state[i] = [8]uint32(l.state[i][:8])
	}
	var cache [512 + 32]byte
	block8(&state[0][0], base, &l.offsets[0], &cache[0], n)
	for i := range state {
		copy(l.state[i][:8], state[i][:])
	}
}
