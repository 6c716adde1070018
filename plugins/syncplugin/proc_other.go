//go:build !linux

package syncplugin

import "syscall"

// sysProcAttr returns nil: outside Linux, a plugin notices that its host
// is gone by itself (see Serve).
func sysProcAttr() *syscall.SysProcAttr { return nil }
