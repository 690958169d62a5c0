package qbdsim

import (
	"bytes"
	"fmt"
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
