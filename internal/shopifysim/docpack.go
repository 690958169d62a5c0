package shopifysim

import (
	"bytes"
	"compress/flate"
	"fmt"
	"io"
	"sync"
)

// docPacker deflates stored documents against a shared dictionary: the
// JSON of one order. Orders repeat the same keys and much the same values,
// so each packs to a fraction of its size, and a 100,000-order shop's
// documents take hundreds of megabytes instead of well over a gigabyte.
type docPacker struct {
	dict    []byte
	readers sync.Pool // of io.ReadCloser that are also flate.Resetter
}

// maxDictLen is DEFLATE's window: a longer dictionary is not used.
const maxDictLen = 32 << 10

func newDocPacker(sample []byte) *docPacker {
	dict := sample
	if len(dict) > maxDictLen {
		dict = dict[len(dict)-maxDictLen:]
	}
	return &docPacker{dict: bytes.Clone(dict)}
}

// newWriter returns a compressor for one goroutine to reuse via pack.
func (p *docPacker) newWriter() (*flate.Writer, error) {
	return flate.NewWriterDict(io.Discard, flate.BestSpeed, p.dict)
}

// pack compresses raw with w (from newWriter).
func (p *docPacker) pack(w *flate.Writer, raw []byte) ([]byte, error) {
	var buf bytes.Buffer
	buf.Grow(len(raw) / 4)
	w.Reset(&buf)
	if _, err := w.Write(raw); err != nil {
		return nil, err
	}
	if err := w.Close(); err != nil {
		return nil, err
	}
	return bytes.Clone(buf.Bytes()), nil
}

// unpack restores a document of size bytes.
func (p *docPacker) unpack(packed []byte, size int) []byte {
	src := bytes.NewReader(packed)
	r, _ := p.readers.Get().(io.ReadCloser)
	if r == nil {
		r = flate.NewReaderDict(src, p.dict)
	} else if err := r.(flate.Resetter).Reset(src, p.dict); err != nil {
		panic(fmt.Sprintf("shopifysim: reset document reader: %v", err))
	}
	out := make([]byte, size)
	if _, err := io.ReadFull(r, out); err != nil {
		// The bytes came from pack; failing to read them back is a bug.
		panic(fmt.Sprintf("shopifysim: unpack stored document: %v", err))
	}
	p.readers.Put(r)
	return out
}
