// Package syncv1 is the Go code generated from sync.proto: the messages and
// the gRPC client and server of zhicheng.sync.v1.SourceService. Plugin
// authors in Go use package syncplugin rather than this one.
package syncv1
