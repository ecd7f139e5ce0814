package app

import (
	"testing"

	"github.com/shardstorm/shardstorm/internal/memlimit"
	"github.com/shardstorm/shardstorm/producer"
)

// A run of shardstorm's engine against AWS or an endpoint gets a memory limit of its buffer plus
// the headroom; one on the embedded emulator, or a fleet of simple clients, gets none.
func TestMemoryLimitFollowsTheProducersBuffer(t *testing.T) {
	for _, tc := range []struct {
		name   string
		o      Options
		want   int64
		wantOK bool
	}{
		{"AWS, defaults", Options{AWS: true}, producer.DefaultMaxBufferedBytes + memlimit.Headroom, true},
		{"endpoint, kpl, 32 MiB buffer", Options{Endpoint: "http://localhost:4567", Engine: EngineOptions{Profile: ProfileKPL},
			Producer: producer.Config{MaxBufferedBytes: 32 << 20}}, 32<<20 + memlimit.Headroom, true},
		{"embedded emulator", Options{}, 0, false},
		{"fleet of PutRecords clients", Options{AWS: true, Engine: EngineOptions{Profile: ProfilePutRecords}}, 0, false},
	} {
		got, ok := MemoryLimit(tc.o)
		if got != tc.want || ok != tc.wantOK {
			t.Errorf("%s: MemoryLimit = %d, %v; want %d, %v", tc.name, got, ok, tc.want, tc.wantOK)
		}
	}
}
