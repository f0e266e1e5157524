package main

import (
	"encoding/json"
	"strings"
	"unicode/utf8"
)

type message struct {
	Text string `json:"text"`
}

// exec_task handles every message on source_topic: the "text" field of a JSON message (or the whole
// body) in upper case, with its length. The result is published to dest_topic; an empty result
// publishes nothing.
func exec_task(arg string) string {
	text := strings.TrimSpace(arg)
	var m message
	if json.Unmarshal([]byte(arg), &m) == nil && m.Text != "" {
		text = m.Text
	}
	if text == "" {
		return ""
	}
	out, _ := json.Marshal(map[string]any{"text": strings.ToUpper(text), "length": utf8.RuneCountInString(text)})
	return string(out)
}
