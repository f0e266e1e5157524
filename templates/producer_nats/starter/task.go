package main

import (
	"encoding/json"
	"strings"
)

// exec_task runs on every message on source_topic (a timer tick, a poll request); its body is the
// argument. The result is published to dest_topic (and to the trigger's reply-to subject, if any).
func exec_task(arg string) string {
	from, ok := task_config("source")
	if !ok {
		from = "pelato"
	}
	out, _ := json.Marshal(map[string]string{"tick": strings.TrimSpace(arg), "from": from})
	return string(out)
}
