package follow

// MaxNext is how many files File queues after the one it reads.
const MaxNext = maxNext
