package advisor

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/shardstorm/shardstorm/metrics"
)

// The KMS errors Kinesis answers writes to an encrypted stream with, and what each means.
var kmsErrors = []struct{ code, title, advice string }{
	{"KMSAccessDeniedException", "KMS permission denied", ""},
	{"KMSDisabledException", "KMS key disabled", "The stream's KMS key is disabled: enable it (kms:EnableKey) or re-encrypt the stream with a usable key (StartStreamEncryption)."},
	{"KMSNotFoundException", "KMS key not found", "The stream's KMS key does not exist (deleted, or an alias pointing nowhere): re-encrypt the stream with an existing key (StartStreamEncryption), or StopStreamEncryption."},
	{"KMSInvalidStateException", "KMS key in an invalid state", "The stream's KMS key cannot be used in its state (pending deletion or import): cancel the deletion (kms:CancelKeyDeletion) or re-encrypt the stream with another key."},
	{"KMSOptInRequired", "KMS not enabled for the account", "The account is not subscribed to AWS KMS: opt in, or StopStreamEncryption."},
	{"KMSThrottlingException", "KMS throttling", "KMS throttled GenerateDataKey for the stream's key: raise the account's KMS request quota for the key's region, or reduce the number of producers creating data keys."},
}

var (
	kmsKeyARN    = regexp.MustCompile(`arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:(?:key|alias)/[A-Za-z0-9/_+=.@-]+`)
	kmsPrincipal = regexp.MustCompile(`User: (arn:aws[a-z-]*:[a-z]+::\d{12}:[^\s]+)`)
	assumedRole  = regexp.MustCompile(`^arn:(aws[a-z-]*):sts::(\d{12}):assumed-role/([^/]+)/`)
)

// kmsDenied: writes to a KMS-encrypted stream fail on the key. Nothing reaches the stream until
// the key or the grant is fixed, and no retry helps.
func kmsDenied(w *window, in *Input) []metrics.Finding {
	var out []metrics.Finding
	for _, k := range kmsErrors {
		rate := w.errorRate(k.code)
		if !(rate > 0) {
			continue
		}
		msg := in.LastErrors[k.code]
		f := metrics.Finding{
			Rule: "kms-error", Severity: Critical, Title: k.title,
			Summary:  fmt.Sprintf("writes fail with %s (%s attempts/s): %s", k.code, count(rate), firstLine(msg)),
			Advice:   k.advice,
			Evidence: map[string]any{"error_code": k.code, "attempts_per_sec": round3(rate), "message": msg},
		}
		key := kmsKeyARN.FindString(msg)
		if key != "" {
			f.Evidence["key_arn"] = key
		}
		if k.code == "KMSAccessDeniedException" {
			f.Rule = "kms-access-denied"
			f.Advice = kmsGrantAdvice(key, kmsPrincipal.FindStringSubmatch(msg))
		}
		out = append(out, f)
	}
	return out
}

// kmsGrantAdvice says who needs what on which key, and where to grant it.
func kmsGrantAdvice(key string, principal []string) string {
	if key == "" {
		key = "the stream's KMS key (DescribeStreamSummary shows its KeyId)"
	}
	who := "the producer's IAM principal"
	if len(principal) == 2 {
		who = principal[1]
		if m := assumedRole.FindStringSubmatch(principal[1]); m != nil {
			who = fmt.Sprintf("the role arn:%s:iam::%s:role/%s", m[1], m[2], m[3])
		}
	}
	return fmt.Sprintf("Producers need kms:GenerateDataKey on %s (consumers need kms:Decrypt). Grant it to %s: in the key policy (a statement allowing the principal kms:GenerateDataKey), or in the principal's IAM policy when the key policy delegates to IAM (the default key policy's \"Enable IAM User Permissions\" statement). Retrying does not help: nothing reaches the stream until the grant is in place.",
		key, who)
}

func firstLine(msg string) string {
	if msg == "" {
		return "no message recorded"
	}
	msg, _, _ = strings.Cut(msg, "\n")
	return strings.TrimSpace(msg)
}
