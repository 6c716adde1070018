package schema

import (
	"github.com/zhicheng-hr/zhicheng/ent/privacy"
	"github.com/zhicheng-hr/zhicheng/ent/rule"
	"time"

	"entgo.io/ent"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"

	"github.com/zhicheng-hr/zhicheng/engine/domain"
)

// User is a person who logs in to one tenant in one role.
type User struct{ ent.Schema }

// Fields of the User.
func (User) Fields() []ent.Field {
	return []ent.Field{
		field.String("username").SchemaType(varchar(64)).Validate(maxRunes(64)).NotEmpty(),
		field.String("display_name").SchemaType(varchar(100)).Validate(maxRunes(100)).Optional(),
		field.String("password_hash").Sensitive().MaxLen(255),
		field.Enum("role").GoType(domain.Role("")),
		field.Int("unit_id").Optional().Nillable(),
		field.Int("department_id").Optional().Nillable(),
		field.String("region_code").GoType(domain.RegionCode("")).MaxLen(6).Optional(),
		field.Int("failed_logins").Default(0),
		field.Time("locked_until").SchemaType(datetime).Optional().Nillable(),
		field.Bool("disabled").Default(false),
	}
}

// Mixin of the User.
func (User) Mixin() []ent.Mixin { return []ent.Mixin{TenantMixin{}, TimeMixin{}} }

// Indexes of the User.
func (User) Indexes() []ent.Index {
	return []ent.Index{index.Fields("tenant_id", "username").Unique()}
}

// Policy of the User: an administrator sees the tenant's users, anyone
// else only themselves.
func (User) Policy() ent.Policy {
	return privacy.Policy{
		Query:    privacy.QueryPolicy{rule.FilterUsers()},
		Mutation: privacy.MutationPolicy{rule.FilterUsers()},
	}
}

// Session is a logged-in session, kept on the server. The cookie holds a
// random token; only its hash is stored.
type Session struct{ ent.Schema }

// Fields of the Session.
func (Session) Fields() []ent.Field {
	return []ent.Field{
		field.String("token_hash").MaxLen(64).Unique().Immutable().Sensitive(),
		field.Int("user_id").Immutable(),
		field.Time("created_at").SchemaType(datetime).Default(time.Now).Immutable(),
		field.Time("last_seen_at").SchemaType(datetime).Default(time.Now),
	}
}

// Mixin of the Session.
func (Session) Mixin() []ent.Mixin { return []ent.Mixin{TenantMixin{}} }

// Indexes of the Session.
func (Session) Indexes() []ent.Index {
	return []ent.Index{index.Fields("user_id")}
}

// Policy of the Session: sessions are handled by trusted code only.
func (Session) Policy() ent.Policy {
	return privacy.Policy{
		Query:    privacy.QueryPolicy{privacy.AlwaysDenyRule()},
		Mutation: privacy.MutationPolicy{privacy.AlwaysDenyRule()},
	}
}

// AuditEvent is one entry of the append-only audit log: every login and
// every action of consequence, with time, user, event, result and source
// address. Entries are never changed or deleted.
type AuditEvent struct{ ent.Schema }

// Fields of the AuditEvent.
func (AuditEvent) Fields() []ent.Field {
	return []ent.Field{
		field.Time("at").SchemaType(datetime).Default(time.Now).Immutable(),
		field.Int("user_id").Optional().Immutable(),
		field.String("username").SchemaType(varchar(64)).Validate(maxRunes(64)).Optional().Immutable(),
		field.String("role").MaxLen(32).Optional().Immutable(),
		field.String("event").MaxLen(64).Immutable(),
		field.String("object").SchemaType(varchar(64)).Validate(maxRunes(64)).Optional().Immutable(),
		field.String("result").MaxLen(16).Immutable(),
		field.String("source").MaxLen(64).Optional().Immutable(),
		field.String("detail").SchemaType(varchar(500)).Validate(maxRunes(500)).Optional().Immutable(),
	}
}

// Mixin of the AuditEvent.
func (AuditEvent) Mixin() []ent.Mixin { return []ent.Mixin{TenantMixin{}} }

// Indexes of the AuditEvent.
func (AuditEvent) Indexes() []ent.Index {
	return []ent.Index{index.Fields("tenant_id", "at")}
}

// Policy of the AuditEvent: only administrators and audit readers read the
// log; anyone may append to it in their own tenant.
func (AuditEvent) Policy() ent.Policy {
	return privacy.Policy{
		Query: privacy.QueryPolicy{
			rule.AllowRoles(domain.RoleTenantAdmin, domain.RoleAuditReader),
		},
	}
}

// Hooks of the AuditEvent: the log is append-only.
func (AuditEvent) Hooks() []ent.Hook { return []ent.Hook{rule.AppendOnly()} }
