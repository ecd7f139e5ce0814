package cloudwatch

import (
	"context"
	"errors"
	"sync"
	"time"

	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/smithy-go"
)

// Status is how talking to CloudWatch goes, for the poller and the publisher alike.
type Status int

const (
	// Pending: nothing has been attempted yet.
	Pending Status = iota
	// OK: the last attempt succeeded in full.
	OK
	// Degraded: data still flows but not all of it (some queries or batches failed,
	// the enhanced-monitoring check failed), or a recent success is followed by a few failures.
	Degraded
	// Unavailable: CloudWatch cannot be reached or keeps failing (network, 5xx,
	// throttling, bad requests), and no recent attempt succeeded.
	Unavailable
	// AccessDenied: the service refused the caller's permissions (e.g. no
	// cloudwatch:GetMetricData in the policy) or credentials. Retrying will not help until
	// IAM or the credentials change, so the dashboard should say so rather than "unavailable".
	AccessDenied
	// Disabled: the component is switched off by configuration.
	Disabled
)

func (s Status) String() string {
	switch s {
	case Pending:
		return "Pending"
	case OK:
		return "OK"
	case Degraded:
		return "Degraded"
	case Unavailable:
		return "Unavailable"
	case AccessDenied:
		return "AccessDenied"
	case Disabled:
		return "Disabled"
	}
	return "Status(?)"
}

// State is what a dashboard shows about the CloudWatch link: never a blank, always a
// status and, when something is wrong, the service's own message.
type State struct {
	Status      Status
	Err         string    // the last error's full message, "" when Status is OK
	Code        string    // the service's error code when it gave one (e.g. "AccessDenied")
	Since       time.Time // when Status last changed
	LastSuccess time.Time // the last attempt that returned data (in full or in part)
	Failures    int       // consecutive failed attempts
	NextAttempt time.Time // when the background loop tries again (zero when not running)
}

// stateTracker keeps a State up to date. unavailableAfter consecutive failures turn a
// Degraded link into Unavailable: one failed poll between good ones is a blip, not an outage.
type stateTracker struct {
	mu               sync.Mutex
	st               State
	unavailableAfter int
}

func (t *stateTracker) state() State {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.st
}

func (t *stateTracker) setStatus(s Status, now time.Time) {
	if t.st.Status != s || t.st.Since.IsZero() {
		t.st.Status, t.st.Since = s, now
	}
}

// succeeded records an attempt that returned data; partial, when not nil, is what was missing.
func (t *stateTracker) succeeded(now time.Time, partial error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.st.LastSuccess, t.st.Failures = now, 0
	if partial == nil {
		t.setStatus(OK, now)
		t.st.Err, t.st.Code = "", ""
		return
	}
	t.setStatus(Degraded, now)
	t.st.Err, t.st.Code = partial.Error(), errorCode(partial)
}

// failed records an attempt that returned nothing.
func (t *stateTracker) failed(now time.Time, err error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.st.Failures++
	t.st.Err, t.st.Code = err.Error(), errorCode(err)
	switch {
	case accessDenied(err):
		t.setStatus(AccessDenied, now)
	case t.st.LastSuccess.IsZero() || t.st.Failures >= t.unavailableAfter:
		t.setStatus(Unavailable, now)
	default:
		t.setStatus(Degraded, now)
	}
}

func (t *stateTracker) setNextAttempt(at time.Time) {
	t.mu.Lock()
	t.st.NextAttempt = at
	t.mu.Unlock()
}

func (t *stateTracker) failures() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.st.Failures
}

// errorCode is the API error code in err, "" for transport errors.
func errorCode(err error) string {
	var api smithy.APIError
	if errors.As(err, &api) {
		return api.ErrorCode()
	}
	return ""
}

// Codes AWS uses for "you may not" (IAM) and "who are you?" (credentials). CloudWatch is
// awsQuery-compatible, so the SDK reports the query code (AccessDenied) while other services
// and proxies use the JSON shape names; both are listed.
var deniedCodes = map[string]bool{
	"AccessDenied": true, "AccessDeniedException": true, "UnauthorizedOperation": true,
	"AuthorizationError": true, "NotAuthorized": true, "OptInRequired": true,
	"InvalidClientTokenId": true, "UnrecognizedClientException": true, "SignatureDoesNotMatch": true,
	"InvalidSignatureException": true, "ExpiredToken": true, "ExpiredTokenException": true,
	"MissingAuthenticationToken": true, "IncompleteSignature": true,
}

// accessDenied tells permission and credential refusals apart from outages: a 403 or one of
// the codes above.
func accessDenied(err error) bool {
	if deniedCodes[errorCode(err)] {
		return true
	}
	var re *awshttp.ResponseError
	return errors.As(err, &re) && re.HTTPStatusCode() == 403
}

// invalidRequest is CloudWatch refusing the request itself (a client fault that is neither
// throttling nor about access): sent again, it would be refused again. The publisher drops such
// a batch instead of retrying it forever; denied access, by contrast, may be fixed meanwhile.
func invalidRequest(err error) bool {
	var api smithy.APIError
	if !errors.As(err, &api) || api.ErrorFault() != smithy.FaultClient || accessDenied(err) {
		return false
	}
	switch api.ErrorCode() {
	case "Throttling", "ThrottlingException", "LimitExceeded", "LimitExceededException", "RequestLimitExceeded":
		return false
	}
	return true
}

// cwCancelled is an error caused by the caller giving up (Stop), not by CloudWatch: it must not
// turn the state red.
func cwCancelled(ctx context.Context, err error) bool {
	return ctx.Err() != nil && (errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded))
}
