// Package contract defines what an institution-system source gives to
// zhicheng: competent departments, units, people and approved posts per
// level and year. A sync adapter implements Source; the engine validates
// and applies what it returns.
//
// The records carry the source's values as plain strings and numbers, close
// to the wire form that an out-of-process plugin sends. Codes follow the
// national standards named on each field; dates are "YYYY-MM-DD" or empty.
// The package depends on nothing else of zhicheng.
package contract

import "context"

// Version is the version of this contract. It is the protocol version of
// the plugin handshake and the "v1" of the gRPC package zhicheng.sync.v1,
// and changes only with an incompatible change to either.
const Version = 1

// Source reads one prefecture's institution personnel system.
//
// Each method returns everything the source holds for its kind; unitCode,
// where given, limits the answer to one unit. Implementations return an
// error wrapping the cause when the source cannot be read; a partial answer
// is never returned with a nil error.
type Source interface {
	Departments(ctx context.Context) ([]Department, error)
	Units(ctx context.Context, unitCode string) ([]Unit, error)
	People(ctx context.Context, unitCode string) ([]Person, error)
	Posts(ctx context.Context, year int, unitCode string) ([]Post, error)
}

// Department is a competent department (主管部门).
type Department struct {
	Code   string // the source's department code, unique in the tenant
	Name   string
	Region string // GB/T 2260 region code
}

// Unit is a unit (单位) of the institution system.
type Unit struct {
	CreditCode     string // unified social credit code, GB 32100
	Name           string
	Kind           string // "1" institution, "2" enterprise
	Funding        string // "1" full budget, "2" partial, "3" self-funded
	Sector         string // e.g. 卫生, 教育
	Region         string // GB/T 2260 region code
	DepartmentCode string
	ContactName    string
	ContactPhone   string
	Address        string
}

// Person is a member of a unit's staff.
type Person struct {
	SourceID       string // the source's person number
	UnitCode       string // credit code of the person's unit
	Name           string
	Sex            string // GB/T 2261.1: "1" male, "2" female
	IDNumber       string // GB 11643
	BirthDate      string
	Ethnicity      string // GB/T 3304
	Political      string // GB/T 4762
	Education      string // GB/T 4658
	Degree         string // GB/T 6864
	School         string
	Major          string
	GraduationDate string
	StartedWork    string // 参加工作时间
	JoinedUnit     string
	PostCategory   string // "1" management, "2" professional, "3" worker
	PostLevel      int    // 0 when none
	AppointedDate  string // 聘任时间
	TitleSeries    string // series name, e.g. 卫生技术人员
	TitleName      string // e.g. 主治医师
	TitleGrade     string // "1" 正高级 … "5" 员级
	TitleDate      string
	TitleMethod    string // "1" evaluation, "2" recognition
	Status         string // "1" serving, "2" retired
	LeftDate       string // retirement date
	Mobile         string
}

// Post is the number of approved posts (核定职数) of one unit at one
// professional post level for a year.
type Post struct {
	UnitCode string
	Year     int
	Category string // "2" professional-technical
	Level    int    // 1–13
	Approved int
}
