package policies

// Role names, as they appear in the subject column of the policy. A user's
// role is passed to Enforce as the subject.
const (
	// RoleUnitClerk prepares, edits, submits and withdraws the declarations
	// of an employing unit.
	RoleUnitClerk = "unit_clerk"
	// RoleDepartmentReviewer reviews declarations on behalf of a
	// supervising department.
	RoleDepartmentReviewer = "department_reviewer"
	// RoleBureauReviewer reviews declarations on behalf of the
	// human-resources bureau.
	RoleBureauReviewer = "bureau_reviewer"
	// RoleTenantAdmin manages a tenant's users, settings and sync runs.
	RoleTenantAdmin = "tenant_admin"
	// RoleAuditReader reads the audit trail and nothing else.
	RoleAuditReader = "audit_reader"
	// RolePlatformOperator runs the platform and creates tenants.
	RolePlatformOperator = "platform_operator"
)

// Objects, as they appear in the object column of the policy.
const (
	// ObjVacancy is a unit's vacant posts per title level.
	ObjVacancy = "vacancy"
	// ObjDeclaration is a quota declaration filed by a unit.
	ObjDeclaration = "declaration"
	// ObjUnit is an employing unit's record.
	ObjUnit = "unit"
	// ObjPerson is a person's record.
	ObjPerson = "person"
	// ObjAudit is the audit trail.
	ObjAudit = "audit"
	// ObjSettings is a tenant's settings.
	ObjSettings = "settings"
	// ObjUser is a tenant's user accounts.
	ObjUser = "user"
	// ObjSync is the synchronisation with outside systems.
	ObjSync = "sync"
	// ObjUnitSync is the synchronisation of one unit's people or posts.
	ObjUnitSync = "unit_sync"
	// ObjSyncRun is the record of a synchronisation run.
	ObjSyncRun = "sync_run"
	// ObjSyncBinding is a tenant's sync plugin and its configuration.
	ObjSyncBinding = "sync_binding"
	// ObjTenant is a tenant of the platform.
	ObjTenant = "tenant"
	// ObjPostPlan is a unit's approved posts per level and year.
	ObjPostPlan = "post_plan"
	// ObjApplication is a title application filed for a person.
	ObjApplication = "application"
	// ObjWindow is a year's declaration or application window.
	ObjWindow = "window"
)

// Actions, as they appear in the action column of the policy.
const (
	// ActRead reads an object.
	ActRead = "read"
	// ActCreate creates an object.
	ActCreate = "create"
	// ActUpdate changes an object.
	ActUpdate = "update"
	// ActDelete deletes an object.
	ActDelete = "delete"
	// ActSubmit submits a declaration for review.
	ActSubmit = "submit"
	// ActWithdraw withdraws a submitted declaration.
	ActWithdraw = "withdraw"
	// ActReview approves or returns a submitted declaration.
	ActReview = "review"
	// ActManage creates, changes and disables user accounts.
	ActManage = "manage"
	// ActRun starts a synchronisation run.
	ActRun = "run"
	// ActLock locks a year's post plans against change.
	ActLock = "lock"
	// ActExtend extends a window for one unit.
	ActExtend = "extend"
)
