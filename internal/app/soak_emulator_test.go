package app

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/shardstorm/shardstorm/emulator"
)

// The soak's emulator runs in a process of its own (this test binary, re-executed), so the
// soak process's RSS is the load tester's alone: the emulator keeps every record for the
// read-back, gigabytes over 30 minutes, which would drown a leak in the measurement. Its faults
// are set over a small control endpoint beside Kinesis and CloudWatch.

const soakEmulatorEnv = "SHARDSTORM_SOAK_EMULATOR"

// soakControl is what the control endpoint takes: the faults, and whether to pause.
type soakControl struct {
	Faults emulator.Faults
	Paused bool
}

// TestSoakEmulatorProcess is the soak's emulator process; it does nothing unless the soak
// started it. It serves until its stdin closes (the soak ended, or died).
func TestSoakEmulatorProcess(t *testing.T) {
	streams := os.Getenv(soakEmulatorEnv)
	if streams == "" {
		t.Skip("the soak's emulator process (started by TestSoak)")
	}
	name, shards, _ := strings.Cut(streams, ":")
	var n int
	fmt.Sscan(shards, &n)
	e, err := emulator.New(emulator.Config{Streams: []emulator.StreamSpec{{Name: name, Shards: n}},
		RetainRecordsPerShard: 50_000_000, RetainBytesPerShard: 16 << 30})
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /soak/control", func(w http.ResponseWriter, r *http.Request) {
		var c soakControl
		if err := json.NewDecoder(r.Body).Decode(&c); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		if err := e.SetFaults(c.Faults); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		if c.Paused {
			e.Pause()
		} else {
			e.Resume()
		}
	})
	mux.Handle("/", e)
	go http.Serve(ln, mux)
	fmt.Printf("soak emulator at http://%s\n", ln.Addr())
	io.Copy(io.Discard, os.Stdin)
}

// soakEmulator is the parent's handle on the emulator process.
type soakEmulator struct {
	URL   string
	cmd   *exec.Cmd
	stdin io.Closer
}

// startSoakEmulator starts the emulator process serving stream NAME with shards shards.
func startSoakEmulator(t *testing.T, name string, shards int) *soakEmulator {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestSoakEmulatorProcess$", "-test.timeout=0")
	cmd.Env = append(os.Environ(), fmt.Sprintf("%s=%s:%d", soakEmulatorEnv, name, shards))
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	s := &soakEmulator{cmd: cmd, stdin: stdin}
	t.Cleanup(func() {
		s.stdin.Close()
		done := make(chan struct{})
		go func() { cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			cmd.Process.Kill()
			<-done
		}
	})
	line, err := bufio.NewReader(stdout).ReadString('\n')
	url, ok := strings.CutPrefix(strings.TrimSpace(line), "soak emulator at ")
	if err != nil || !ok {
		t.Fatalf("the soak's emulator did not start: %q %v", line, err)
	}
	go io.Copy(io.Discard, stdout)
	s.URL = url
	return s
}

// set sets the emulator's faults and pause.
func (s *soakEmulator) set(c soakControl) error {
	body, _ := json.Marshal(c)
	resp, err := http.Post(s.URL+"/soak/control", "application/json", bytes.NewReader(body))
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		msg, _ := io.ReadAll(resp.Body)
		return fmt.Errorf("control: %s: %s", resp.Status, msg)
	}
	return nil
}
