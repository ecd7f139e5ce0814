//go:build !amd64 || !gc || purego

package kpl

// laneCount: without the AVX2 and AVX-512 block functions, messages are hashed one at a time.
var laneCount = 1

func blockLanes(*md5lanes, uintptr, uint64, int) { panic("kpl: no MD5 lanes on this platform") }
