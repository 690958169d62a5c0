package stocky

import (
	"archive/zip"
	"bytes"
	"errors"
	"fmt"
	"io"
	"path"
	"strings"
)

// maxArchiveEntry bounds one unpacked file of an uploaded archive, so a
// small upload cannot unpack into gigabytes.
const maxArchiveEntry = 64 << 20

// ImportArchiveZip reads an uploaded zip of Stocky v2 JSON, the same files
// ImportArchive reads from a folder, with the same rules: every file that
// cannot be read is reported with its name, and the records of the others
// are returned beside the error.
func ImportArchiveZip(data []byte) (*Archive, error) {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil, fmt.Errorf("stocky archive: not a zip file: %w", err)
	}
	b := newArchiveBuilder()
	var problems []error
	files := 0
	for _, f := range zr.File {
		name := path.Clean(f.Name)
		if f.FileInfo().IsDir() || !strings.EqualFold(path.Ext(name), ".json") || strings.HasPrefix(path.Base(name), "._") {
			continue
		}
		files++
		rc, err := f.Open()
		if err != nil {
			problems = append(problems, fmt.Errorf("%s: %w", name, err))
			continue
		}
		body, err := io.ReadAll(io.LimitReader(rc, maxArchiveEntry+1))
		rc.Close()
		switch {
		case err != nil:
			problems = append(problems, fmt.Errorf("%s: %w", name, err))
		case len(body) > maxArchiveEntry:
			problems = append(problems, fmt.Errorf("%s: larger than %d MB unpacked", name, maxArchiveEntry>>20))
		default:
			if err := b.addFile(name, body); err != nil {
				problems = append(problems, fmt.Errorf("%s: %w", name, err))
			}
		}
	}
	if files == 0 {
		return nil, errors.New("stocky archive: the zip holds no .json files (export Stocky's data as v2 JSON)")
	}
	a := b.archive()
	if len(problems) > 0 {
		return a, fmt.Errorf("stocky archive: %d of %d files could not be imported: %w", len(problems), files, errors.Join(problems...))
	}
	return a, nil
}
