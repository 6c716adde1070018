package syncplugin

import (
	"math"

	"github.com/zhicheng-hr/zhicheng/plugins/contract"
	syncv1 "github.com/zhicheng-hr/zhicheng/plugins/proto/zhicheng/sync/v1"
)

// The functions below convert records between the contract and the wire.
// A nil message converts to the zero record.

// convertAll converts each of xs with f.
func convertAll[T, U any](xs []T, f func(T) U) []U {
	out := make([]U, len(xs))
	for i, x := range xs {
		out[i] = f(x)
	}
	return out
}

func toDepartment(m *syncv1.Department) contract.Department {
	return contract.Department{
		Code:   m.GetCode(),
		Name:   m.GetName(),
		Region: m.GetRegion(),
	}
}

func fromDepartment(d contract.Department) *syncv1.Department {
	return &syncv1.Department{Code: d.Code, Name: d.Name, Region: d.Region}
}

func toUnit(m *syncv1.Unit) contract.Unit {
	return contract.Unit{
		CreditCode:     m.GetCreditCode(),
		Name:           m.GetName(),
		Kind:           m.GetKind(),
		Funding:        m.GetFunding(),
		Sector:         m.GetSector(),
		Region:         m.GetRegion(),
		DepartmentCode: m.GetDepartmentCode(),
		ContactName:    m.GetContactName(),
		ContactPhone:   m.GetContactPhone(),
		Address:        m.GetAddress(),
	}
}

func fromUnit(u contract.Unit) *syncv1.Unit {
	return &syncv1.Unit{
		CreditCode:     u.CreditCode,
		Name:           u.Name,
		Kind:           u.Kind,
		Funding:        u.Funding,
		Sector:         u.Sector,
		Region:         u.Region,
		DepartmentCode: u.DepartmentCode,
		ContactName:    u.ContactName,
		ContactPhone:   u.ContactPhone,
		Address:        u.Address,
	}
}

func toPerson(m *syncv1.Person) contract.Person {
	return contract.Person{
		SourceID:       m.GetSourceId(),
		UnitCode:       m.GetUnitCode(),
		Name:           m.GetName(),
		Sex:            m.GetSex(),
		IDNumber:       m.GetIdNumber(),
		BirthDate:      m.GetBirthDate(),
		Ethnicity:      m.GetEthnicity(),
		Political:      m.GetPolitical(),
		Education:      m.GetEducation(),
		Degree:         m.GetDegree(),
		School:         m.GetSchool(),
		Major:          m.GetMajor(),
		GraduationDate: m.GetGraduationDate(),
		StartedWork:    m.GetStartedWork(),
		JoinedUnit:     m.GetJoinedUnit(),
		PostCategory:   m.GetPostCategory(),
		PostLevel:      int(m.GetPostLevel()),
		AppointedDate:  m.GetAppointedDate(),
		TitleSeries:    m.GetTitleSeries(),
		TitleName:      m.GetTitleName(),
		TitleGrade:     m.GetTitleGrade(),
		TitleDate:      m.GetTitleDate(),
		TitleMethod:    m.GetTitleMethod(),
		Status:         m.GetStatus(),
		LeftDate:       m.GetLeftDate(),
		Mobile:         m.GetMobile(),
	}
}

func fromPerson(p contract.Person) *syncv1.Person {
	return &syncv1.Person{
		SourceId:       p.SourceID,
		UnitCode:       p.UnitCode,
		Name:           p.Name,
		Sex:            p.Sex,
		IdNumber:       p.IDNumber,
		BirthDate:      p.BirthDate,
		Ethnicity:      p.Ethnicity,
		Political:      p.Political,
		Education:      p.Education,
		Degree:         p.Degree,
		School:         p.School,
		Major:          p.Major,
		GraduationDate: p.GraduationDate,
		StartedWork:    p.StartedWork,
		JoinedUnit:     p.JoinedUnit,
		PostCategory:   p.PostCategory,
		PostLevel:      clamp32(p.PostLevel),
		AppointedDate:  p.AppointedDate,
		TitleSeries:    p.TitleSeries,
		TitleName:      p.TitleName,
		TitleGrade:     p.TitleGrade,
		TitleDate:      p.TitleDate,
		TitleMethod:    p.TitleMethod,
		Status:         p.Status,
		LeftDate:       p.LeftDate,
		Mobile:         p.Mobile,
	}
}

func toPost(m *syncv1.Post) contract.Post {
	return contract.Post{
		UnitCode: m.GetUnitCode(),
		Year:     int(m.GetYear()),
		Category: m.GetCategory(),
		Level:    int(m.GetLevel()),
		Approved: int(m.GetApproved()),
	}
}

func fromPost(p contract.Post) *syncv1.Post {
	return &syncv1.Post{
		UnitCode: p.UnitCode,
		Year:     clamp32(p.Year),
		Category: p.Category,
		Level:    clamp32(p.Level),
		Approved: clamp32(p.Approved),
	}
}

// clamp32 converts n to int32, saturating rather than wrapping around, so
// that an out-of-range number stays out of range on the wire.
func clamp32(n int) int32 {
	return int32(max(math.MinInt32, min(n, math.MaxInt32)))
}
