// Package sourcetest is the test kit for authors of sync plugins. It runs
// a contract.Source through the plugin's real gRPC layer without a
// process (Connect), builds a plugin executable for tests that run it as a
// process (Build), and checks what a source gives against the rules that
// zhicheng applies when it syncs (Verify and Conformance): required fields
// present, ID numbers and credit codes valid, keys unique, posts at levels
// 1–13, references to known units and departments.
//
// The command zhicheng-plugin-check runs the same rules against any
// plugin executable.
package sourcetest
