//go:build !unix

package workload

import (
	"testing"
	"time"
)

// processCPU is not measured here.
func processCPU(b *testing.B) time.Duration {
	b.Skip("process CPU time needs getrusage")
	return 0
}
