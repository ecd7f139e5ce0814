package verify

import (
	"bytes"
	"strings"
	"testing"
)

func TestEnvelopeRoundTrip(t *testing.T) {
	id := NewRunID()
	if !ValidRunID(id) {
		t.Fatalf("NewRunID %q is not valid", id)
	}
	for _, seq := range []uint64{0, 1, 1234, MaxSeq} {
		for _, payload := range [][]byte{nil, []byte("x"), bytes.Repeat([]byte{0xff}, 300)} {
			data, err := Stamp(id, seq, payload)
			if err != nil {
				t.Fatal(err)
			}
			if len(data) != EnvelopeLen+len(payload) {
				t.Fatalf("stamped %d bytes, want %d+%d", len(data), EnvelopeLen, len(payload))
			}
			gotID, gotSeq, gotPayload, ok := Decode(data)
			if !ok || gotID != id || gotSeq != seq || !bytes.Equal(gotPayload, payload) {
				t.Fatalf("Decode(Stamp(%s, %d)) = %q %d %q %v", id, seq, gotID, gotSeq, gotPayload, ok)
			}
		}
	}
}

// The format is the documented one, byte for byte: a consumer strips it by its size.
func TestEnvelopeFormatIsTheDocumentedOne(t *testing.T) {
	data, err := Stamp("0f3a9c2e", 1234, []byte("hello"))
	if err != nil {
		t.Fatal(err)
	}
	if want := "ssv1 0f3a9c2e 000000001234\nhello"; string(data) != want {
		t.Fatalf("stamped %q, want %q", data, want)
	}
	if EnvelopeLen != 27 {
		t.Fatalf("EnvelopeLen %d, documented as 27", EnvelopeLen)
	}
}

func TestStampRefusesWhatDecodeCannotRead(t *testing.T) {
	if _, err := Stamp("ABCDEF12", 1, nil); err == nil {
		t.Fatal("Stamp took an upper-case run id")
	}
	if _, err := Stamp("0f3a9c2e", MaxSeq+1, nil); err == nil || !strings.Contains(err.Error(), "sequence number") {
		t.Fatalf("Stamp beyond MaxSeq: %v", err)
	}
}

func TestDecodeRefusesOtherData(t *testing.T) {
	for _, s := range []string{"", "ssv1 0f3a9c2e 00000000123", "ssv2 0f3a9c2e 000000001234\n", "ssv1 0F3A9C2E 000000001234\n",
		"ssv1 0f3a9c2e 00000000123x\n", "ssv1 0f3a9c2e 000000001234 ", "ssv1_0f3a9c2e 000000001234\n", "{\"id\":1}"} {
		if _, _, _, ok := Decode([]byte(s)); ok {
			t.Errorf("Decode(%q) accepted it", s)
		}
	}
}

func FuzzDecode(f *testing.F) {
	f.Add([]byte("ssv1 0f3a9c2e 000000001234\nhello"))
	f.Add([]byte("ssv1 0f3a9c2e 999999999999\n"))
	f.Add([]byte("ssv1 zzzzzzzz 000000001234\n"))
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, data []byte) {
		id, seq, payload, ok := Decode(data)
		if !ok {
			return
		}
		// Whatever Decode accepts is exactly what Stamp writes.
		again, err := Stamp(id, seq, payload)
		if err != nil {
			t.Fatalf("Decode accepted %q (%q %d) but Stamp refuses it: %v", data, id, seq, err)
		}
		if !bytes.Equal(again, data) {
			t.Fatalf("Stamp(Decode(%q)) = %q", data, again)
		}
	})
}
