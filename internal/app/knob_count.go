package app

import (
	"fmt"
	"strconv"
)

// parseCount reads a count of records: a whole number, 0 or more.
func parseCount(s string) (int, error) {
	n, err := parseInt(s)
	if err != nil {
		return 0, err
	}
	if n < 0 {
		return 0, fmt.Errorf("want 0 or more")
	}
	return n, nil
}

func formatCount(n int) string { return strconv.Itoa(n) }
