package domain

// Settings are a tenant's own rules, stored as data and read by the engine
// on every request. A zero value field means the default of DefaultSettings.
type Settings struct {
	// ApprovalChain lists the reviewer roles that approve, in order.
	ApprovalChain []Role `json:"approval_chain,omitempty"`
	// SessionIdleMinutes ends a session after this many idle minutes.
	SessionIdleMinutes int `json:"session_idle_minutes,omitempty"`
}

// DefaultSettings are the national defaults of DOMAIN.md: department then
// bureau approval, and a ten-minute idle timeout.
func DefaultSettings() Settings {
	return Settings{
		ApprovalChain:      []Role{RoleDepartmentReviewer, RoleBureauReviewer},
		SessionIdleMinutes: 10,
	}
}

// WithDefaults fills the unset fields of s from DefaultSettings.
func (s Settings) WithDefaults() Settings {
	d := DefaultSettings()
	if len(s.ApprovalChain) == 0 {
		s.ApprovalChain = d.ApprovalChain
	}
	if s.SessionIdleMinutes <= 0 {
		s.SessionIdleMinutes = d.SessionIdleMinutes
	}
	return s
}
