//go:build !amd64 || !gc || purego

package kpl

// laneCount: without the AVX2 block function, messages are hashed one at a time.
const laneCount = 1

func blockLanes(*md5lanes, uintptr, int) { panic("kpl: no MD5 lanes on this platform") }
