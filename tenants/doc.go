// Package tenants onboards prefectures as tenants of the engine and finds
// the tenant of a request. It also carries the demo tenant, 湘西州, loaded
// from the Xiangxi sample export.
package tenants
