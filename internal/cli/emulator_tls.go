package cli

import (
	"crypto/tls"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"time"

	"github.com/spf13/pflag"

	"github.com/shardstorm/shardstorm/emulator"
)

// emulatorTLS are the flags that put the emulator behind TLS, for clients that insist on https
// (or on HTTP/2 over TLS, as the AWS SDK for Java's async client does).
type emulatorTLS struct {
	on            bool   // --tls: a generated self-signed certificate
	cert, key     string // --tls-cert/--tls-key: the user's own
	generatedPath string // --tls-cert-out: where the generated certificate is written
}

func bindEmulatorTLSFlags(fs *pflag.FlagSet, t *emulatorTLS) {
	fs.BoolVar(&t.on, "tls", false, "serve https with a generated self-signed certificate (written to --tls-cert-out, for clients to trust)")
	fs.StringVar(&t.cert, "tls-cert", "", "serve https with this certificate `FILE` (PEM; with --tls-key)")
	fs.StringVar(&t.key, "tls-key", "", "the private key `FILE` of --tls-cert (PEM)")
	fs.StringVar(&t.generatedPath, "tls-cert-out", defaultCertPath(), "where --tls writes its certificate (PEM), for AWS_CA_BUNDLE and the like")
}

// defaultCertPath is the user's config directory, where a certificate can be trusted once and
// stays put; the working directory when there is none.
func defaultCertPath() string {
	dir, err := os.UserConfigDir()
	if err != nil {
		return "shardstorm-emulator-cert.pem"
	}
	return filepath.Join(dir, "shardstorm", "emulator-cert.pem")
}

// enabled reports whether any TLS flag asks for https.
func (t emulatorTLS) enabled() bool { return t.on || t.cert != "" || t.key != "" }

// check refuses inconsistent TLS flags before anything listens.
func (t emulatorTLS) check() []error {
	var errs []error
	if t.generatedPath == "" {
		errs = append(errs, errors.New("--tls-cert-out is empty: want the file --tls writes its certificate to"))
	}
	switch {
	case t.on && (t.cert != "" || t.key != ""):
		errs = append(errs, errors.New("--tls generates a certificate; --tls-cert and --tls-key bring your own: give one or the other"))
	case (t.cert == "") != (t.key == ""):
		errs = append(errs, errors.New("--tls-cert and --tls-key go together: give both"))
	}
	return errs
}

// certificate loads the user's certificate, or generates one for the address's host and writes
// it where clients can trust it (returning that path).
func (t emulatorTLS) certificate(addr string) (tls.Certificate, string, error) {
	if t.cert != "" {
		c, err := tls.LoadX509KeyPair(t.cert, t.key)
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return tls.Certificate{}, "", usageError{fmt.Errorf("--tls-cert/--tls-key: %w", err)}
			}
			return tls.Certificate{}, "", usageError{fmt.Errorf("--tls-cert %s with --tls-key %s: not a PEM certificate and its key: %w", t.cert, t.key, err)}
		}
		return c, "", nil
	}
	hosts := []string{"127.0.0.1", "::1", "localhost"}
	if host, _, err := net.SplitHostPort(addr); err == nil && host != "" && host != "0.0.0.0" && host != "::" {
		hosts = append(hosts, host)
	}
	certPEM, keyPEM, err := emulator.SelfSignedCertificate(hosts, time.Now())
	if err != nil {
		return tls.Certificate{}, "", err
	}
	if err := os.MkdirAll(filepath.Dir(t.generatedPath), 0o755); err != nil {
		return tls.Certificate{}, "", usageError{fmt.Errorf("--tls-cert-out %s: %w", t.generatedPath, err)}
	}
	if err := os.WriteFile(t.generatedPath, certPEM, 0o644); err != nil {
		return tls.Certificate{}, "", usageError{fmt.Errorf("--tls-cert-out %s: %w", t.generatedPath, err)}
	}
	c, err := tls.X509KeyPair(certPEM, keyPEM)
	return c, t.generatedPath, err
}
