package cli

import (
	"os"
	"runtime/pprof"
)

// startCPUProfile profiles the whole process into path (--cpuprofile) until the returned func
// is called: the load, the engine, the dashboard and, on the embedded emulator, the emulator.
func startCPUProfile(path string) (func(), error) {
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
