//go:build !unix

package workload

import (
	"testing"
	"time"
)

// processCPU is not measured here: always 0.
func processCPU(*testing.B) time.Duration { return 0 }
