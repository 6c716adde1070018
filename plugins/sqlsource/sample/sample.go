// Package sample carries the Xiangxi sample export of an institution
// personnel system, a fictitious data set for 湘西土家族苗族自治州 (433100)
// and the year 2026: 23 competent departments, 41 units, 3,477 people. The
// demo tenant is loaded from it and tests read it, as an SQLite file or as
// a MySQL script.
package sample

import (
	_ "embed"
	"fmt"
	"os"
	"path/filepath"
)

// Year is the declaration year of the sample's approved posts.
const Year = 2026

//go:embed institution.db
var sqliteFile []byte

//go:embed institution.mysql.sql
var mysqlScript []byte

// WriteSQLite writes the export as an SQLite file named institution.db in
// dir and returns its path.
func WriteSQLite(dir string) (string, error) {
	path := filepath.Join(dir, "institution.db")
	if err := os.WriteFile(path, sqliteFile, 0o600); err != nil {
		return "", fmt.Errorf("write sample export: %w", err)
	}
	return path, nil
}

// MySQLScript returns the export as a MySQL/MariaDB script (utf8mb4).
func MySQLScript() []byte { return mysqlScript }
