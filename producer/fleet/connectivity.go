package fleet

import (
	"errors"
	"fmt"
	"strings"
	"time"
)

// Connectivity is when a fleet's clients have a network.
type Connectivity struct {
	// Kind is "always", "flaky" or "outage"; "" means always.
	Kind string
	// Up, Down (flaky): each client is online Up, then offline Down, over and over; the clients'
	// phases are spread evenly over Up+Down so that a constant share is offline at any time.
	Up, Down time.Duration
	// At, For (outage): every client is offline from At after the start for For, then all
	// reconnect at once (the thundering herd).
	At, For time.Duration
}

// ParseConnectivity reads "always", "flaky:UP/DOWN" (e.g. flaky:30s/5s) or "outage:AT:FOR"
// (e.g. outage:5s:10s).
func ParseConnectivity(s string) (Connectivity, error) {
	kind, rest, hasArgs := strings.Cut(s, ":")
	dur := func(what, v string) (time.Duration, error) {
		d, err := time.ParseDuration(v)
		if err != nil {
			return 0, fmt.Errorf("connectivity %q: %s %q is not a duration (like 10s)", s, what, v)
		}
		return d, nil
	}
	var c Connectivity
	var err error
	switch kind {
	case "always":
		if hasArgs {
			return Connectivity{}, fmt.Errorf("connectivity %q: always takes no arguments", s)
		}
		c = Connectivity{Kind: "always"}
	case "flaky":
		up, down, ok := strings.Cut(rest, "/")
		if !hasArgs || !ok {
			return Connectivity{}, fmt.Errorf("connectivity %q: flaky needs UP/DOWN durations, like flaky:30s/5s", s)
		}
		c.Kind = "flaky"
		if c.Up, err = dur("UP", up); err != nil {
			return Connectivity{}, err
		}
		if c.Down, err = dur("DOWN", down); err != nil {
			return Connectivity{}, err
		}
	case "outage":
		at, forS, ok := strings.Cut(rest, ":")
		if !hasArgs || !ok {
			return Connectivity{}, fmt.Errorf("connectivity %q: outage needs AT:FOR durations, like outage:5s:10s", s)
		}
		c.Kind = "outage"
		if c.At, err = dur("AT", at); err != nil {
			return Connectivity{}, err
		}
		if c.For, err = dur("FOR", forS); err != nil {
			return Connectivity{}, err
		}
	default:
		return Connectivity{}, fmt.Errorf("connectivity %q: want always, flaky:UP/DOWN or outage:AT:FOR", s)
	}
	if err := c.validate(); err != nil {
		return Connectivity{}, fmt.Errorf("connectivity %q: %w", s, err)
	}
	return c, nil
}

func (c Connectivity) String() string {
	switch c.Kind {
	case "flaky":
		return fmt.Sprintf("flaky:%v/%v", c.Up, c.Down)
	case "outage":
		return fmt.Sprintf("outage:%v:%v", c.At, c.For)
	}
	return "always"
}

func (c Connectivity) validate() error {
	switch c.Kind {
	case "", "always":
		return nil
	case "flaky":
		if c.Up <= 0 || c.Down <= 0 {
			return errors.New("flaky needs positive UP and DOWN")
		}
		if c.Up+c.Down <= 0 {
			return errors.New("flaky UP+DOWN overflows")
		}
		return nil
	case "outage":
		if c.At < 0 || c.For <= 0 {
			return errors.New("outage needs AT ≥ 0 and FOR > 0")
		}
		if c.At+c.For <= 0 {
			return errors.New("outage AT+FOR overflows")
		}
		return nil
	}
	return fmt.Errorf("unknown kind %q (always, flaky, outage)", c.Kind)
}

// never is a time offset no run reaches.
const never = time.Duration(1<<63 - 1)

// phase is client i's offset into the flaky cycle: phases spread evenly across n clients.
func (c Connectivity) phase(i, n int) time.Duration {
	p := c.Up + c.Down
	return time.Duration(int64(p) / int64(n) * int64(i))
}

// online reports whether client i of n has a network at elapsed (since the fleet started), and
// when that next changes (an elapsed time; never if it does not).
func (c Connectivity) online(i, n int, elapsed time.Duration) (bool, time.Duration) {
	switch c.Kind {
	case "flaky":
		p := c.Up + c.Down
		x := (elapsed + c.phase(i, n)) % p
		if x < c.Up {
			return true, elapsed + c.Up - x
		}
		return false, elapsed + p - x
	case "outage":
		switch {
		case elapsed < c.At:
			return true, c.At
		case elapsed < c.At+c.For:
			return false, c.At + c.For
		}
	}
	return true, never
}

// reconnects counts client i's offline→online transitions up to elapsed.
func (c Connectivity) reconnects(i, n int, elapsed time.Duration) int64 {
	switch c.Kind {
	case "flaky":
		p := c.Up + c.Down
		off := c.phase(i, n)
		// client i reconnects whenever elapsed+off crosses a multiple of p
		return int64((elapsed+off)/p - off/p)
	case "outage":
		if elapsed >= c.At+c.For {
			return 1
		}
	}
	return 0
}
