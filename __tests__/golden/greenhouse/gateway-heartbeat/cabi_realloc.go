//go:build wasip1

package main

import "unsafe"

// Mainline Go (GOOS=wasip1) only; TinyGo's wasip2 runtime exports its own
// cabi_realloc.
//
// The preview1 reactor adapter allocates its state through the main
// module's cabi_realloc while the Go runtime is still initialising (malloc
// not ready), so until package init has run, blocks come from a static
// arena (never freed, never moved). After that, blocks come from the Go heap
// and are kept reachable in cabiAllocs until the next exported call starts,
// so the GC cannot free them while only the host holds their address.
var (
	cabiArena     [256 << 10]byte
	cabiArenaUsed uintptr
	cabiReady     bool
	cabiAllocs    [][]uint64
	zeroBlock     uint64
)

func init() { cabiReady = true }

//go:wasmexport cabi_realloc
//go:nosplit
func cabiRealloc(ptr unsafe.Pointer, oldSize, align, newSize uint32) unsafe.Pointer {
	if newSize == 0 {
		return unsafe.Pointer(&zeroBlock)
	}
	if newSize <= oldSize {
		return ptr
	}
	if !cabiReady {
		base := uintptr(unsafe.Pointer(&cabiArena[0]))
		a := uintptr(align)
		if a < 8 {
			a = 8
		}
		off := (base+cabiArenaUsed+a-1)&^(a-1) - base
		end := off + uintptr(newSize)
		if end > uintptr(len(cabiArena)) {
			return nil // arena exhausted: the adapter traps
		}
		cabiArenaUsed = end
		p := unsafe.Pointer(&cabiArena[off])
		for i := uintptr(0); i < uintptr(oldSize); i++ {
			cabiArena[off+i] = *(*byte)(unsafe.Add(ptr, i))
		}
		return p
	}
	return heapRealloc(ptr, oldSize, newSize)
}

func heapRealloc(ptr unsafe.Pointer, oldSize, newSize uint32) unsafe.Pointer {
	// []uint64 gives 8-byte alignment, enough for every canonical ABI type.
	buf := make([]uint64, (newSize+7)/8)
	cabiAllocs = append(cabiAllocs, buf)
	p := unsafe.Pointer(unsafe.SliceData(buf))
	if oldSize > 0 {
		copy(unsafe.Slice((*byte)(p), newSize), unsafe.Slice((*byte)(ptr), oldSize))
	}
	return p
}

func pelatoResetAllocs() { cabiAllocs = nil }
