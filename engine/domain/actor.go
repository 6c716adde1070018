package domain

import "context"

// Actor is the user on whose behalf an operation runs: the tenant, the role
// and the unit, department or region in their charge. The engine reads it
// from the context of every call; storage rules scope every query to it.
type Actor struct {
	TenantID     int
	TenantKey    string
	UserID       int
	Username     string
	DisplayName  string
	Role         Role
	UnitID       int        // unit clerks: their unit
	DepartmentID int        // department reviewers: their department
	Region       RegionCode // bureau reviewers: the region of their bureau
}

type actorKey struct{}

// WithActor returns a context that carries a.
func WithActor(ctx context.Context, a Actor) context.Context {
	return context.WithValue(ctx, actorKey{}, a)
}

// ActorFrom returns the actor that ctx carries, if any.
func ActorFrom(ctx context.Context) (Actor, bool) {
	a, ok := ctx.Value(actorKey{}).(Actor)
	return a, ok
}
