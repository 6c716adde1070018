// Package domain holds the value types of professional titles and post
// quotas: post levels, title grades, channels, review statuses, citizen ID
// numbers, credit codes and region codes. It imports nothing of zhicheng,
// so that the ent schemas, the engine and adapters can all share it.
package domain
