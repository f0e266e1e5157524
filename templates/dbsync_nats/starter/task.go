package main

import "strings"

// exec_task gets every message on source_topic; its result is the row written to database.table
// (one column: the whole result; several: a JSON object, one field per column). An empty result
// writes nothing.
func exec_task(arg string) string {
	if strings.TrimSpace(arg) == "" {
		return ""
	}
	return arg
}
