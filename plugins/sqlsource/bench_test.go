package sqlsource_test

import (
	"fmt"
	"testing"

	"github.com/zhicheng-hr/zhicheng/plugins/contract"
	"github.com/zhicheng-hr/zhicheng/plugins/sourcetest"
	"github.com/zhicheng-hr/zhicheng/plugins/sqlsource/sqlsourcetest"
)

// BenchmarkPeople reads about 100,000 people, the export's 3,477 copied
// 29 times, directly and through the reference plugin's process, and
// reports people per second.
func BenchmarkPeople(b *testing.B) {
	path := sqlsourcetest.SQLitePath(b)
	var copies []string
	for i := 1; i < 29; i++ {
		copies = append(copies, fmt.Sprintf(
			`INSERT INTO ry SELECT rybh || '-%02d', dwdm, xm, xb, sfzh, csrq, mz, zzmm, xl, xw,
				byyx, sxzy, bysj, cjgzsj, jrbdwsj, gwlb, gwdj, prsj, zcxl, zcmc, zcjb, zcqdsj,
				zcqdfs, ryzt, txsj, lxdh FROM ry WHERE rybh NOT LIKE '%%-%%'`, i))
	}
	execSQL(b, path, copies...)

	exe := sourcetest.Build(b, referencePlugin)
	b.Run("Direct", func(b *testing.B) { benchPeople(b, openSQLite(b, path)) })
	b.Run("Plugin", func(b *testing.B) {
		benchPeople(b, startPlugin(b, exe, map[string]string{"driver": "sqlite", "dsn": path}, nil))
	})
}

func benchPeople(b *testing.B, src contract.Source) {
	n := 0
	for b.Loop() {
		ps, err := src.People(b.Context(), "")
		if err != nil {
			b.Fatal(err)
		}
		n += len(ps)
	}
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "people/s")
}
