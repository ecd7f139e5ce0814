package emulator

import (
	"fmt"
	"net/http"
)

// apiError is an error the way AWS answers it: an error type name (the awsJson1_1 `__type` or the
// CloudWatch CBOR `__type`), a message, and the HTTP status.
type apiError struct {
	Type    string
	Message string
	Status  int
}

func (e *apiError) Error() string { return e.Type + ": " + e.Message }

func newAPIError(status int, typ, format string, args ...any) *apiError {
	return &apiError{Type: typ, Message: fmt.Sprintf(format, args...), Status: status}
}

func errInvalidArgument(format string, args ...any) *apiError {
	return newAPIError(http.StatusBadRequest, "InvalidArgumentException", format, args...)
}

func errValidation(format string, args ...any) *apiError {
	return newAPIError(http.StatusBadRequest, "ValidationException", "1 validation error detected: "+format, args...)
}

func (e *Emulator) errStreamNotFound(name string) *apiError {
	return newAPIError(http.StatusBadRequest, "ResourceNotFoundException",
		"Stream %s under account %s not found.", name, e.cfg.AccountID)
}

func (e *Emulator) errStreamInUse(name string) *apiError {
	return newAPIError(http.StatusBadRequest, "ResourceInUseException",
		"Stream %s under account %s already exists.", name, e.cfg.AccountID)
}

func (e *Emulator) errStreamLimit(name string) *apiError {
	return newAPIError(http.StatusBadRequest, "LimitExceededException",
		"Rate exceeded for stream %s under account %s.", name, e.cfg.AccountID)
}

func (e *Emulator) errShardThrottled(shardID, stream string) (code, message string) {
	return "ProvisionedThroughputExceededException",
		fmt.Sprintf("Rate exceeded for shard %s in stream %s under account %s.", shardID, stream, e.cfg.AccountID)
}

const (
	codeInternalFailure    = "InternalFailure"
	messageInternalFailure = "Internal service failure."
)
