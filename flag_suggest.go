package main

import (
	"errors"
	"flag"
	"fmt"
	"sort"
	"strings"
)

const undefinedFlagPrefix = "flag provided but not defined: "

// withFlagSuggestion adds "(did you mean --rate?)" to the flag package's error for an unknown
// flag, choosing the closest flag defined on fs. Other errors pass through unchanged.
func withFlagSuggestion(err error, fs *flag.FlagSet) error {
	if err == nil {
		return nil
	}
	msg := err.Error()
	name, ok := strings.CutPrefix(msg, undefinedFlagPrefix)
	if !ok {
		return err
	}
	if s := closestFlag(fs, strings.TrimLeft(name, "-")); s != "" {
		return fmt.Errorf("%s (did you mean --%s?)", msg, s)
	}
	return err
}

// closestFlag returns the name defined on fs nearest to name, or "" when none is near enough to
// be a likely typo.
func closestFlag(fs *flag.FlagSet, name string) string {
	var names []string
	fs.VisitAll(func(f *flag.Flag) { names = append(names, f.Name) })
	return closest(name, names)
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

// parseFlags parses args on fs, turning the flag package's errors into usage errors with a
// suggestion for a misspelt flag name.
func parseFlags(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return usageError{withFlagSuggestion(err, fs)}
	}
	if fs.NArg() > 0 {
		return usageError{fmt.Errorf("unexpected arguments %q", fs.Args())}
	}
	return nil
}
