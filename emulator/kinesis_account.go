package emulator

// opDescribeAccountSettings answers the account-level settings call the SDKs' models carry: the
// emulator's account has no minimum throughput billing commitment (AWS's answer for an account
// that never enabled one).
func (e *Emulator) opDescribeAccountSettings(req request) (any, *apiError) {
	if _, aerr := decodeInput[struct{}](req.body); aerr != nil {
		return nil, aerr
	}
	type commitment struct {
		Status string `json:"Status"`
	}
	return struct {
		MinimumThroughputBillingCommitment commitment `json:"MinimumThroughputBillingCommitment"`
	}{commitment{Status: "DISABLED"}}, nil
}
