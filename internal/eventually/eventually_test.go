package eventually

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"testing/synctest"
	"time"
)

// fakeT records a failure instead of ending the test, so the helper's own failures can be read.
type fakeT struct {
	testing.TB
	failed string
}

func (f *fakeT) Helper()                           {}
func (f *fakeT) Fatalf(format string, args ...any) { f.failed = fmt.Sprintf(format, args...) }

func TestTrueReturnsWhenTheConditionHolds(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		start := time.Now()
		ready := start.Add(95 * time.Millisecond)
		ft := &fakeT{TB: t}
		True(ft, time.Second, "ready", func() bool { return !time.Now().Before(ready) })
		if ft.failed != "" {
			t.Fatal(ft.failed)
		}
		// Checked every 10 ms of virtual time: the first check at or after 95 ms is at 100 ms.
		if took := time.Since(start); took != 100*time.Millisecond {
			t.Errorf("returned after %v, want 100ms", took)
		}
	})
}

func TestTimeoutsNameWhatAndTheLastError(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ft := &fakeT{TB: t}
		start := time.Now()
		True(ft, time.Second, "the moon", func() bool { return false })
		if ft.failed != "timed out after 1s waiting for the moon" {
			t.Errorf("failure %q", ft.failed)
		}
		if took := time.Since(start); took != time.Second {
			t.Errorf("gave up after %v, want 1s", took)
		}
		ft = &fakeT{TB: t}
		n := 0
		Nil(ft, 50*time.Millisecond, "a finding", func() error { n++; return errors.New("active: " + fmt.Sprint(n)) })
		if !strings.HasPrefix(ft.failed, "timed out after 50ms waiting for a finding: active: ") || !strings.HasSuffix(ft.failed, fmt.Sprint(n)) {
			t.Errorf("failure %q does not carry the last error (check %d)", ft.failed, n)
		}
	})
}
