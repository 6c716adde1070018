package schema

import (
	"github.com/zhicheng-hr/zhicheng/ent/rule"
	"time"

	"entgo.io/ent"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"

	"github.com/zhicheng-hr/zhicheng/engine/domain"
)

// QuotaDeclaration is a unit's yearly request for evaluation quota (职数申报).
type QuotaDeclaration struct{ ent.Schema }

// Fields of the QuotaDeclaration.
func (QuotaDeclaration) Fields() []ent.Field {
	return []ent.Field{
		field.Int("year"),
		field.Enum("status").GoType(domain.Status("")).Default(string(domain.StatusDraft)),
		field.Enum("stage").GoType(domain.Role("")).Optional().Nillable().
			Comment("the role that must act next, while in review"),
		field.Int("version").Default(1).Comment("raised by every change; guards concurrent actions"),
		field.Int("created_by"),
		field.Time("submitted_at").SchemaType(datetime).Optional().Nillable(),
		field.JSON("chain", []domain.Role{}).Optional().
			Comment("the approval chain in force when it was last submitted; it keeps it until it leaves review"),
	}
}

// Mixin of the QuotaDeclaration.
func (QuotaDeclaration) Mixin() []ent.Mixin {
	return []ent.Mixin{TenantMixin{}, UnitMixin{}, TimeMixin{}}
}

// Edges of the QuotaDeclaration.
func (QuotaDeclaration) Edges() []ent.Edge {
	return []ent.Edge{
		unitEdge(),
		edge.From("lines", DeclarationLine.Type).Ref("declaration"),
		edge.From("events", ReviewEvent.Type).Ref("declaration"),
	}
}

// Indexes of the QuotaDeclaration.
func (QuotaDeclaration) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("unit_id", "year"),
		index.Fields("tenant_id", "status", "stage"),
	}
}

// DeclarationLine is one line of a quota declaration: channel, grade,
// series, count and reason.
type DeclarationLine struct{ ent.Schema }

// Fields of the DeclarationLine.
func (DeclarationLine) Fields() []ent.Field {
	return []ent.Field{
		field.Int("declaration_id").Immutable(),
		field.Enum("channel").GoType(domain.Channel("")).Default(string(domain.ChannelNormal)),
		field.Enum("grade").GoType(domain.Grade("")),
		field.String("series").SchemaType(varchar(50)).Validate(maxRunes(50)).NotEmpty(),
		field.Int("count").Positive(),
		field.String("reason").SchemaType(varchar(500)).Validate(maxRunes(500)).Optional(),
		field.JSON("people", []int{}).Optional().
			Comment("the people an overseas or postdoctoral line names"),
		field.JSON("departures", []int{}).Optional().
			Comment("the departures a retire-more line rests on, as of its submission"),
		field.JSON("evidence", []domain.Departure{}).Optional().
			Comment("the departures of a retire-more line as they stood at its submission"),
	}
}

// Mixin of the DeclarationLine.
func (DeclarationLine) Mixin() []ent.Mixin {
	return []ent.Mixin{TenantMixin{}, UnitMixin{}}
}

// Edges of the DeclarationLine.
func (DeclarationLine) Edges() []ent.Edge {
	return []ent.Edge{
		unitEdge(),
		edge.To("declaration", QuotaDeclaration.Type).Field("declaration_id").
			Unique().Required().Immutable(),
	}
}

// ReviewEvent records one transition of a quota declaration: who, in which
// role, when, from which status to which, and why. Events are never
// changed or deleted.
type ReviewEvent struct{ ent.Schema }

// Fields of the ReviewEvent.
func (ReviewEvent) Fields() []ent.Field {
	return []ent.Field{
		field.Int("declaration_id").Immutable(),
		field.Int("user_id").Immutable(),
		field.String("username").SchemaType(varchar(64)).Validate(maxRunes(64)).Immutable(),
		field.Enum("role").GoType(domain.Role("")).Immutable(),
		field.String("action").MaxLen(16).Immutable(),
		field.Enum("from_status").GoType(domain.Status("")).Immutable(),
		field.String("from_stage").MaxLen(32).Optional().Immutable(),
		field.Enum("to_status").GoType(domain.Status("")).Immutable(),
		field.String("to_stage").MaxLen(32).Optional().Immutable(),
		field.String("reason").SchemaType(varchar(500)).Validate(maxRunes(500)).Optional().Immutable(),
		field.Time("at").SchemaType(datetime).Default(time.Now).Immutable(),
	}
}

// Mixin of the ReviewEvent.
func (ReviewEvent) Mixin() []ent.Mixin {
	return []ent.Mixin{TenantMixin{}, UnitMixin{}}
}

// Edges of the ReviewEvent.
func (ReviewEvent) Edges() []ent.Edge {
	return []ent.Edge{
		unitEdge(),
		edge.To("declaration", QuotaDeclaration.Type).Field("declaration_id").
			Unique().Required().Immutable(),
	}
}

// Hooks of the ReviewEvent: the history is append-only.
func (ReviewEvent) Hooks() []ent.Hook { return []ent.Hook{rule.AppendOnly()} }

// QuotaBalance holds the normal-channel quota a unit has reserved for a
// grade and year. Submissions raise it with a conditional update that only
// succeeds while the vacancy allows, so that two concurrent submissions
// cannot both take the last seat.
type QuotaBalance struct{ ent.Schema }

// Fields of the QuotaBalance.
func (QuotaBalance) Fields() []ent.Field {
	return []ent.Field{
		field.Int("year"),
		field.Enum("grade").GoType(domain.Grade("")),
		field.Int("reserved").Default(0),
	}
}

// Mixin of the QuotaBalance.
func (QuotaBalance) Mixin() []ent.Mixin {
	return []ent.Mixin{TenantMixin{}, UnitMixin{}}
}

// Edges of the QuotaBalance.
func (QuotaBalance) Edges() []ent.Edge { return []ent.Edge{unitEdge()} }

// Indexes of the QuotaBalance.
func (QuotaBalance) Indexes() []ent.Index {
	return []ent.Index{index.Fields("unit_id", "year", "grade").Unique()}
}
