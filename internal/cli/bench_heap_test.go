package cli

import (
	"path/filepath"
	"runtime"
	"testing"
	"time"
)

// TestWatchHeapSeesEachCollection: a live heap held over one collection
// only, and gone by the next, is the peak the watch reports.
func TestWatchHeapSeesEachCollection(t *testing.T) {
	peak := watchHeap(filepath.Join(t.TempDir(), "heap.pprof"))
	big := make([]byte, 64<<20)
	for i := range big {
		big[i] = byte(i)
	}
	runtime.GC() // big is live here
	// The watch reads the heap in a finalizer, which runs after the
	// collection returns: big stays live until it has had time to.
	time.Sleep(200 * time.Millisecond)
	runtime.KeepAlive(big)
	big = nil
	for range 3 {
		runtime.GC()
	}
	if got := peak(); got < 64<<20 {
		t.Fatalf("peak live heap %d bytes, want at least the 64 MiB held over one collection", got)
	}
}
