package sqlsource

import "github.com/zhicheng-hr/zhicheng/plugins/contract"

// The field names of the mapping, in the order of the contract's record
// types, and what each kind of record needs from its table.

func departmentSpec() spec[contract.Department] {
	type D = contract.Department
	return spec[contract.Department]{
		kind: "departments",
		fields: []field[D]{
			text("code", func(d *D) *string { return &d.Code }),
			text("name", func(d *D) *string { return &d.Name }),
			text("region", func(d *D) *string { return &d.Region }),
		},
		required: []string{"code"},
		key:      []string{"code"},
	}
}

func unitSpec() spec[contract.Unit] {
	type U = contract.Unit
	return spec[contract.Unit]{
		kind: "units",
		fields: []field[U]{
			text("credit_code", func(u *U) *string { return &u.CreditCode }),
			text("name", func(u *U) *string { return &u.Name }),
			text("kind", func(u *U) *string { return &u.Kind }),
			text("funding", func(u *U) *string { return &u.Funding }),
			text("sector", func(u *U) *string { return &u.Sector }),
			text("region", func(u *U) *string { return &u.Region }),
			text("department_code", func(u *U) *string { return &u.DepartmentCode }),
			text("contact_name", func(u *U) *string { return &u.ContactName }),
			text("contact_phone", func(u *U) *string { return &u.ContactPhone }),
			text("address", func(u *U) *string { return &u.Address }),
		},
		required: []string{"credit_code"},
		key:      []string{"credit_code"},
		unit:     "credit_code",
	}
}

func personSpec() spec[contract.Person] {
	type P = contract.Person
	return spec[contract.Person]{
		kind: "people",
		fields: []field[P]{
			text("source_id", func(p *P) *string { return &p.SourceID }),
			text("unit_code", func(p *P) *string { return &p.UnitCode }),
			text("name", func(p *P) *string { return &p.Name }),
			text("sex", func(p *P) *string { return &p.Sex }),
			text("id_number", func(p *P) *string { return &p.IDNumber }),
			date("birth_date", func(p *P) *string { return &p.BirthDate }),
			text("ethnicity", func(p *P) *string { return &p.Ethnicity }),
			text("political", func(p *P) *string { return &p.Political }),
			text("education", func(p *P) *string { return &p.Education }),
			text("degree", func(p *P) *string { return &p.Degree }),
			text("school", func(p *P) *string { return &p.School }),
			text("major", func(p *P) *string { return &p.Major }),
			date("graduation_date", func(p *P) *string { return &p.GraduationDate }),
			date("started_work", func(p *P) *string { return &p.StartedWork }),
			date("joined_unit", func(p *P) *string { return &p.JoinedUnit }),
			text("post_category", func(p *P) *string { return &p.PostCategory }),
			number("post_level", func(p *P) *int { return &p.PostLevel }),
			date("appointed_date", func(p *P) *string { return &p.AppointedDate }),
			text("title_series", func(p *P) *string { return &p.TitleSeries }),
			text("title_name", func(p *P) *string { return &p.TitleName }),
			text("title_grade", func(p *P) *string { return &p.TitleGrade }),
			date("title_date", func(p *P) *string { return &p.TitleDate }),
			text("title_method", func(p *P) *string { return &p.TitleMethod }),
			text("status", func(p *P) *string { return &p.Status }),
			date("left_date", func(p *P) *string { return &p.LeftDate }),
			text("mobile", func(p *P) *string { return &p.Mobile }),
		},
		required: []string{"source_id", "unit_code"},
		key:      []string{"source_id"},
		unit:     "unit_code",
	}
}

func postSpec() spec[contract.Post] {
	type P = contract.Post
	return spec[contract.Post]{
		kind: "posts",
		fields: []field[P]{
			text("unit_code", func(p *P) *string { return &p.UnitCode }),
			number("year", func(p *P) *int { return &p.Year }),
			text("category", func(p *P) *string { return &p.Category }),
			number("level", func(p *P) *int { return &p.Level }),
			number("approved", func(p *P) *int { return &p.Approved }),
		},
		required: []string{"unit_code", "year", "level", "approved"},
		key:      []string{"unit_code", "year", "category", "level"},
		unit:     "unit_code",
		year:     "year",
	}
}

func text[T any](name string, f func(*T) *string) field[T] {
	return field[T]{name: name, kind: textField, text: f}
}

func date[T any](name string, f func(*T) *string) field[T] {
	return field[T]{name: name, kind: dateField, text: f}
}

func number[T any](name string, f func(*T) *int) field[T] {
	return field[T]{name: name, kind: numberField, num: f}
}
