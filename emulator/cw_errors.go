package emulator

import "net/http"

// CloudWatch error shapes. CloudWatch is awsQueryCompatible: besides the shape name in `__type`,
// each error carries its old awsQuery code in the X-Amzn-Query-Error header, and the SDK reports
// that code from ErrorCode() (types.InvalidParameterValueException.ErrorCode() is
// "InvalidParameterValue"). Errors outside the model (SerializationException,
// UnknownOperationException, ...) keep their name as their code.
const (
	cwInvalidParameterValue       = "InvalidParameterValueException"
	cwMissingParameter            = "MissingRequiredParameterException"
	cwInvalidParameterCombination = "InvalidParameterCombinationException"
	cwInvalidNextToken            = "InvalidNextToken"
	cwValidation                  = "ValidationException"
	cwInternalServiceFault        = "InternalServiceFault"
	cwSerialization               = "SerializationException"
	cwUnknownOperation            = "UnknownOperationException"
	cwUnsupportedMediaType        = "UnsupportedMediaTypeException"
	cwRequestTooLarge             = "RequestEntityTooLargeException"
	cwMethodNotAllowed            = "MethodNotAllowedException"
)

// cwShapeNamespace prefixes a modeled error's name to make the absolute shape ID that the RPCv2
// protocol puts in `__type`.
const cwShapeNamespace = "com.amazonaws.cloudwatch#"

// cwQueryCodes maps the modeled error shapes to their awsQuery codes (from the SDK's schemas).
var cwQueryCodes = map[string]string{
	cwInvalidParameterValue:       "InvalidParameterValue",
	cwMissingParameter:            "MissingParameter",
	cwInvalidParameterCombination: "InvalidParameterCombination",
	cwInvalidNextToken:            "InvalidNextToken",
	cwValidation:                  "ValidationError",
	cwInternalServiceFault:        "InternalServiceError",
}

func cwErrInvalidParameter(format string, args ...any) *apiError {
	return newAPIError(http.StatusBadRequest, cwInvalidParameterValue, format, args...)
}

func cwErrMissing(format string, args ...any) *apiError {
	return newAPIError(http.StatusBadRequest, cwMissingParameter, format, args...)
}

func cwErrCombination(format string, args ...any) *apiError {
	return newAPIError(http.StatusBadRequest, cwInvalidParameterCombination, format, args...)
}

// cwErrValidation is what GetMetricData answers for a bad query (CloudWatch's "ValidationError").
func cwErrValidation(format string, args ...any) *apiError {
	return newAPIError(http.StatusBadRequest, cwValidation, format, args...)
}

func cwErrSerialization(format string, args ...any) *apiError {
	return newAPIError(http.StatusBadRequest, cwSerialization, format, args...)
}
