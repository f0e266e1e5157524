package main

import "encoding/json"

// Readings outside this range are measurement errors (a living room is neither below -73 °C nor above 77 °C).
const (
	minKelvin = 200.0
	maxKelvin = 350.0
)

type kelvinReading struct {
	Sensor string  `json:"sensor,omitempty"`
	Kelvin float64 `json:"kelvin"`
}

// exec_task passes plausible readings through unchanged and drops the rest (an empty result publishes nothing).
func exec_task(arg string) string {
	var r kelvinReading
	if err := json.Unmarshal([]byte(arg), &r); err != nil {
		return ""
	}
	if r.Kelvin < minKelvin || r.Kelvin > maxKelvin {
		return ""
	}
	return arg
}
