package main

import (
	"encoding/json"
	"strings"
)

// exec_task gets the body of an HTTP POST (or of a message on source_topic). Its result is published
// to dest_topic and is the HTTP response; an empty result publishes nothing and answers 204 No Content.
func exec_task(arg string) string {
	text := strings.TrimSpace(arg)
	if text == "" {
		return ""
	}
	out, _ := json.Marshal(map[string]string{"text": text})
	return string(out)
}
