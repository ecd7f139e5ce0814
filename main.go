// Command shardstorm is a load tester and live dashboard for Amazon Kinesis Data Streams
// producers, with an embedded emulator of Kinesis and its CloudWatch metrics. The command line
// lives in internal/cli; this file only hands it the process's arguments and streams.
package main

import (
	"io"
	"os"

	"github.com/shardstorm/shardstorm/internal/cli"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// run is the whole command line, as the end-to-end tests of this package call it in process.
func run(args []string, stdout, stderr io.Writer) int {
	return cli.Main(args, stdout, stderr)
}
