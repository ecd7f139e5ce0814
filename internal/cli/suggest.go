package cli

import (
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// flagError words pflag's errors as the flag package did, which users and scripts know ("flag
// provided but not defined: -rat", `invalid value "x" for flag -keys: ...`), and adds "(did you
// mean --rate?)" to an unknown flag, choosing the closest flag of the command.
func flagError(c *cobra.Command, err error) error {
	var notExist *pflag.NotExistError
	var invalid *pflag.InvalidValueError
	var needs *pflag.ValueRequiredError
	switch {
	case errors.As(err, &notExist):
		name := notExist.GetSpecifiedName()
		if name == "" {
			name = notExist.GetSpecifiedShortnames()
		}
		msg := "flag provided but not defined: -" + name
		var names []string
		c.Flags().VisitAll(func(f *pflag.Flag) { names = append(names, f.Name) })
		if s := closest(name, names); s != "" {
			return fmt.Errorf("%s (did you mean --%s?)", msg, s)
		}
		return errors.New(msg)
	case errors.As(err, &invalid):
		return fmt.Errorf("invalid value %.80q for flag -%s: %w", invalid.GetValue(), invalid.GetFlag().Name, errors.Unwrap(invalid))
	case errors.As(err, &needs):
		return fmt.Errorf("flag needs an argument: -%s", needs.GetSpecifiedName())
	}
	return err
}

// closest picks the candidate with the smallest edit distance to name (ties: the first in sorted
// order), accepting a distance of at most a third of the name's length (at least 2), or a
// candidate that starts with name.
func closest(name string, candidates []string) string {
	if name == "" {
		return ""
	}
	sorted := append([]string(nil), candidates...)
	sort.Strings(sorted)
	best, bestD := "", -1
	for _, c := range sorted {
		if d := levenshtein(strings.ToLower(name), strings.ToLower(c)); bestD < 0 || d < bestD {
			best, bestD = c, d
		}
	}
	limit := max(2, len(name)/3)
	if bestD >= 0 && bestD <= limit {
		return best
	}
	for _, c := range sorted {
		if len(name) >= 3 && strings.HasPrefix(c, name) {
			return c
		}
	}
	return ""
}

// levenshtein is the edit distance between a and b (insertions, deletions, substitutions).
func levenshtein(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}
