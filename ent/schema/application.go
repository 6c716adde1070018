package schema

import (
	"time"

	"entgo.io/ent"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"

	"github.com/zhicheng-hr/zhicheng/engine/domain"
	"github.com/zhicheng-hr/zhicheng/ent/rule"
)

// TitleApplication is a title application (职称申报) a unit files for one
// of its people: an evaluation (职称评审) or a recognition (职称认定). It
// keeps a copy of the facts of the person's record that the eligibility
// rules read, taken when it is saved and again when it is submitted.
type TitleApplication struct{ ent.Schema }

// Fields of the TitleApplication.
func (TitleApplication) Fields() []ent.Field {
	return []ent.Field{
		field.Enum("kind").Values("evaluation", "recognition").Immutable(),
		field.Int("year"),
		field.Int("person_id").Immutable(),
		field.Enum("status").GoType(domain.Status("")).Default(string(domain.StatusDraft)),
		field.Enum("stage").GoType(domain.Role("")).Optional().Nillable().
			Comment("the role that must act next, while in review"),
		field.Int("version").Default(1).Comment("raised by every change; guards concurrent actions"),
		field.Bool("open").Optional().Nillable().
			Comment("true while the application counts as the person's open one of the year, " +
				"NULL once rejected or withdrawn; unique with person and year"),
		field.Bool("seat").Default(false).Comment("holds a seat of the unit's evaluation quota"),

		// What is applied for.
		field.String("series").SchemaType(varchar(50)).Validate(maxRunes(50)),
		field.Enum("target_grade").GoType(domain.Grade("")),
		field.String("target_title").SchemaType(varchar(50)).Validate(maxRunes(50)),
		field.Enum("channel").GoType(domain.Channel("")).Optional().Nillable().
			Comment("the quota an evaluation uses; none for a recognition"),
		field.Bool("exceptional").Default(false).Comment("exceptional merit (破格)"),
		field.JSON("recommenders", []domain.Recommender{}).Optional(),

		// The person's facts, as the application last read them.
		field.String("person_name").SchemaType(varchar(30)).Validate(maxRunes(30)),
		field.String("education").MaxLen(2).Optional(),
		field.String("degree").MaxLen(1).Optional(),
		field.Time("graduation_date").SchemaType(datetime).Optional().Nillable(),
		field.String("title_series").SchemaType(varchar(50)).Validate(maxRunes(50)).Optional(),
		field.String("title_name").SchemaType(varchar(50)).Validate(maxRunes(50)).Optional(),
		field.Enum("title_grade").GoType(domain.Grade("")).Optional().Nillable(),
		field.Time("title_date").SchemaType(datetime).Optional().Nillable(),
		field.Int("post_level").Optional().Nillable(),
		field.Bool("overseas").Default(false),
		field.Bool("postdoctoral").Default(false),

		field.Int("created_by"),
		field.Time("submitted_at").SchemaType(datetime).Optional().Nillable(),
		field.JSON("chain", []domain.Role{}).Optional().
			Comment("the approval chain in force when it was last submitted; it keeps it until it leaves review"),
	}
}

// Mixin of the TitleApplication.
func (TitleApplication) Mixin() []ent.Mixin {
	return []ent.Mixin{TenantMixin{}, UnitMixin{}, TimeMixin{}}
}

// Edges of the TitleApplication.
func (TitleApplication) Edges() []ent.Edge {
	return []ent.Edge{
		unitEdge(),
		edge.To("person", Person.Type).Field("person_id").Unique().Required().Immutable(),
		edge.From("events", ApplicationEvent.Type).Ref("application"),
	}
}

// Indexes of the TitleApplication. The unique index on person, year and
// open lets a person have one open application a year: closed ones have
// open NULL, which unique indexes do not compare.
func (TitleApplication) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("person_id", "year", "open").Unique(),
		index.Fields("unit_id", "year", "kind"),
		index.Fields("tenant_id", "status", "stage"),
	}
}

// ApplicationEvent records one transition of a title application: who, in
// which role, when, from which status to which, and why. Events are never
// changed or deleted.
type ApplicationEvent struct{ ent.Schema }

// Fields of the ApplicationEvent.
func (ApplicationEvent) Fields() []ent.Field {
	return []ent.Field{
		field.Int("application_id").Immutable(),
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

// Mixin of the ApplicationEvent.
func (ApplicationEvent) Mixin() []ent.Mixin {
	return []ent.Mixin{TenantMixin{}, UnitMixin{}}
}

// Edges of the ApplicationEvent.
func (ApplicationEvent) Edges() []ent.Edge {
	return []ent.Edge{
		unitEdge(),
		edge.To("application", TitleApplication.Type).Field("application_id").
			Unique().Required().Immutable(),
	}
}

// Hooks of the ApplicationEvent: the history is append-only.
func (ApplicationEvent) Hooks() []ent.Hook { return []ent.Hook{rule.AppendOnly()} }

// ApplicationQuota counts the seats of a unit's evaluation quota that
// submitted evaluation applications hold, per year, grade and channel.
// Submissions raise it with a conditional update that only succeeds while
// the count stays within the approved quota, so that two concurrent
// submissions cannot both take the last seat.
type ApplicationQuota struct{ ent.Schema }

// Fields of the ApplicationQuota.
func (ApplicationQuota) Fields() []ent.Field {
	return []ent.Field{
		field.Int("year"),
		field.Enum("grade").GoType(domain.Grade("")),
		field.Enum("channel").GoType(domain.Channel("")),
		field.Int("used").Default(0),
	}
}

// Mixin of the ApplicationQuota.
func (ApplicationQuota) Mixin() []ent.Mixin {
	return []ent.Mixin{TenantMixin{}, UnitMixin{}}
}

// Edges of the ApplicationQuota.
func (ApplicationQuota) Edges() []ent.Edge { return []ent.Edge{unitEdge()} }

// Indexes of the ApplicationQuota.
func (ApplicationQuota) Indexes() []ent.Index {
	return []ent.Index{index.Fields("unit_id", "year", "grade", "channel").Unique()}
}
