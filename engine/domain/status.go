package domain

// Channel is the channel of a quota declaration line.
type Channel string

// The declaration channels. Only the normal channel consumes vacancies.
const (
	ChannelNormal       Channel = "normal"       // 正常申报
	ChannelUrgentNeed   Channel = "urgent_need"  // 急需紧缺人才
	ChannelRetireMore   Channel = "retire_more"  // 退多补少
	ChannelOverseas     Channel = "overseas"     // 境外引进人才
	ChannelPostdoctoral Channel = "postdoctoral" // 博士后科研人才
)

// Values lists the channels as strings, for ent enum fields.
func (Channel) Values() []string {
	return []string{
		string(ChannelNormal), string(ChannelUrgentNeed), string(ChannelRetireMore),
		string(ChannelOverseas), string(ChannelPostdoctoral),
	}
}

// Status is where an item (a quota declaration, a title application) stands
// in its approval chain.
type Status string

// The review statuses. An item in review also carries the stage that must
// act next.
const (
	StatusDraft     Status = "draft"     // being edited by the unit
	StatusReturned  Status = "returned"  // sent back with a reason; editable like a draft
	StatusInReview  Status = "in_review" // submitted, awaiting the current stage
	StatusApproved  Status = "approved"  // every stage approved
	StatusRejected  Status = "rejected"  // refused, final
	StatusWithdrawn Status = "withdrawn" // taken back by the unit, final
)

// Values lists the statuses as strings, for ent enum fields.
func (Status) Values() []string {
	return []string{
		string(StatusDraft), string(StatusReturned), string(StatusInReview),
		string(StatusApproved), string(StatusRejected), string(StatusWithdrawn),
	}
}

// Editable reports whether the unit may still change an item in status s.
func (s Status) Editable() bool { return s == StatusDraft || s == StatusReturned }

// Reserving reports whether an item in status s holds its normal-channel
// quota: from submission until it is returned, rejected or withdrawn.
func (s Status) Reserving() bool { return s == StatusInReview || s == StatusApproved }

// Role is what a user does in a tenant.
type Role string

// The roles. Reviewer roles are also the stages of an approval chain.
const (
	RoleUnitClerk          Role = "unit_clerk"          // 单位经办人
	RoleDepartmentReviewer Role = "department_reviewer" // 主管部门审核人
	RoleBureauReviewer     Role = "bureau_reviewer"     // 人社局审核人
	RoleTenantAdmin        Role = "tenant_admin"        // 系统管理员
	RoleAuditReader        Role = "audit_reader"        // 审计员
	RolePlatformOperator   Role = "platform_operator"   // runs the hosted server
)

// Values lists the roles as strings, for ent enum fields.
func (Role) Values() []string {
	return []string{
		string(RoleUnitClerk), string(RoleDepartmentReviewer), string(RoleBureauReviewer),
		string(RoleTenantAdmin), string(RoleAuditReader), string(RolePlatformOperator),
	}
}

// Valid reports whether r is a known role.
func (r Role) Valid() bool {
	for _, v := range r.Values() {
		if string(r) == v {
			return true
		}
	}
	return false
}

// PersonStatus is a person's employment status.
type PersonStatus string

// The person statuses.
const (
	PersonServing PersonStatus = "serving" // 在职
	PersonRetired PersonStatus = "retired" // 退休
	PersonLeft    PersonStatus = "left"    // 调出、辞职等
)

// Values lists the person statuses as strings, for ent enum fields.
func (PersonStatus) Values() []string {
	return []string{string(PersonServing), string(PersonRetired), string(PersonLeft)}
}

// PostCategory is the category of a post.
type PostCategory string

// The post categories; quotas concern professional posts only.
const (
	PostProfessional PostCategory = "professional" // 专业技术岗位
	PostManagement   PostCategory = "management"   // 管理岗位
	PostWorker       PostCategory = "worker"       // 工勤技能岗位
)

// Values lists the post categories as strings, for ent enum fields.
func (PostCategory) Values() []string {
	return []string{string(PostProfessional), string(PostManagement), string(PostWorker)}
}

// UnitKind tells institutions from enterprises.
type UnitKind string

// The unit kinds.
const (
	UnitInstitution UnitKind = "institution" // 事业单位
	UnitEnterprise  UnitKind = "enterprise"  // 企业
)

// Values lists the unit kinds as strings, for ent enum fields.
func (UnitKind) Values() []string { return []string{string(UnitInstitution), string(UnitEnterprise)} }
