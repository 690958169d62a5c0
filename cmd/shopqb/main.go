// Command shopqb keeps a QuickBooks Desktop company file in step with a
// Shopify store. See the README for the two commands that matter first:
// `shopqb demo` and the test command.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/shopqb/shopqb/internal/cli"
)

func main() {
	// Ctrl-C (or a SIGTERM from a service manager) cancels the context; every
	// subcommand shuts its servers and jobs down cleanly from there.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	m := &cli.Main{Stdout: os.Stdout, Stderr: os.Stderr, Getenv: os.Getenv}
	os.Exit(m.Run(ctx, os.Args[1:]))
}
