//go:build !wasip1

package main

// TinyGo's wasip2 runtime owns cabi_realloc; nothing to release between calls.
func pelatoResetAllocs() {}
