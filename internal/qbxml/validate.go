package qbxml

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
)

// Validate checks a complete qbXML document against an XSD (normally
// qbxmlops130.xsd) by running xmllint, the same check Intuit's SDK validator
// performs. It exists so tests in any package and the QuickBooks simulator can
// refuse a message that real QuickBooks would reject with a parse error.
// The returned error quotes xmllint's diagnostics, which name the element at fault.
func Validate(xmllintPath, schemaPath, doc string) error {
	if xmllintPath == "" || schemaPath == "" {
		return fmt.Errorf("validate qbXML: xmllint path and schema path are required")
	}
	dir, err := os.MkdirTemp("", "qbxml-validate-")
	if err != nil {
		return fmt.Errorf("validate qbXML: %w", err)
	}
	defer os.RemoveAll(dir)
	file := filepath.Join(dir, "message.xml")
	if err := os.WriteFile(file, []byte(doc), 0o600); err != nil {
		return fmt.Errorf("validate qbXML: %w", err)
	}
	// Compiling the 13.0 schema takes about a tenth of a second; a minute
	// means something is wrong with the environment, not the message.
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	// --nonet keeps xmllint from fetching anything a hostile document names.
	cmd := exec.CommandContext(ctx, xmllintPath, "--noout", "--nonet", "--schema", schemaPath, file)
	var out bytes.Buffer
	cmd.Stdout = &out
	cmd.Stderr = &out
	if err := cmd.Run(); err != nil {
		msg := strings.TrimSpace(strings.ReplaceAll(out.String(), file, "message"))
		if _, ok := err.(*exec.ExitError); ok {
			return fmt.Errorf("qbXML does not validate against %s: %s", filepath.Base(schemaPath), msg)
		}
		return fmt.Errorf("validate qbXML: run xmllint: %w: %s", err, msg)
	}
	return nil
}
