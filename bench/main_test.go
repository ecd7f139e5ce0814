package main

import (
	"os"
	"testing"
)

// TestMain lets the test binary play a contender process, as the bench binary does: the
// end-to-end tests start it with the hidden role argument.
func TestMain(m *testing.M) {
	if len(os.Args) > 1 && os.Args[1] == childRole {
		os.Exit(childMain(os.Args[2:], os.Stdin, os.Stdout, os.Stderr))
	}
	os.Exit(m.Run())
}
