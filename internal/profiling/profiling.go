// Package profiling starts the CPU profiles that `shardstorm run --cpuprofile` and the bench's
// contender processes (-cpuprofile) write: where a run's CPU seconds per record go.
package profiling

import (
	"os"
	"runtime/pprof"
)

// StartCPU profiles the whole process into a new file at path until the returned func is
// called (it stops the profile and closes the file).
func StartCPU(path string) (stop func(), err error) {
	f, err := os.Create(path)
	if err != nil {
		return nil, err
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, err
	}
	return func() {
		pprof.StopCPUProfile()
		f.Close()
	}, nil
}
