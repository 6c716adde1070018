package syncplugin

import "syscall"

// sysProcAttr asks the kernel to kill the plugin when the thread that
// started it ends, which Start keeps alive until Close: so the plugin dies
// with the host even when the host is killed.
func sysProcAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}
