package syncplugin

import "errors"

// The errors that Start and the methods of Conn wrap, with the reason
// added, to say why talking to a plugin failed.
var (
	// ErrStart means the plugin process did not start or did not complete
	// the handshake: the executable is missing or is not a sync plugin of
	// this protocol version, it wrote to standard output before its
	// handshake line, it exited, or it did not answer in time.
	ErrStart = errors.New("plugin did not start")

	// ErrExited means the plugin process ended during a call: it crashed
	// or was killed. The exit status follows.
	ErrExited = errors.New("plugin exited")

	// ErrTimeout means a call took longer than Config.CallTimeout; the
	// plugin hangs or the institution system is too slow.
	ErrTimeout = errors.New("plugin call timed out")

	// ErrPlugin means the plugin answered with an error of its own, such
	// as a configuration it cannot use or a database it cannot read, or
	// that the connection failed while the process lived on. The message
	// and the gRPC status code follow.
	ErrPlugin = errors.New("plugin call failed")

	// ErrClosed means the Conn was closed.
	ErrClosed = errors.New("plugin connection closed")
)
