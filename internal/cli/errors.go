package cli

import "github.com/shopqb/shopqb"

// exitCodes is the one mapping from shopqb's error codes to the process's
// exit status, so a script can tell "fix your input" from "try again later"
// from "shopqb failed". 2 is a command line that does not parse (errUsage),
// 130 an interrupt.
var exitCodes = map[string]int{
	shopqb.EInternal:       1,
	shopqb.EInvalid:        3,
	shopqb.ENotFound:       4,
	shopqb.EConflict:       5,
	shopqb.ELocked:         5,
	shopqb.EAlreadyStarted: 5,
	shopqb.ERefused:        6,
	shopqb.EUnauthorized:   7,
	shopqb.EUnavailable:    8,
}

// exitCode is the exit status for a command's error.
func exitCode(err error) int {
	if c, ok := exitCodes[shopqb.ErrorCode(err)]; ok {
		return c
	}
	return 1
}

// exitCodesHelp is the exit-status table for the usage text.
const exitCodesHelp = `Exit status: 0 done, 1 failed, 2 bad command line, 3 invalid input, 4 not found,
5 conflicts with the shop's state (taken, locked or already started), 6 refused until the listed
problems are fixed, 7 not allowed, 8 this server is not set up for it, 130 interrupted.`

// errorText is what the command line prints for err. The operator at the
// command line is the one who reads the server's log, so an internal error
// is printed whole, not replaced by a pointer to the log.
func errorText(err error) string { return err.Error() }
