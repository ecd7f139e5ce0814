package metrics

import _ "embed"

// summarySchema is summary.schema.json: the JSON Schema (draft 2020-12) of Summary's JSON.
//
//go:embed summary.schema.json
var summarySchema []byte

// SummarySchema returns the JSON Schema of the summary's JSON, for tools that check summaries
// (a headless run can write it beside the summary). The caller may keep the slice; it is a copy.
func SummarySchema() []byte { return append([]byte(nil), summarySchema...) }
