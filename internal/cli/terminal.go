package cli

import (
	"errors"
	"io"
	"os"

	"github.com/charmbracelet/x/term"
)

// dashboardTerminal decides where the dashboard draws, as oha does: on stdout when it is a
// terminal; when stdout is not (`shardstorm > out.txt`), on the controlling terminal
// (/dev/tty), so the file gets the summary alone; with no terminal at all, or TERM=dumb (no
// cursor addressing), nowhere: the run goes headless, and why is the error (one line for
// stderr). tty is nil when the dashboard draws on stdout; the caller closes it.
func dashboardTerminal(stdout io.Writer, getenv func(string) string, openTTY func() (*os.File, error)) (tty *os.File, headless error) {
	if getenv("TERM") == "dumb" {
		return nil, errors.New("TERM=dumb: the dashboard needs cursor addressing; running headless (progress on stderr)")
	}
	if f, ok := stdout.(*os.File); ok && term.IsTerminal(f.Fd()) {
		return nil, nil
	}
	tty, err := openTTY()
	if err != nil {
		return nil, errors.New("no terminal (stdout is not one and there is no controlling terminal): running headless (progress on stderr)")
	}
	return tty, nil
}

// openControllingTerminal opens /dev/tty for reading keys and drawing.
func openControllingTerminal() (*os.File, error) {
	return os.OpenFile("/dev/tty", os.O_RDWR, 0)
}
