//line tasks/heartbeat.go:1
package main

import "encoding/json"

// exec_task runs on every tick (its body is the tick's timestamp) and reports that this gateway is alive.
func exec_task(arg string) string {
	gateway, ok := task_config("gateway")
	if !ok {
		gateway = "unnamed"
	}
	out, _ := json.Marshal(map[string]string{"gateway": gateway, "tick": arg, "status": "ok"})
	return string(out)
}
