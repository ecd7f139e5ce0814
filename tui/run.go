package tui

import (
	"context"
	"errors"
	"fmt"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
)

// maxFPS caps screen writes: figures change at the frame interval, keys echo well within it.
const maxFPS = 30

// Run shows the dashboard on the terminal (alternate screen) until the user quits or ctx ends,
// and restores the terminal before it returns. A quit by the user returns nil; the end of ctx
// returns nil too (the run is over, not failed); anything else is the program's error. The keys
// act through the controls that controls offers (see Pauser and the interfaces beside it); nil
// makes a dashboard that only shows. Signals are the caller's: Run installs no handler, so the
// caller cancels ctx on SIGINT and SIGTERM (or they end the process).
func Run(ctx context.Context, src Source, controls any, opts Options) error {
	if src == nil {
		return errors.New("tui: Run needs a Source")
	}
	opts = opts.withDefaults()
	// Ask the terminal for its background once, before Bubble Tea owns its input: the adaptive
	// palette depends on it, and a query while the program reads keys would eat a key press.
	var termOpts []tea.ProgramOption
	if opts.Terminal != nil {
		// Colours and the background are the terminal's the dashboard draws on, not stdout's
		// (a file, which has none).
		lipgloss.SetDefaultRenderer(lipgloss.NewRenderer(opts.Terminal))
		termOpts = append(termOpts, tea.WithInput(opts.Terminal), tea.WithOutput(opts.Terminal))
	}
	lipgloss.HasDarkBackground()
	m := newModel(ctx, src, controls, opts)
	p := tea.NewProgram(m, append(termOpts, tea.WithAltScreen(), tea.WithContext(ctx), tea.WithFPS(maxFPS),
		// The caller owns the signals and cancels ctx on them. Bubble Tea's own handler would
		// race that cancel and can hang the program's shutdown (its handler blocks sending
		// InterruptMsg to an event loop that already ended), so SIGINT to the dashboard's
		// process once hung or exited 1.
		tea.WithoutSignalHandler())...)
	_, err := p.Run()
	// Ending the program through ctx (the caller's signal handling) is a quit like the Ctrl-C
	// key, not a failure.
	if err != nil && (errors.Is(err, tea.ErrProgramKilled) && ctx.Err() != nil) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("tui: %w", err)
	}
	return nil
}
