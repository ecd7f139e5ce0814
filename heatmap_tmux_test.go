//go:build unix

package main

import (
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/charmbracelet/x/ansi"
)

// TestHeatmapInTmux watches the demo's hotspot form and dissolve on the Heatmap view, as a person
// would, at three terminal sizes, with and without colour: `shardstorm` with no arguments sends
// 30% of its records on the key "hot" to a 4-shard stream, so after a while the shard that key
// hashes to is dark (█ or ▓) over the map's latest seconds while the other three are light;
// `k` switches to spread keys (pool:1000), and within 15 s the hot shard's latest seconds are no
// longer at the limit. Colour runs also check, with `capture-pane -e`, that the cells are drawn
// in colour, and NO_COLOR runs that they are not.
func TestHeatmapInTmux(t *testing.T) {
	bin := buildBinary(t)
	var hot int // the shard the demo's hot key lands on
	if _, err := fmt.Sscanf(shardOfKey("hot", 4), "shardId-%d", &hot); err != nil {
		t.Fatal(err)
	}
	for _, sz := range [][2]int{{80, 24}, {120, 40}, {250, 70}} {
		for _, noColor := range []bool{true, false} {
			name := fmt.Sprintf("%dx%d_colour", sz[0], sz[1])
			env := ""
			if noColor {
				name, env = fmt.Sprintf("%dx%d_NO_COLOR", sz[0], sz[1]), "NO_COLOR=1 "
			}
			t.Run(name, func(t *testing.T) {
				term := newTerminal(t, sz[0], sz[1], env+fmt.Sprintf("%q", bin))
				term.waitFor("the dashboard to start", 60*time.Second, func(s string) bool { return strings.Contains(s, "q quit") })
				term.send("6")
				term.waitFor("the Heatmap view", 30*time.Second, func(s string) bool { return strings.Contains(s, "Heatmap 4 shards") })

				// The hotspot forms: after 20 s of history, the hot key's shard at its limit over the
				// latest seconds, the others light. The deadline is generous.
				term.waitFor(fmt.Sprintf("shard %d dark over its latest seconds, the others light", hot), 90*time.Second, func(s string) bool {
					hm, ok := readHeatmap(s)
					if !ok || len(hm.rows) != 4 || !hm.hasSeconds(hm.rows[hot], 20) {
						return false
					}
					for id, cells := range hm.rows {
						latest := hm.latest(cells)
						if id == hot && strings.Trim(latest, "█▓") != "" || id != hot && strings.ContainsAny(latest, "█▓") {
							return false
						}
					}
					return true
				})
				if noColor {
					if sgr := term.rowEscapes(); strings.Contains(sgr, "\x1b[") {
						t.Errorf("NO_COLOR, yet the heatmap's rows have escape sequences: %q", sgr)
					}
				} else if sgr := term.rowEscapes(); !strings.Contains(sgr, "38;") {
					t.Errorf("colour, yet the heatmap's rows have no foreground colours: %q", sgr)
				}

				// k spreads the keys: the hotspot dissolves within 15 s of the switch.
				term.send("k")
				term.waitFor("the key strategy to change", 30*time.Second, func(s string) bool { return strings.Contains(s, "keys pool:1000") })
				term.waitFor(fmt.Sprintf("shard %d to fade after k", hot), 15*time.Second, func(s string) bool {
					hm, ok := readHeatmap(s)
					return ok && len(hm.rows) == 4 && !strings.Contains(hm.latest(hm.rows[hot]), "█")
				})
				term.send("q")
				term.waitExit(60 * time.Second)
			})
		}
	}
}

// heatmapScreen is the Heatmap view read off the screen: each shard row's cells (by shard
// number), and where the cells are, from the time axis under them ("−1m … now").
type heatmapScreen struct {
	rows       map[int]string
	start, end int // rune columns of the cells
}

// latest is the cells of the map's last ~5 seconds (at least 3 columns).
func (hm heatmapScreen) latest(cells string) string {
	r := []rune(cells)
	n := max((hm.end-hm.start)*5/60, 3)
	return string(r[max(len(r)-n, 0):])
}

// hasSeconds reports whether a row has data over at least its latest n seconds (a row with
// nothing in a second is blank there).
func (hm heatmapScreen) hasSeconds(cells string, n int) bool {
	r := []rune(cells)
	k := (hm.end - hm.start) * n / 60
	return k <= len(r) && !strings.Contains(string(r[len(r)-k:]), " ")
}

func readHeatmap(screen string) (heatmapScreen, bool) {
	lines := strings.Split(screen, "\n")
	hm := heatmapScreen{rows: map[int]string{}}
	title, axis := -1, -1
	for i, l := range lines {
		switch {
		case strings.HasPrefix(l, "Heatmap "):
			title, axis = i, -1
		case title >= 0 && axis < 0 && strings.Contains(l, "−1m") && strings.Contains(l, "now"):
			axis = i
			hm.start = utf8.RuneCountInString(l[:strings.Index(l, "−")])
			hm.end = utf8.RuneCountInString(l[:strings.Index(l, "now")]) + len("now")
		}
	}
	if title < 0 || axis < 0 {
		return hm, false
	}
	for _, l := range lines[title+1 : axis] {
		id, ok := heatmapRowShard(l)
		if !ok {
			continue
		}
		r := []rune(l)
		for len(r) < hm.end {
			r = append(r, ' ') // capture-pane drops trailing blanks
		}
		hm.rows[id] = string(r[hm.start:hm.end])
	}
	return hm, true
}

// heatmapRowShard is the shard number of a row of one shard: the cursor marker (2 cells), the
// hot-key mark (1), then the number.
func heatmapRowShard(line string) (int, bool) {
	r := []rune(line)
	if len(r) < 9 {
		return 0, false
	}
	id, err := strconv.Atoi(strings.TrimSpace(string(r[3:8])))
	return id, err == nil
}

// rowEscapes is the escape sequences tmux keeps for the heatmap's rows (capture-pane -e): the
// colours the cells are drawn in.
func (tm *terminal) rowEscapes() string {
	out, _ := tm.tmux("capture-pane", "-p", "-e", "-t", tm.session)
	var b strings.Builder
	for _, l := range strings.Split(out, "\n") {
		if _, ok := heatmapRowShard(ansi.Strip(l)); ok && strings.Contains(l, "%") {
			for rest := l; ; {
				i := strings.Index(rest, "\x1b[")
				if i < 0 {
					break
				}
				j := strings.IndexByte(rest[i:], 'm')
				if j < 0 {
					break
				}
				b.WriteString(rest[i : i+j+1])
				rest = rest[i+j+1:]
			}
		}
	}
	return b.String()
}
