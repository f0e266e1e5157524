//line tasks/filter.go:1
package main

import (
	"encoding/json"
	"strconv"
)

type kelvinReading struct {
	Sensor string  `json:"sensor,omitempty"`
	Kelvin float64 `json:"kelvin"`
}

// exec_task passes plausible readings through unchanged and drops the rest (an empty result publishes
// nothing). The range comes from the task's config (min_kelvin, max_kelvin in workflow.yaml), so it
// can be changed by redeploying, without a rebuild.
func exec_task(arg string) string {
	var r kelvinReading
	if err := json.Unmarshal([]byte(arg), &r); err != nil {
		return ""
	}
	if r.Kelvin < bound("min_kelvin", 200) || r.Kelvin > bound("max_kelvin", 350) {
		return ""
	}
	return arg
}

func bound(key string, fallback float64) float64 {
	if v, ok := task_config(key); ok {
		if f, err := strconv.ParseFloat(v, 64); err == nil {
			return f
		}
	}
	return fallback
}
