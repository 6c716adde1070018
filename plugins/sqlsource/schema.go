package sqlsource

import "strings"

// schema names the tables and columns that a Source reads. It is the only
// place where the export's names appear.
type schema struct {
	departments table
	units       table
	posts       table
	people      table
}

// table names one table and the columns read from it.
type table struct {
	name string

	// columns are listed in the order of the fields of the matching
	// contract type; the scan functions rely on that order.
	columns []string

	key  []string // the columns that order the rows
	unit string   // the column holding the unit's credit code
	year string   // the column holding the year, for posts
}

// exportSchema returns the names of the institution system's export: tables
// zgbm, dw, gwsz and ry with pinyin-initial columns.
func exportSchema() schema {
	return schema{
		departments: table{
			name:    "zgbm",
			columns: []string{"bmdm", "bmmc", "xzqh"},
			key:     []string{"bmdm"},
		},
		units: table{
			name: "dw",
			columns: []string{"dwdm", "dwmc", "dwlb", "jflx", "hylb", "xzqh", "zgbmdm",
				"lxr", "lxdh", "dz"},
			key:  []string{"dwdm"},
			unit: "dwdm",
		},
		posts: table{
			name:    "gwsz",
			columns: []string{"dwdm", "nd", "gwlb", "gwdj", "hdzs"},
			key:     []string{"dwdm", "nd", "gwlb", "gwdj"},
			unit:    "dwdm",
			year:    "nd",
		},
		people: table{
			name: "ry",
			columns: []string{"rybh", "dwdm", "xm", "xb", "sfzh", "csrq", "mz", "zzmm",
				"xl", "xw", "byyx", "sxzy", "bysj", "cjgzsj", "jrbdwsj", "gwlb", "gwdj",
				"prsj", "zcxl", "zcmc", "zcjb", "zcqdsj", "zcqdfs", "ryzt", "txsj", "lxdh"},
			key:  []string{"rybh"},
			unit: "dwdm",
		},
	}
}

// filter is an equality condition on one column.
type filter struct {
	column string
	value  any
}

// unitFilter limits t to one unit, or to nothing when unitCode is empty.
func (t table) unitFilter(unitCode string) []filter {
	if unitCode == "" {
		return nil
	}
	return []filter{{column: t.unit, value: unitCode}}
}

// query returns a statement that reads t's columns in key order from the
// rows that match every filter, and the statement's arguments. The
// placeholder "?" serves both SQLite and MySQL.
func (t table) query(filters []filter) (string, []any) {
	q := "SELECT " + strings.Join(t.columns, ", ") + " FROM " + t.name

	conds := make([]string, 0, len(filters))
	args := make([]any, 0, len(filters))
	for _, f := range filters {
		conds = append(conds, f.column+" = ?")
		args = append(args, f.value)
	}
	if len(conds) > 0 {
		q += " WHERE " + strings.Join(conds, " AND ")
	}
	return q + " ORDER BY " + strings.Join(t.key, ", "), args
}
