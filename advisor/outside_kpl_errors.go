package advisor

import (
	"fmt"
	"sort"
	"strings"

	"github.com/shardstorm/shardstorm/metrics"
)

// throttleCode is the error the KPL counts for a record a shard refused.
const throttleCode = "ProvisionedThroughputExceededException"

// producerErrors: the producer's ErrorsByCode. KMS errors are named as such (the KMS rule's
// titles and advice, the stream's key from DescribeStreamSummary); the other codes make one
// finding listing each code with its rate.
func producerErrors(o *outside, p producerSource) []metrics.Finding {
	var out []metrics.Finding
	others := map[string]float64{}
	for _, code := range p.errorCodes() {
		rate, byAgent := p.rate("ErrorsByCode", code)
		if !(rate > 0) {
			continue
		}
		k, isKMS := kmsErrorFor(code)
		if !isKMS {
			others[code] = rate
			continue
		}
		_, who := standout(byAgent, rate)
		f := metrics.Finding{
			Rule: "kms-error", Severity: Critical, Title: k.title,
			Summary:  fmt.Sprintf("writes from %s fail with %s (%s errors/s); the stream's encryption: %s%s", p.who, code, count(rate), encryptionText(o.v.Stream), who),
			Advice:   k.advice,
			Evidence: map[string]any{"error_code": code, "errors_per_sec": round3(rate)},
			Basis:    p.basis,
		}
		if key := o.v.Stream.KeyID; key != "" {
			f.Evidence["key_id"] = key
		}
		if code == "KMSAccessDeniedException" {
			f.Rule = "kms-access-denied"
			f.Advice = kmsGrantAdvice(o.v.Stream.KeyID, nil)
		}
		if p.agents {
			f.Evidence["errors_per_sec_by_agent"] = agentEvidence(byAgent)
		}
		out = append(out, f)
	}
	if len(others) == 0 {
		return out
	}
	codes := make([]string, 0, len(others))
	var total float64
	for c, r := range others {
		codes = append(codes, c)
		total += r
	}
	sort.Slice(codes, func(i, j int) bool {
		return others[codes[i]] > others[codes[j]] || others[codes[i]] == others[codes[j]] && codes[i] < codes[j]
	})
	parts, advice := make([]string, len(codes)), make([]string, 0, len(codes))
	evidence := map[string]float64{}
	for i, c := range codes {
		parts[i] = fmt.Sprintf("%s %s/s", c, count(others[c]))
		evidence[c] = round3(others[c])
		advice = append(advice, errorCodeAdvice(c))
	}
	severity := Warning
	if len(codes) == 1 && codes[0] == throttleCode {
		severity = Info // throttles alone: the capacity, hot-shard and burst rules say why
	}
	out = append(out, metrics.Finding{
		Rule: "kpl-errors", Severity: severity, Title: "Producer errors by code",
		Summary:  fmt.Sprintf("%s errors/s in %s (ErrorsByCode): %s", count(total), p.who, strings.Join(parts, ", ")),
		Advice:   strings.Join(advice, " "),
		Evidence: map[string]any{"errors_per_sec": evidence},
		Basis:    p.basis,
	})
	return out
}

// kmsErrorFor finds a code in the KMS rule's table.
func kmsErrorFor(code string) (struct{ code, title, advice string }, bool) {
	for _, k := range kmsErrors {
		if k.code == code {
			return k, true
		}
	}
	return struct{ code, title, advice string }{}, false
}

func encryptionText(s metrics.OutsideStream) string {
	switch {
	case s.Encryption == "":
		return "not described"
	case s.KeyID != "":
		return s.Encryption + " with key " + s.KeyID
	}
	return s.Encryption
}

// errorCodeAdvice says what an error code from a producer's ErrorsByCode means and what to do.
func errorCodeAdvice(code string) string {
	switch code {
	case throttleCode:
		return code + ": a shard refused records; they are retried until RecordTtl (see the stream-capacity, hot-shard or write-bursts finding)."
	case "ResourceNotFoundException":
		return code + ": the stream is not found where the producer writes: check its stream name, region and account."
	case "AccessDeniedException":
		return code + ": the producer's principal lacks kinesis:PutRecords (or kinesis:PutRecord) on the stream: grant it."
	case "ValidationException", "InvalidArgumentException":
		return code + ": requests are malformed (a record over 1 MiB, a partition key over 256 characters, an ExplicitHashKey out of range): fix the records; retrying does not help."
	case "Expired":
		return code + ": records reached RecordTtl (see the records-expiring finding)."
	}
	if strings.Contains(code, "Timeout") || strings.Contains(code, "Internal") || strings.Contains(code, "ServiceUnavailable") {
		return code + ": transient failures or slow answers; they are retried — persistent ones call for a longer RequestTimeout or a closer endpoint."
	}
	return code + ": look for it in the producer's logs."
}

// errorRates are the producer's errors per second by code.
func (p producerSource) errorRates() map[string]float64 {
	out := map[string]float64{}
	for _, c := range p.errorCodes() {
		if r, _ := p.rate("ErrorsByCode", c); r > 0 {
			out[c] = round3(r)
		}
	}
	return out
}

// throttleErrors is the producer's throttled records per second (0 when it publishes none).
func (p producerSource) throttleErrors() float64 {
	r, _ := p.rate("ErrorsByCode", throttleCode)
	return nanTo(r, 0)
}

// topErrors lists the commonest error codes with their rates.
func (p producerSource) topErrors() string {
	rates := p.errorRates()
	if len(rates) == 0 {
		return "no error code published"
	}
	codes := make([]string, 0, len(rates))
	for c := range rates {
		codes = append(codes, c)
	}
	sort.Slice(codes, func(i, j int) bool {
		return rates[codes[i]] > rates[codes[j]] || rates[codes[i]] == rates[codes[j]] && codes[i] < codes[j]
	})
	parts := make([]string, 0, 3)
	for _, c := range codes[:min(3, len(codes))] {
		parts = append(parts, fmt.Sprintf("%s %s/s", c, count(rates[c])))
	}
	return strings.Join(parts, ", ")
}
