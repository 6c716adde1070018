package domain

import "fmt"

// PostLevel is a professional post level, 1 (highest) to 13 (lowest).
type PostLevel int

// MinPostLevel and MaxPostLevel bound the professional post levels.
const (
	MinPostLevel PostLevel = 1
	MaxPostLevel PostLevel = 13
)

// Valid reports whether l is one of the 13 professional post levels.
func (l PostLevel) Valid() bool { return l >= MinPostLevel && l <= MaxPostLevel }

// Grade returns the title grade whose posts include level l.
func (l PostLevel) Grade() Grade {
	switch {
	case l >= 1 && l <= 4:
		return GradeFullSenior
	case l >= 5 && l <= 7:
		return GradeAssociateSenior
	case l >= 8 && l <= 10:
		return GradeIntermediate
	case l >= 11 && l <= 12:
		return GradeAssistant
	case l == 13:
		return GradeTechnician
	}
	return ""
}

// Grade is a title grade; the values are stable identifiers used in storage
// and the API.
type Grade string

// The five title grades, highest first.
const (
	GradeFullSenior      Grade = "full_senior"      // 正高级, post levels 1–4
	GradeAssociateSenior Grade = "associate_senior" // 副高级, post levels 5–7
	GradeIntermediate    Grade = "intermediate"     // 中级, post levels 8–10
	GradeAssistant       Grade = "assistant"        // 助理级, post levels 11–12
	GradeTechnician      Grade = "technician"       // 员级, post level 13
)

// Grades lists the title grades, highest first.
var Grades = [...]Grade{
	GradeFullSenior, GradeAssociateSenior, GradeIntermediate, GradeAssistant, GradeTechnician,
}

// Values lists the grades as strings, for ent enum fields.
func (Grade) Values() []string {
	out := make([]string, len(Grades))
	for i, g := range Grades {
		out[i] = string(g)
	}
	return out
}

// Valid reports whether g is one of the five grades.
func (g Grade) Valid() bool {
	for _, v := range Grades {
		if g == v {
			return true
		}
	}
	return false
}

// Levels returns the post levels of grade g, highest first.
func (g Grade) Levels() []PostLevel {
	var out []PostLevel
	for l := MinPostLevel; l <= MaxPostLevel; l++ {
		if l.Grade() == g {
			out = append(out, l)
		}
	}
	return out
}

// ParseGrade returns the grade named s, or an error naming s.
func ParseGrade(s string) (Grade, error) {
	g := Grade(s)
	if !g.Valid() {
		return "", fmt.Errorf("unknown grade %q", s)
	}
	return g, nil
}

// GradeFromCode maps the institution system's title grade code (1 正高级 …
// 5 员级) to a grade.
func GradeFromCode(code string) (Grade, bool) {
	switch code {
	case "1":
		return GradeFullSenior, true
	case "2":
		return GradeAssociateSenior, true
	case "3":
		return GradeIntermediate, true
	case "4":
		return GradeAssistant, true
	case "5":
		return GradeTechnician, true
	}
	return "", false
}
