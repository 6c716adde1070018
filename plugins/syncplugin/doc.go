// Package syncplugin runs a contract.Source as a separate process, a sync
// plugin, over gRPC through hashicorp/go-plugin.
//
// # Writing a plugin
//
// A plugin is a main package that serves one value implementing
// contract.Source, and optionally Configurable and Checker:
//
//	func main() {
//		syncplugin.Serve(&mySource{})
//	}
//
// Serve speaks the handshake, serves zhicheng.sync.v1.SourceService, and
// returns when the host closes the connection. A plugin must write nothing
// to standard output before Serve: standard output carries the handshake.
// It logs to standard error, preferably through Logger.
//
// # Running a plugin
//
// The host calls Start with the path of the plugin executable and the
// tenant's configuration. The returned Conn is a contract.Source whose
// methods call the plugin, each within Config.CallTimeout; Close stops the
// process. A plugin that crashes, hangs, is killed, or breaks its stream
// gives an error wrapping ErrExited, ErrTimeout or ErrPlugin, never part of
// an answer. Start runs a fresh process every time.
//
// The plugin gets only the environment in Config.Env and the
// configuration in Config.Config, never the host's environment, and the
// connection is authenticated both ways with one-time TLS certificates
// (go-plugin's AutoMTLS).
//
// A program that starts plugins calls CleanupClients before it exits, so
// that no plugin outlives it. On Linux a plugin is also killed by the
// kernel when the host dies, even by SIGKILL; elsewhere Serve ends the
// plugin when it notices that its parent process is gone.
package syncplugin
