package main

import (
	"bufio"
	"os"
	"runtime"
	"strings"
)

// Machine describes where the benchmark ran.
type Machine struct {
	CPU       string `json:"cpu"`
	Cores     int    `json:"cores"` // logical CPUs the Go runtime sees
	MemoryGiB string `json:"memory_gib,omitempty"`
	OS        string `json:"os"`
	Kernel    string `json:"kernel,omitempty"`
	Go        string `json:"go"`
}

func thisMachine() Machine {
	m := Machine{CPU: procField("/proc/cpuinfo", "model name"), Cores: runtime.NumCPU(),
		OS: runtime.GOOS + "/" + runtime.GOARCH, Go: runtime.Version()}
	if m.CPU == "" {
		m.CPU = "unknown"
	}
	if kb := procField("/proc/meminfo", "MemTotal"); kb != "" {
		var n float64
		for _, f := range strings.Fields(kb) {
			if v, ok := parseFloat(f); ok {
				n = v
				break
			}
		}
		if n > 0 {
			m.MemoryGiB = formatFloat(n/(1<<20), 1)
		}
	}
	if b, err := os.ReadFile("/proc/sys/kernel/osrelease"); err == nil {
		m.Kernel = strings.TrimSpace(string(b))
	}
	return m
}

// loadAverage is the 1-minute load average (Linux), "" elsewhere: a busy machine skews a run, and
// others may be running tests on it.
func loadAverage() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return ""
	}
	f := strings.Fields(string(b))
	if len(f) == 0 {
		return ""
	}
	return f[0]
}

// procField returns the value of the first "name: value" line of a /proc file.
func procField(path, name string) string {
	f, err := os.Open(path)
	if err != nil {
		return ""
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), ":")
		if ok && strings.TrimSpace(k) == name {
			return strings.TrimSpace(v)
		}
	}
	return ""
}
