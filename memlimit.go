package main

import (
	"runtime"
	"runtime/debug"
	"runtime/metrics"
)

// limitMemory sets the Go runtime's soft memory limit to memoryLimit, and
// after each collection raises it to half as much again as the live heap
// when that is more. A fixed limit under the live heap (a million routes
// with a raised --max-routes, a long --window) makes the collector run
// back to back, each time over the whole heap: time then grows with the
// square of the input. With the limit half as much again as the live
// heap, a collection comes once the heap has grown by half, as with
// GOGC=50: the time of each stays in proportion to what was allocated
// since the last. (Twice, as GOGC=100, would take a 1M-request --window,
// 26 MB live, to 54 MB of RSS; half as much again keeps it at 45.)
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
			debug.SetMemoryLimit(max(memoryLimit, n+n/2))
		}
		watchHeap()
	}, struct{}{})
}
