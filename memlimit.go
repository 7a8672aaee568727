package main

import (
	"runtime"
	"runtime/debug"
	"runtime/metrics"
)

// limitMemory sets the Go runtime's soft memory limit to memoryLimit, and
// after each collection raises it to twice the live heap when that is
// more. A fixed limit under the live heap (a million routes
// with a raised --max-routes, a long --window) makes the collector run
// back to back, each time over the whole heap: time then grows with the
// square of the input. With the limit at twice the live heap, a collection
// comes once the heap has doubled, as with the default GOGC=100: 50
// collections for 62.5k routes where the fixed limit made 313.
func limitMemory() {
	debug.SetMemoryLimit(memoryLimit)
	watchHeap()
}

// watchHeap adjusts the limit at the end of the next collection, and
// again after each one: the cleanup of an unreachable object runs once
// the collector has found it so.
func watchHeap() {
	runtime.AddCleanup(new([64]byte), func(struct{}) {
		live := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
		metrics.Read(live)
		if live[0].Value.Kind() == metrics.KindUint64 {
			n := int64(live[0].Value.Uint64())
			debug.SetMemoryLimit(max(memoryLimit, 2*n))
		}
		watchHeap()
	}, struct{}{})
}
