package app

import "context"

// A watch sends no load, so of the dashboard's controls it offers only resharding: the
// dashboard asks the user first (a stream someone else runs), then calls ScaleShards.

// ScaleShards calls UpdateShardCount with uniform scaling (the user confirmed it), and notes it
// in the watch's event log.
func (w *Watch) ScaleShards(ctx context.Context, target int) (string, error) {
	msg, err := scaleShards(ctx, w.kin, w.opts.Stream, target)
	if err == nil {
		w.events.Addf(Info, "%s", msg)
	}
	return msg, err
}
