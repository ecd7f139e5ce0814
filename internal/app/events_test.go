package app

import (
	"fmt"
	"testing"
)

func TestEventLogKeepsTheLastN(t *testing.T) {
	l := NewEventLog(3)
	for i := range 5 {
		l.Addf(Info, "event %d", i)
	}
	got := l.Events()
	if len(got) != 3 || got[0].Text != "event 2" || got[2].Text != "event 4" || l.Total() != 5 {
		t.Fatalf("%+v (total %d)", got, l.Total())
	}
	if fmt.Sprint(Error) != "error" {
		t.Fatal(Error)
	}
}
