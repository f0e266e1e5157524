package main

import (
	"encoding/json"
	"fmt"
	"strconv"
)

type reading struct {
	Sensor   string   `json:"sensor"`
	Humidity *float64 `json:"humidity"`
}

// exec_task raises an alert when the humidity is above max_humidity (config, default 85 %).
func exec_task(arg string) string {
	limit := 85.0
	if v, ok := task_config("max_humidity"); ok {
		if f, err := strconv.ParseFloat(v, 64); err == nil {
			limit = f
		}
	}
	var r reading
	if json.Unmarshal([]byte(arg), &r) != nil || r.Humidity == nil || *r.Humidity <= limit {
		return ""
	}
	return fmt.Sprintf(`{"sensor":%q,"alert":"humidity %.1f%% above %.1f%%"}`, r.Sensor, *r.Humidity, limit)
}
