package main

import "testing"

func TestLimitFor(t *testing.T) {
	const mib = 1 << 20
	for _, tc := range []struct {
		live, overhead uint64
		want           int64
	}{
		{0, 0, memoryLimit},
		{20 * mib, 10 * mib, memoryLimit}, // 32.5 MiB: the floor holds
		{32 * mib, 13 * mib, 49 * mib},    // the heap may grow by 4 MiB
		{400 * mib, 20 * mib, 470 * mib},
	} {
		if got := limitFor(tc.live, tc.overhead); got != tc.want {
			t.Errorf("limitFor(%d MiB, %d MiB) = %.1f MiB, want %.1f MiB", tc.live/mib, tc.overhead/mib, float64(got)/mib, float64(tc.want)/mib)
		}
	}
}

// TestReadLimit checks that the runtime has every metric readLimit
// reads: without one, the limit would never rise.
func TestReadLimit(t *testing.T) {
	if _, ok := readLimit(); !ok {
		t.Fatalf("readLimit: the runtime lacks one of %q", heapMetrics)
	}
}
