package workload

import "strconv"

// seqKeys hands out keys in order: "seq-0", "seq-1", ...; with a cycle it wraps, giving a
// perfectly even rotation over the cycle's keys.
type seqKeys struct {
	n      uint64
	names  keyTable // cycle only
	counts keyCounts
}

func newSeqKeys(cycle int) *seqKeys {
	k := &seqKeys{}
	if cycle > 0 {
		k.names = newKeyTable("seq-", 0, cycle)
		k.counts = make(keyCounts, cycle)
	}
	return k
}

func (k *seqKeys) next() (string, string) {
	i := k.n
	k.n++
	if len(k.counts) == 0 {
		var buf [24]byte
		return string(strconv.AppendUint(append(buf[:0], "seq-"...), i, 10)), ""
	}
	j := int(i % uint64(len(k.counts)))
	k.counts[j].Add(1)
	return k.names.key(j), ""
}

// topKeys is empty without a cycle: every key is used once.
func (k *seqKeys) topKeys(n int) []KeyShare {
	if len(k.counts) == 0 {
		return nil
	}
	exp := 1 / float64(len(k.counts))
	expected := func(int) float64 { return exp }
	return shares(topIndexes(n, k.counts, expected), k.counts, k.names.key, expected)
}

func (k *seqKeys) spec() KeySpec { return KeySpec{Kind: KeysSeq, Count: len(k.counts)} }
