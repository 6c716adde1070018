// Package proto holds the Protocol Buffers definitions of zhicheng's plugin
// contracts, one directory per versioned package (zhicheng/sync/v1), with
// the Go code generated from them beside each file.
//
// The generated code is committed. To regenerate it after editing a .proto
// file, put protoc (3.21 or later), protoc-gen-go and protoc-gen-go-grpc on
// PATH and run
//
//	go install google.golang.org/protobuf/cmd/protoc-gen-go@v1.36.12
//	go install google.golang.org/grpc/cmd/protoc-gen-go-grpc@v1.6.2
//	go generate ./plugins/...
package proto

//go:generate protoc -I . --go_out=. --go_opt=paths=source_relative --go-grpc_out=. --go-grpc_opt=paths=source_relative zhicheng/sync/v1/sync.proto
