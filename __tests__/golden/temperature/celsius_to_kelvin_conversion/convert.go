//line tasks/convert.go:1
package main

import (
	"encoding/json"
	"strconv"
	"strings"
)

// A reading as sensors send it. A bare number ("21.5") is accepted too.
type reading struct {
	Sensor  string  `json:"sensor,omitempty"`
	Celsius float64 `json:"celsius"`
}

type kelvinReading struct {
	Sensor string  `json:"sensor,omitempty"`
	Kelvin float64 `json:"kelvin"`
}

// exec_task converts a Celsius reading to Kelvin. Input it cannot read yields an empty result, which
// the template treats as "publish nothing".
func exec_task(arg string) string {
	var r reading
	text := strings.TrimSpace(arg)
	if c, err := strconv.ParseFloat(text, 64); err == nil {
		r.Celsius = c
	} else if err := json.Unmarshal([]byte(text), &r); err != nil {
		return ""
	}
	out, err := json.Marshal(kelvinReading{Sensor: r.Sensor, Kelvin: round2(r.Celsius + 273.15)})
	if err != nil {
		return ""
	}
	return string(out)
}

func round2(v float64) float64 {
	return float64(int64(v*100+0.5*sign(v))) / 100
}

func sign(v float64) float64 {
	if v < 0 {
		return -1
	}
	return 1
}
