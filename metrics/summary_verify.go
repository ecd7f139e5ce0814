package metrics

// VerifySummary is the read-back's check of a run (shardstorm run --verify): what the stream holds
// of the run's records against what the producer said about each. Every record handed to the
// producer is in exactly one outcome's Found or NotFound.
type VerifySummary struct {
	RunID string `json:"run_id"`
	// EnvelopeBytes is what the envelope adds to every record's payload (the sizes above
	// include it).
	EnvelopeBytes int   `json:"envelope_bytes"`
	Records       int64 `json:"records"`

	Acknowledged VerifyBucket `json:"acknowledged"`
	MaybeStored  VerifyBucket `json:"maybe_stored"`
	NotStored    VerifyBucket `json:"not_stored"`
	NeverSent    VerifyBucket `json:"never_sent"`
	// Refused: the producer refused the record when handed over (buffers full, closing).
	Refused VerifyBucket `json:"refused"`
	// Unresolved: the producer never said (the drain ended first).
	Unresolved VerifyBucket `json:"unresolved"`

	StoredOnce            int64 `json:"stored_once"`
	StoredMoreThanOnce    int64 `json:"stored_more_than_once"`
	ExtraCopies           int64 `json:"extra_copies"`
	DuplicatesAfterRetry  int64 `json:"duplicates_after_retry"`
	DuplicatesWrongShard  int64 `json:"duplicates_wrong_shard"`
	DuplicatesUnexplained int64 `json:"duplicates_unexplained"`
	// Missing: acknowledged but not found (data loss). Anomalies: said not stored but found,
	// plus Unknown. Unaccounted: records in no bucket or unresolved.
	Missing              int64      `json:"missing"`
	Anomalies            int64      `json:"anomalies"`
	Unaccounted          int64      `json:"unaccounted"`
	Unknown              int64      `json:"unknown"`
	OrderViolations      int64      `json:"order_violations"`
	KCLDroppedSubRecords int64      `json:"kcl_dropped_sub_records"`
	KCLDroppedOnly       int64      `json:"kcl_dropped_only"`
	Foreign              int64      `json:"foreign"`
	Malformed            int64      `json:"malformed"`
	MissingSample        []uint64   `json:"missing_sample"`
	Cost                 VerifyCost `json:"cost"`
}

// VerifyBucket counts the records of one outcome found in the stream and not found.
type VerifyBucket struct {
	Found    int64 `json:"found"`
	NotFound int64 `json:"not_found"`
}

// VerifyCost is what the read-back cost.
type VerifyCost struct {
	Shards                int     `json:"shards"`
	ListShardsCalls       int64   `json:"list_shards_calls"`
	GetShardIteratorCalls int64   `json:"get_shard_iterator_calls"`
	GetRecordsCalls       int64   `json:"get_records_calls"`
	Throttles             int64   `json:"throttles"`
	Bytes                 int64   `json:"bytes"`
	Seconds               float64 `json:"seconds"`
}
