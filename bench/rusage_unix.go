//go:build unix

package main

import (
	"os"
	"runtime"
	"syscall"
	"time"
)

// processUsage is a finished child's CPU time (user + system) and ru_maxrss in bytes, from the
// kernel's rusage. The CPU time is the child's own; ru_maxrss may include the parent's memory
// (see ownPeakRSS), so it is only the fallback where the child cannot report its own peak.
func processUsage(ps *os.ProcessState) (cpu time.Duration, peakRSS int64) {
	ru, ok := ps.SysUsage().(*syscall.Rusage)
	if !ok || ru == nil {
		return ps.UserTime() + ps.SystemTime(), 0
	}
	return ps.UserTime() + ps.SystemTime(), maxRSSBytes(ru.Maxrss)
}

// maxRSSBytes converts ru_maxrss: kilobytes on Linux and the BSDs, bytes on macOS.
func maxRSSBytes(v int64) int64 {
	if runtime.GOOS == "darwin" || runtime.GOOS == "ios" {
		return v
	}
	return v * 1024
}

// selfCPU is this process's CPU time so far: the emulator's share of a cell.
func selfCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
