package main

import (
	"runtime"
	"runtime/debug"
	"runtime/metrics"
)

// limitMemory sets the Go runtime's soft memory limit to memoryLimit, and
// after each collection raises it when the live heap needs more: to what
// lets the heap grow by an eighth of the live heap before the next
// collection, on top of what the runtime holds beside the live objects
// (span slack, metadata, stacks).
//
// A limit that leaves the heap no room to grow makes the collector run
// back to back, each time over the whole heap: time then grows with the
// square of the input. The limit has to count the runtime's overhead
// too: a limit of half as much again as the live heap alone left the
// 27 MB live heap of a 3 GB dev log a heap goal of 27 MB, as 15 MB of the
// limit went to that overhead, and the collector ran about 2,000 times.
func limitMemory() {
	debug.SetMemoryLimit(memoryLimit)
	watchHeap()
}

// watchHeap adjusts the limit at the end of the next collection, and
// again after each one: the cleanup of an unreachable object runs once
// the collector has found it so.
func watchHeap() {
	runtime.AddCleanup(new([64]byte), func(struct{}) {
		if limit, ok := readLimit(); ok {
			debug.SetMemoryLimit(limit)
		}
		watchHeap()
	}, struct{}{})
}

// heapMetrics are what readLimit reads.
var heapMetrics = [...]string{
	"/gc/heap/live:bytes",
	"/memory/classes/total:bytes",
	"/memory/classes/heap/released:bytes",
	"/memory/classes/heap/free:bytes",
	"/memory/classes/heap/objects:bytes",
}

// readLimit returns the memory limit for the heap as the last collection
// left it, or false if the runtime does not say.
func readLimit() (int64, bool) {
	var s [len(heapMetrics)]metrics.Sample
	for i, name := range heapMetrics {
		s[i].Name = name
	}
	metrics.Read(s[:])
	var v [len(heapMetrics)]uint64
	for i := range s {
		if s[i].Value.Kind() != metrics.KindUint64 {
			return 0, false
		}
		v[i] = s[i].Value.Uint64()
	}
	live, total, released, free, objects := v[0], v[1], v[2], v[3], v[4]
	held := total - released // what the limit counts
	var overhead uint64
	if held > free+objects {
		overhead = held - free - objects
	}
	return limitFor(live, overhead), true
}

// limitFor is the memory limit for a live heap of live bytes, with
// overhead bytes that the runtime holds beside the heap's objects.
func limitFor(live, overhead uint64) int64 {
	return max(memoryLimit, int64(live+live/8+overhead))
}
