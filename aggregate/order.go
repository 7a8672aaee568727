package aggregate

import (
	"fmt"
	"strings"
)

// Order is what Summary.Top ranks the routes by, the largest first.
type Order uint8

// The orders.
const (
	// OrderMean ranks by mean, rounded to the millisecond as the in-app
	// endpoint's topSlowRoutes does: the default, and -o api's.
	OrderMean Order = iota
	OrderCount
	OrderP95
	OrderP99
	OrderMax
	OrderSlow   // requests slower than the threshold
	OrderErrors // 5xx responses
)

var orderNames = [...]string{
	OrderMean:   "mean",
	OrderCount:  "count",
	OrderP95:    "p95",
	OrderP99:    "p99",
	OrderMax:    "max",
	OrderSlow:   "slow",
	OrderErrors: "errors",
}

func (o Order) String() string { return orderNames[o] }

// ParseOrder returns the Order named s: count, mean, p95, p99, max, slow
// or errors.
func ParseOrder(s string) (Order, error) {
	for o, name := range orderNames {
		if name == s {
			return Order(o), nil
		}
	}
	return 0, fmt.Errorf("unknown order %q (want %s)", s, strings.Join(orderNames[:], ", "))
}

// key returns what o ranks r by.
func (o Order) key(r *Route) int64 {
	switch o {
	case OrderCount:
		return int64(r.Count)
	case OrderP95:
		return int64(r.P95)
	case OrderP99:
		return int64(r.P99)
	case OrderMax:
		return int64(r.Max)
	case OrderSlow:
		return int64(r.Slow)
	case OrderErrors:
		return int64(r.Errors)
	}
	return roundMillis(r.Mean)
}
