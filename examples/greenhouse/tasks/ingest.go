package main

import (
	"encoding/json"
	"strings"
)

type reading struct {
	Sensor   string   `json:"sensor"`
	Celsius  *float64 `json:"celsius"`
	Humidity *float64 `json:"humidity"`
}

// exec_task checks a reading posted by a sensor and passes it on in a normal form. Readings without a
// sensor name or without any measurement are dropped (an empty result publishes nothing).
func exec_task(arg string) string {
	var r reading
	if err := json.Unmarshal([]byte(arg), &r); err != nil {
		return ""
	}
	r.Sensor = strings.ToLower(strings.TrimSpace(r.Sensor))
	if r.Sensor == "" || (r.Celsius == nil && r.Humidity == nil) {
		return ""
	}
	out, _ := json.Marshal(r)
	return string(out)
}
