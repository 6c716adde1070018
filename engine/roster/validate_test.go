package roster

import (
	"github.com/zhicheng-hr/zhicheng/engine/catalog"
	"strings"
	"testing"

	"github.com/zhicheng-hr/zhicheng/engine/domain"
)

// validRecord is a complete, valid record.
func validRecord() Record {
	return Record{
		Name: "龙凤英", IDNumber: idMale1993, Sex: domain.SexMale, BirthDate: day(1993, 8, 30),
		Ethnicity: "15", Political: "13", Education: "21", Degree: "4",
		School: "长沙理工大学", Major: "道路桥梁与渡河工程",
		GraduationDate: day(2015, 7, 1), StartedWork: day(2015, 10, 1), JoinedUnit: day(2015, 10, 1),
		PostCategory: domain.PostProfessional, PostLevel: 11, AppointedDate: day(2018, 10, 1),
		TitleSeries: "工程技术人员", TitleName: "助理工程师", TitleGrade: domain.GradeAssistant,
		TitleDate: day(2018, 9, 1), TitleMethod: MethodRecognition, Status: domain.PersonServing,
		Mobile: "13912345678",
		MonthOnly: NewDateFields(FieldGraduationDate, FieldStartedWork, FieldJoinedUnit,
			FieldAppointedDate, FieldTitleDate),
	}
}

func TestValidate(t *testing.T) {
	tests := []struct {
		name   string
		change func(*Record)
		field  string
		code   string
	}{
		{"valid", func(*Record) {}, "", ""},
		{"name required", func(r *Record) { r.Name = "" }, FieldName, CodeRequired},
		{"name of 30 characters", func(r *Record) { r.Name = strings.Repeat("龙", 30) }, "", ""},
		{"name of 31 characters", func(r *Record) {
			r.Name = strings.Repeat("龙", 31)
		}, FieldName, CodeNameTooLong},
		{"name with a middle dot", func(r *Record) { r.Name = "阿依古丽·买买提" }, "", ""},
		{"name with a rare character", func(r *Record) { r.Name = "吉𠮷" }, "", ""},
		{"name with a look-alike dot", func(r *Record) {
			r.Name = "阿依古丽・买买提"
		}, FieldName, CodeNameChars},
		{"name with a digit", func(r *Record) { r.Name = "张3" }, FieldName, CodeNameChars},
		{"name ending in a dot", func(r *Record) { r.Name = "张·" }, FieldName, CodeNameChars},
		{"ID required", func(r *Record) { r.IDNumber = "" }, FieldIDNumber, CodeRequired},
		{"ID check character", func(r *Record) {
			r.IDNumber = "433122199308306515"
		}, FieldIDNumber, CodeIDCheck},
		{"ID length", func(r *Record) {
			r.IDNumber = "43312219930830651"
		}, FieldIDNumber, CodeIDLength},
		{"ID characters", func(r *Record) {
			r.IDNumber = "43312219930830651A"
		}, FieldIDNumber, CodeIDChars},
		{"ID birth date", func(r *Record) {
			r.IDNumber = "433122199302306514"
		}, FieldIDNumber, CodeIDBirthDate},
		{"ID as number", func(r *Record) {
			r.IDNumber = "4.33122E+17"
		}, FieldIDNumber, CodeIDAsNumber},
		{"old 15-digit ID", func(r *Record) {
			r.IDNumber, r.Sex, r.BirthDate = "433101850302001", domain.SexMale, day(1985, 3, 2)
			r.GraduationDate, r.StartedWork = day(2007, 7, 1), day(2007, 8, 1)
		}, "", ""},
		{"sex mismatch", func(r *Record) { r.Sex = domain.SexFemale }, FieldSex, CodeSexMismatch},
		{"sex unstated", func(r *Record) { r.Sex = domain.SexUnstated }, "", ""},
		{"birth date mismatch", func(r *Record) {
			r.BirthDate = day(1993, 8, 31)
		}, FieldBirthDate, CodeBirthMismatch},
		{"birth month agrees", func(r *Record) {
			r.BirthDate, r.MonthOnly = day(1993, 8, 1), r.MonthOnly.With(FieldBirthDate, true)
		}, "", ""},
		{"birth month disagrees", func(r *Record) {
			r.BirthDate, r.MonthOnly = day(1993, 9, 1), r.MonthOnly.With(FieldBirthDate, true)
		}, FieldBirthDate, CodeBirthMismatch},
		{"unknown ethnicity", func(r *Record) {
			r.Ethnicity = "57"
		}, FieldEthnicity, CodeUnknownCode},
		{"unknown education", func(r *Record) {
			r.Education = "20"
		}, FieldEducation, CodeUnknownCode},
		{"unknown degree", func(r *Record) { r.Degree = "1" }, FieldDegree, CodeUnknownCode},
		{"unknown political status", func(r *Record) {
			r.Political = "14"
		}, FieldPolitical, CodeUnknownCode},
		{"unknown status", func(r *Record) { r.Status = "dead" }, FieldStatus, CodeUnknownCode},
		{"title date in the future", func(r *Record) {
			r.TitleDate, r.MonthOnly = day(2027, 1, 1), r.MonthOnly.With(FieldTitleDate, true)
		}, FieldTitleDate, CodeDateFuture},
		{"title date this month", func(r *Record) {
			r.TitleDate, r.MonthOnly = day(2026, 12, 1), r.MonthOnly.With(FieldTitleDate, true)
		}, "", ""},
		{"tomorrow", func(r *Record) {
			r.TitleDate, r.MonthOnly = day(2026, 12, 2), r.MonthOnly.With(FieldTitleDate, false)
		}, FieldTitleDate, CodeDateFuture},
		{"graduated before birth", func(r *Record) {
			r.GraduationDate, r.MonthOnly = day(1993, 7, 1), r.MonthOnly.With(FieldGraduationDate, true)
		}, FieldGraduationDate, CodeDateBeforeBirth},
		{"started work at 15", func(r *Record) {
			r.StartedWork = day(2009, 8, 1)
			r.MonthOnly = r.MonthOnly.With(FieldStartedWork, false)
		}, FieldStartedWork, CodeWorkTooYoung},
		{"started work in the month before the 16th birthday", func(r *Record) { r.StartedWork = day(2009, 7, 1) },
			FieldStartedWork, CodeWorkTooYoung},
		{"started work in the month of the 16th birthday", func(r *Record) {
			r.StartedWork = day(2009, 8, 1)
			r.MonthOnly = r.MonthOnly.With(FieldStartedWork, true)
		}, "", ""},
		{"started work on the 16th birthday", func(r *Record) {
			r.StartedWork = day(2009, 8, 30)
			r.MonthOnly = r.MonthOnly.With(FieldStartedWork, false)
		}, "", ""},
		{"unknown series", func(r *Record) {
			r.TitleSeries = "火星技术人员"
		}, FieldTitleSeries, CodeTitleUnknownSeries},
		{"title not in series", func(r *Record) {
			r.TitleSeries = "卫生技术人员"
		}, FieldTitleName, CodeTitleSeries},
		{"title at another grade", func(r *Record) {
			r.TitleGrade = domain.GradeIntermediate
		}, FieldTitleGrade, CodeTitleGrade},
		{"title without series", func(r *Record) {
			r.TitleSeries, r.TitleName = "", "技术员"
			r.TitleGrade = domain.GradeTechnician
		}, "", ""},
		{"unknown title without series", func(r *Record) {
			r.TitleSeries, r.TitleName = "", "大师"
		}, FieldTitleName, CodeTitleUnknown},
		{"series alias", func(r *Record) {
			r.TitleSeries, r.TitleName, r.TitleGrade = "会计专业人员", "会计师", domain.GradeIntermediate
		}, "", ""},
		{"professional level 14", func(r *Record) {
			r.PostLevel = 14
		}, FieldPostLevel, CodePostLevel},
		{"management level 10", func(r *Record) {
			r.PostCategory, r.PostLevel = domain.PostManagement, 10
		}, "", ""},
		{"worker level 6", func(r *Record) {
			r.PostCategory, r.PostLevel = domain.PostWorker, 6
		}, FieldPostLevel, CodePostLevel},
		{"level without category", func(r *Record) {
			r.PostCategory = ""
		}, FieldPostCategory, CodeRequired},
		{"retired without date", func(r *Record) {
			r.Status = domain.PersonRetired
		}, FieldStatusDate, CodeStatusDate},
		{"retired with date", func(r *Record) {
			r.Status, r.StatusDate = domain.PersonRetired, day(2026, 1, 1)
		}, "", ""},
		{"mobile of 10 digits", func(r *Record) {
			r.Mobile = "1391234567"
		}, FieldMobile, CodeMobile},
		{"landline", func(r *Record) { r.Mobile = "07438223456" }, FieldMobile, CodeMobile},
		{"school too long", func(r *Record) {
			r.School = strings.Repeat("大", 61)
		}, FieldSchool, CodeTextTooLong},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := validRecord()
			tt.change(&r)
			ps := r.Validate(testNow)
			if tt.code == "" {
				for _, p := range ps {
					t.Errorf("unexpected problem %s on %s: %s", p.Code, p.Field, DefaultText(p))
				}
				return
			}
			if len(ps) != 1 || ps[0].Code != tt.code || ps[0].Field != tt.field {
				t.Fatalf("got %+v, want one problem %s on %s", ps, tt.code, tt.field)
			}
		})
	}
}

func TestDerive(t *testing.T) {
	r := Record{Name: " 阿依古丽 • 买买提 ", IDNumber: "433101850302002", TitleName: "技术员"}
	r.Derive(catalog.Default())
	want := Record{Name: "阿依古丽·买买提", IDNumber: idFemale1985, Sex: domain.SexFemale,
		BirthDate: day(1985, 3, 2), TitleName: "技术员", TitleGrade: domain.GradeTechnician,
		Status: domain.PersonServing}
	if r.Name != want.Name || r.IDNumber != want.IDNumber || r.Sex != want.Sex ||
		!r.BirthDate.Equal(want.BirthDate) || r.TitleSeries != "" || r.TitleGrade != want.TitleGrade ||
		r.Status != want.Status {
		t.Errorf("got  %+v\nwant %+v", r, want)
	}

	r = Record{TitleName: "高级会计师", Sex: domain.SexMale, IDNumber: idFemale1985}
	r.Derive(catalog.Default())
	if r.TitleSeries != "会计人员" || r.TitleGrade != domain.GradeAssociateSenior || r.Sex != domain.SexMale {
		t.Errorf("got series %q grade %q sex %q, want 会计人员, associate_senior and the sex given",
			r.TitleSeries, r.TitleGrade, r.Sex)
	}
}
