//go:build !unix

package main

import (
	"os"
	"time"
)

func processUsage(ps *os.ProcessState) (time.Duration, int64) {
	return ps.UserTime() + ps.SystemTime(), 0
}

func selfCPU() time.Duration { return 0 }
