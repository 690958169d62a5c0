// Package cli is the shopqb command line: one Main that parses subcommands and
// flags (each flag also read from a SHOPQB_* environment variable) and starts
// the parts. Tests run it end to end exactly as the binary does.
package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"sort"
	"strings"
)

// Main is the shopqb program. Its fields are the process's outside world, so a
// test can run any subcommand in-process and read what it printed.
type Main struct {
	// Stdin is read by commands that take a secret on standard input (nil: os.Stdin).
	Stdin  io.Reader
	Stdout io.Writer
	Stderr io.Writer
	Getenv func(string) string
}

// command is one subcommand.
type command struct {
	name    string
	summary string
	run     func(ctx context.Context, m *Main, args []string) error
}

func (m *Main) commands() []command {
	return []command{
		{"serve", "run the shopqb server: Web Connector endpoint, webhooks, admin API, jobs", runServe},
		{"demo", "sync a simulated Shopify store into a simulated QuickBooks company and report", runDemo},
		{"sim", "run a simulator: `sim shopify` (Admin API) or `sim qbd` (QuickBooks + Web Connector)", runSim},
		{"qwc", "write the Web Connector .qwc file for a shop", runQWC},
		{"admin", "set up and operate shops: shops, token, settings, start, sync, status, reset", runAdmin},
		{"bench", "measure orders per second, postings per round trip and peak memory on a generated shop", runBench},
	}
}

// errUsage marks an error already explained by a usage message.
var errUsage = errors.New("usage")

// Run runs the command line and returns the process exit code.
func (m *Main) Run(ctx context.Context, args []string) int {
	if m.Getenv == nil {
		m.Getenv = os.Getenv
	}
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		m.usage(m.Stdout)
		if len(args) == 0 {
			return 2
		}
		return 0
	}
	for _, c := range m.commands() {
		if c.name == args[0] {
			err := c.run(ctx, m, args[1:])
			switch {
			case err == nil, errors.Is(err, flag.ErrHelp):
				return 0
			case errors.Is(err, errUsage):
				return 2
			case errors.Is(err, context.Canceled):
				fmt.Fprintln(m.Stderr, "shopqb: interrupted")
				return 130
			default:
				fmt.Fprintf(m.Stderr, "shopqb %s: %s\n", c.name, errorText(err))
				return exitCode(err)
			}
		}
	}
	fmt.Fprintf(m.Stderr, "shopqb: unknown command %q\n\n", args[0])
	m.usage(m.Stderr)
	return 2
}

func (m *Main) usage(w io.Writer) {
	fmt.Fprintln(w, "shopqb keeps a QuickBooks Desktop company file in step with a Shopify store.")
	fmt.Fprintln(w, "\nUsage: shopqb <command> [flags]   (shopqb <command> --help for its flags)")
	fmt.Fprintln(w, "\nCommands:")
	for _, c := range m.commands() {
		fmt.Fprintf(w, "  %-7s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(w, "\nEvery flag can also be set by an environment variable: --database-url is SHOPQB_DATABASE_URL.")
	fmt.Fprintln(w, "\n"+exitCodesHelp)
}

// flagSet makes a FlagSet whose help goes to stdout and whose defaults come
// from SHOPQB_* variables, so the same setting works as a flag or in a service file.
type flagSet struct {
	*flag.FlagSet
	m *Main
}

func (m *Main) newFlagSet(name, synopsis string) *flagSet {
	fs := flag.NewFlagSet("shopqb "+name, flag.ContinueOnError)
	fs.SetOutput(m.Stdout)
	fs.Usage = func() {
		fmt.Fprintf(m.Stdout, "Usage: shopqb %s\n\n%s\n\nFlags (each also SHOPQB_<NAME> in the environment):\n", name, synopsis)
		fs.PrintDefaults()
	}
	return &flagSet{FlagSet: fs, m: m}
}

func envName(flagName string) string {
	return "SHOPQB_" + strings.ToUpper(strings.ReplaceAll(flagName, "-", "_"))
}

// String defines a string flag defaulting to $SHOPQB_<NAME> or def.
func (f *flagSet) String(name, def, usage string) *string {
	if v := f.m.Getenv(envName(name)); v != "" {
		def = v
	}
	return f.FlagSet.String(name, def, usage)
}

// Int defines an int flag defaulting to $SHOPQB_<NAME> or def.
func (f *flagSet) Int(name string, def int, usage string) *int {
	if v := f.m.Getenv(envName(name)); v != "" {
		fmt.Sscanf(v, "%d", &def)
	}
	return f.FlagSet.Int(name, def, usage)
}

// Bool defines a bool flag defaulting to $SHOPQB_<NAME> or def.
func (f *flagSet) Bool(name string, def bool, usage string) *bool {
	if v := f.m.Getenv(envName(name)); v != "" {
		def = v == "1" || strings.EqualFold(v, "true") || strings.EqualFold(v, "yes")
	}
	return f.FlagSet.Bool(name, def, usage)
}

// logFlags are shared by every long-running command.
type logFlags struct {
	format *string
	level  *string
}

func (f *flagSet) logFlags() logFlags {
	return logFlags{
		format: f.String("log-format", "text", "log format: text (readable) or json"),
		level:  f.String("log-level", "info", "log level: debug, info, warn or error"),
	}
}

func (l logFlags) logger(w io.Writer) (*slog.Logger, error) {
	var lvl slog.Level
	if err := lvl.UnmarshalText([]byte(*l.level)); err != nil {
		return nil, fmt.Errorf("--log-level %q: use debug, info, warn or error", *l.level)
	}
	opts := &slog.HandlerOptions{Level: lvl}
	switch *l.format {
	case "text":
		return slog.New(slog.NewTextHandler(w, opts)), nil
	case "json":
		return slog.New(slog.NewJSONHandler(w, opts)), nil
	}
	return nil, fmt.Errorf("--log-format %q: use text or json", *l.format)
}

// parse parses flags, turning -h into flag.ErrHelp and extra words into a usage error.
func (f *flagSet) parse(args []string, allowArgs bool) error {
	if err := f.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return errUsage
	}
	if !allowArgs && f.NArg() > 0 {
		fmt.Fprintf(f.m.Stderr, "unexpected arguments: %s\n", strings.Join(f.Args(), " "))
		f.Usage()
		return errUsage
	}
	return nil
}

// subcommands dispatches a nested command such as `admin start`.
func (m *Main) subcommands(ctx context.Context, group string, subs map[string]func(context.Context, []string) error, summaries map[string]string, args []string) error {
	names := make([]string, 0, len(subs))
	for n := range subs {
		names = append(names, n)
	}
	sort.Strings(names)
	help := func(w io.Writer) {
		fmt.Fprintf(w, "Usage: shopqb %s <command> [flags]\n\nCommands:\n", group)
		for _, n := range names {
			fmt.Fprintf(w, "  %-10s %s\n", n, summaries[n])
		}
	}
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		help(m.Stdout)
		if len(args) == 0 {
			return errUsage
		}
		return flag.ErrHelp
	}
	run, ok := subs[args[0]]
	if !ok {
		fmt.Fprintf(m.Stderr, "shopqb %s: unknown command %q\n", group, args[0])
		help(m.Stderr)
		return errUsage
	}
	return run(ctx, args[1:])
}

// StringEnv defines a string flag whose environment variable is named explicitly.
func (f *flagSet) StringEnv(name, env, def, usage string) *string {
	if v := f.m.Getenv(env); v != "" {
		def = v
	}
	return f.FlagSet.String(name, def, usage+" ($"+env+")")
}

// databaseFlag is --database / SHOPQB_DATABASE_URL, shared by every command that opens the store.
func (f *flagSet) databaseFlag() *string {
	return f.StringEnv("database", "SHOPQB_DATABASE_URL", "shopqb.db", "database: a SQLite file path, or a postgres:// URL")
}
