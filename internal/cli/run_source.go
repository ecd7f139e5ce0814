package cli

import (
	"errors"
	"fmt"

	"github.com/shardstorm/shardstorm/internal/app"
	"github.com/shardstorm/shardstorm/workload"
)

// checkRecordSource builds the workload's record source once before anything starts, so a
// payload file that is missing or not text, or a shard:N key beyond the stream's shards,
// fails as a bad flag (exit 2) and not after the backend is up. On the embedded emulator the
// shards are known (an even split of --shards); elsewhere the keys that need the stream's
// shards are checked at start (see workloadFlagError).
func checkRecordSource(o app.Options, spec workload.Spec) error {
	var shards []workload.ShardRange
	if o.Backend() == "local" {
		shards = workload.EvenShards(o.Shards)
	} else if spec.Keys.Kind == workload.KeysEHK || spec.Keys.Kind == workload.KeysShard {
		spec.Keys = workload.KeySpec{Kind: workload.KeysRandom}
	}
	_, err := workload.NewSource(spec, shards)
	return workloadFlagError(err)
}

// workloadFlagError names the flag of a workload field error (keys → --keys); other errors
// are returned as they are.
func workloadFlagError(err error) error {
	var fe *workload.FieldError
	if err == nil || !errors.As(err, &fe) || fe.File != "" {
		return err
	}
	return fmt.Errorf("--%s: %w", workload.FlagName(fe.Field), fe.Err)
}
