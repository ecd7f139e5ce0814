package workload

import "strconv"

// seqKeys hands out keys in order: "seq-0", "seq-1", ...; with a cycle it wraps, giving a
// perfectly even rotation over the cycle's keys.
type seqKeys struct {
	n      uint64
	names  keyTable // cycle only
	counts *keyCounts
}

func newSeqKeys(cycle int) *seqKeys {
	k := &seqKeys{}
	if cycle > 0 {
		k.names = newKeyTable("seq-", 0, cycle)
		k.counts = newKeyCounts(cycle)
	}
	return k
}

func (k *seqKeys) next() (string, string) {
	i := k.n
	k.n++
	if k.counts == nil {
		var buf [24]byte
		return string(strconv.AppendUint(append(buf[:0], "seq-"...), i, 10)), ""
	}
	j := int(i % uint64(k.counts.len()))
	k.counts.add(j)
	return k.names.key(j), ""
}

// topKeys is empty without a cycle: every key is used once.
func (k *seqKeys) topKeys(n int) []KeyShare {
	if k.counts == nil {
		return nil
	}
	exp := 1 / float64(k.counts.len())
	expected := func(int) float64 { return exp }
	return topShares(n, k.counts, k.names.key, expected)
}

func (k *seqKeys) spec() KeySpec { return KeySpec{Kind: KeysSeq, Count: k.counts.len()} }
