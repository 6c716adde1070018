// Package ent holds the storage schemas of zhicheng (in ent/schema) and the
// client that entc generates from them. Run `make generate` after changing
// a schema.
package ent

//go:generate go tool ent generate --feature privacy,entql,sql/upsert,sql/lock,sql/modifier,sql/execquery,schema/snapshot ./schema
