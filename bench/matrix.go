package main

import (
	"fmt"
	"sort"
	"strings"
)

// Contender is one way of writing to Kinesis.
type Contender string

// The contenders, in the order the tables list them.
const (
	// PutRecord: one record per call from N goroutines, the SDK's default retries, then the
	// record counts as failed: what people do when they cannot batch.
	ContenderPutRecord Contender = "putrecord"
	// PutRecords: batches of up to 500 from N goroutines, re-sending the failed entries at once
	// until none fail (the loop of the AWS developer guide).
	ContenderPutRecords Contender = "putrecords"
	// KPL: shardstorm's producer configured as the KPL behaves: aggregation, a static limiter at
	// 150 % of the shard limits, no adaptive limiting.
	ContenderKPL Contender = "kpl"
	// Shardstorm: shardstorm's producer with its defaults (adaptive limiting on).
	ContenderShardstorm Contender = "shardstorm"
)

// contenderEntry is a contender with a line saying what it is.
type contenderEntry struct {
	Name  Contender
	Title string
}

// contenderInfo is the contenders of every situation that has no list of its own (the
// matrix's 20 cells: five situations × these four).
var contenderInfo = []contenderEntry{
	{ContenderPutRecord, "PutRecord, 1 record per call, N goroutines, SDK default retries"},
	{ContenderPutRecords, "PutRecords ≤ 500, re-send failed entries until none fail"},
	{ContenderKPL, "shardstorm producer, KPL-compatible (static limiter 150 %, no adaptive)"},
	{ContenderShardstorm, "shardstorm producer, defaults (adaptive limiting)"},
}

// knownContender reports whether c is a contender of some situation.
func knownContender(c Contender) bool {
	for _, s := range situations {
		if s.hasContender(c) {
			return true
		}
	}
	return false
}

// Situation is the load a cell puts on the stream.
type Situation struct {
	Name      string
	Title     string
	Producers int     // processes sharing the stream, each offering 1/Producers of the load
	DataBytes int     // data bytes per record (the partition key comes on top)
	Keys      string  // partition-key strategy, workload's compact form
	Load      float64 // offered bytes as a multiple of the stream's byte capacity
	// RecordLoad, when set, is the offered load in user records/s as a multiple of the stream's
	// records bound (1000/s a shard) instead of Load: small records hit that bound first.
	RecordLoad float64
	// Contenders, when set, are the situation's own (the fleet's); nil means contenderInfo.
	Contenders []contenderEntry
	// Fleet, when set, runs every contender of the situation as a fleet of small clients.
	Fleet *fleetShape
	// Latency is added by the emulator to every Kinesis request (emulator.ParseLatency; "" none):
	// the network between small clients and the service.
	Latency string
}

// contenders is the situation's contenders, in the order its table lists them.
func (s Situation) contenders() []contenderEntry {
	if s.Contenders != nil {
		return s.Contenders
	}
	return contenderInfo
}

func (s Situation) hasContender(c Contender) bool {
	for _, ci := range s.contenders() {
		if ci.Name == c {
			return true
		}
	}
	return false
}

// contenderTitle is what c is in situation s.
func (s Situation) contenderTitle(c Contender) string {
	for _, ci := range s.contenders() {
		if ci.Name == c {
			return ci.Title
		}
	}
	return string(c)
}

// Partition keys are drawn from a pool of 10,000 ids ("key-1".."key-10000", 7.9 bytes on
// average), as customer or device ids are. Key length matters to the comparison: the shards count
// key bytes, and an aggregate carries each user record's key in its key table. With 36-byte UUID
// keys a 100-byte user record costs ~142 bytes inside an aggregate, so a shard's 1 MiB/s could
// carry at most ~7,400 of them per second: 8× the unaggregated 1000 records/s would be out of
// physical reach for any producer.
const poolKeys = "pool:10000"

// situations is the matrix's rows. Offered load is in bytes (data + partition key), as the
// shard's 1 MiB/s counts them: 150 % of 8 MiB/s at 100-byte records is ~115,000 records/s,
// far past the 8,000 records/s the records bound allows unaggregated records.
var situations = []Situation{
	{Name: "1p-100b", Title: "One producer, 100-byte records, 150 % of byte capacity", Producers: 1, DataBytes: 100, Keys: poolKeys, Load: 1.5},
	{Name: "1p-1kb", Title: "One producer, 1 KiB records, 150 % of byte capacity", Producers: 1, DataBytes: 1024, Keys: poolKeys, Load: 1.5},
	{Name: "4p", Title: "Four producers (processes) on one stream, 1 KiB records, 150 % of byte capacity in total", Producers: 4, DataBytes: 1024, Keys: poolKeys, Load: 1.5},
	{Name: "hotkey", Title: "Hot key: 30 % of records on one key, 1 KiB records, 150 % of byte capacity", Producers: 1, DataBytes: 1024, Keys: "hot:0.3:" + poolKeys, Load: 1.5},
	{Name: "overload", Title: "Overload: 10× byte capacity, 1 KiB records (memory and latency)", Producers: 1, DataBytes: 1024, Keys: poolKeys, Load: 10},
	fleetSituation, // fleet_situation.go: its own contenders
}

func situationByName(name string) (Situation, bool) {
	for _, s := range situations {
		if s.Name == name {
			return s, true
		}
	}
	return Situation{}, false
}

// Cell is one situation run by one contender.
type Cell struct {
	Situation Situation
	Contender Contender
}

// Name is the cell's name on the command line and in the results: SITUATION/CONTENDER.
func (c Cell) Name() string { return c.Situation.Name + "/" + string(c.Contender) }

// allCells is the whole matrix, situation by situation.
func allCells() []Cell {
	var out []Cell
	for _, s := range situations {
		for _, c := range s.contenders() {
			out = append(out, Cell{s, c.Name})
		}
	}
	return out
}

// selectCells picks cells by a comma-separated list of SITUATION/CONTENDER patterns, where
// either side may be "*" and a bare SITUATION means all its contenders (a situation with a list
// of its own, as the fleet, offers only those). "" or "all" is the whole matrix. Cells come back in matrix order, once each.
func selectCells(spec string) ([]Cell, error) {
	spec = strings.TrimSpace(spec)
	if spec == "" || spec == "all" {
		return allCells(), nil
	}
	chosen := map[string]bool{}
	for _, pat := range strings.Split(spec, ",") {
		pat = strings.TrimSpace(pat)
		sit, con, hasCon := strings.Cut(pat, "/")
		if !hasCon {
			con = "*"
		}
		// The contenders a named situation offers are its own (the fleet has its list).
		known, names := knownContender, contenderNames()
		if sit != "*" {
			s, ok := situationByName(sit)
			if !ok {
				return nil, fmt.Errorf("-cell %q: unknown situation %q; want one of %s (or *)", pat, sit, strings.Join(situationNames(), ", "))
			}
			known, names = s.hasContender, s.contenderNames()
		}
		if con != "*" && !known(Contender(con)) {
			return nil, fmt.Errorf("-cell %q: unknown contender %q; want one of %s (or *)", pat, con, strings.Join(names, ", "))
		}
		matched := false
		for _, c := range allCells() {
			if (sit == "*" || c.Situation.Name == sit) && (con == "*" || string(c.Contender) == con) {
				chosen[c.Name()] = true
				matched = true
			}
		}
		if !matched {
			return nil, fmt.Errorf("-cell %q matches no cell", pat)
		}
	}
	var out []Cell
	for _, c := range allCells() {
		if chosen[c.Name()] {
			out = append(out, c)
		}
	}
	return out, nil
}

func situationNames() []string {
	var out []string
	for _, s := range situations {
		out = append(out, s.Name)
	}
	return out
}

// contenderNames is every situation's contenders, sorted, once each.
func contenderNames() []string {
	seen := map[string]bool{}
	var out []string
	for _, s := range situations {
		for _, n := range s.contenderNames() {
			if !seen[n] {
				seen[n] = true
				out = append(out, n)
			}
		}
	}
	sort.Strings(out)
	return out
}

func (s Situation) contenderNames() []string {
	var out []string
	for _, c := range s.contenders() {
		out = append(out, string(c.Name))
	}
	sort.Strings(out)
	return out
}
