package qbdsim

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"strings"
)

// XMLLintValidator returns a request check that runs xmllint against the
// qbXML root schema (qbxmlops130.xsd), the way QuickBooks' own parser
// rejects out-of-order or ill-typed elements. The qbxml processing
// instruction is not part of the schema and is checked by ProcessRequest.
func XMLLintValidator(xmllint, schema string) func(string) error {
	return func(request string) error {
		cmd := exec.Command(xmllint, "--noout", "--nonet", "--schema", schema, "-")
		cmd.Stdin = strings.NewReader(request)
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		if err := cmd.Run(); err != nil {
			return fmt.Errorf("qbXML fails the schema: %s", strings.TrimSpace(stderr.String()))
		}
		return nil
	}
}

// XMLLintIfAvailable returns XMLLintValidator for the schema when xmllint is
// on the PATH and the schema file exists, and nil otherwise, so the simulator
// checks requests wherever it can without making xmllint a requirement.
func XMLLintIfAvailable(schema string) func(string) error {
	path, err := exec.LookPath("xmllint")
	if err != nil {
		return nil
	}
	if _, err := os.Stat(schema); err != nil {
		return nil
	}
	return XMLLintValidator(path, schema)
}
