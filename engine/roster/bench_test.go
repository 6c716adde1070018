package roster

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
)

// benchRows is the size of the benchmarks' workbook.
const benchRows = 100_000

// benchFile is the benchmarks' workbook, written once per test binary in
// a temporary folder that TestMain removes.
var benchFile struct {
	once sync.Once
	dir  string
	path string
	err  error
}

func TestMain(m *testing.M) {
	code := m.Run()
	if benchFile.dir != "" {
		os.RemoveAll(benchFile.dir)
	}
	os.Exit(code)
}

func benchWorkbook(b *testing.B) string {
	b.Helper()
	benchFile.once.Do(func() {
		benchFile.dir, benchFile.err = os.MkdirTemp("", "roster-bench-")
		if benchFile.err == nil {
			benchFile.path = filepath.Join(benchFile.dir, "roster-100k.xlsx")
			benchFile.err = writeBenchWorkbook(benchFile.path, benchRows)
		}
	})
	if benchFile.err != nil {
		b.Fatal(benchFile.err)
	}
	return benchFile.path
}

// BenchmarkRead100k reads a workbook of 100,000 valid people in every
// column of the template.
func BenchmarkRead100k(b *testing.B) {
	path := benchWorkbook(b)
	b.ReportAllocs()
	peak := startHeapPeak()
	b.ResetTimer()
	for b.Loop() {
		f, err := os.Open(path)
		if err != nil {
			b.Fatal(err)
		}
		st, _ := f.Stat()
		sh, err := Read(f, st.Size(), "roster.xlsx", Options{Now: testNow})
		f.Close()
		if err != nil {
			b.Fatal(err)
		}
		if len(sh.Rows) != benchRows || !sh.Valid() {
			b.Fatalf("read %d rows, valid %v; first problems %v", len(sh.Rows), sh.Valid(), firstProblems(sh))
		}
	}
	reportRate(b, peak)
}

// BenchmarkExcelizeRowsFloor only iterates the same workbook with
// excelize's streaming reader: the floor that Read's rate is measured
// against.
func BenchmarkExcelizeRowsFloor(b *testing.B) {
	path := benchWorkbook(b)
	b.ReportAllocs()
	peak := startHeapPeak()
	b.ResetTimer()
	for b.Loop() {
		f, err := excelize.OpenFile(path, excelize.Options{
			UnzipSizeLimit: DefaultMaxUnzipBytes, UnzipXMLSizeLimit: unzipXMLLimit})
		if err != nil {
			b.Fatal(err)
		}
		rows, err := f.Rows(f.GetSheetName(0))
		if err != nil {
			b.Fatal(err)
		}
		n := 0
		for rows.Next() {
			if _, err := rows.Columns(); err != nil {
				b.Fatal(err)
			}
			n++
		}
		rows.Close()
		f.Close()
		if n != benchRows+1 {
			b.Fatalf("iterated %d rows, want %d", n, benchRows+1)
		}
	}
	reportRate(b, peak)
}

func reportRate(b *testing.B, peak *heapPeak) {
	elapsed := b.Elapsed()
	b.StopTimer()
	b.ReportMetric(float64(benchRows*b.N)/elapsed.Seconds(), "rows/s")
	b.ReportMetric(float64(peak.stop())/(1<<20), "peak-heap-MB")
}

func firstProblems(sh *Sheet) []string {
	var out []string
	for _, p := range sh.Problems() {
		if len(out) == 3 {
			break
		}
		out = append(out, DefaultText(p))
	}
	return out
}

// heapPeak samples the live heap until stopped.
type heapPeak struct {
	done chan struct{}
	max  chan uint64
}

func startHeapPeak() *heapPeak {
	runtime.GC()
	h := &heapPeak{done: make(chan struct{}), max: make(chan uint64)}
	go func() {
		var peak uint64
		var ms runtime.MemStats
		tick := time.NewTicker(10 * time.Millisecond)
		defer tick.Stop()
		for {
			runtime.ReadMemStats(&ms)
			peak = max(peak, ms.HeapAlloc)
			select {
			case <-h.done:
				h.max <- peak
				return
			case <-tick.C:
			}
		}
	}()
	return h
}

// stop returns the largest heap seen, in bytes.
func (h *heapPeak) stop() uint64 {
	close(h.done)
	return <-h.max
}

// writeBenchWorkbook writes n valid people with excelize's stream writer:
// birth dates as date cells, other dates in the forms clerks type.
func writeBenchWorkbook(path string, n int) error {
	f := excelize.NewFile()
	defer f.Close()
	sw, err := f.NewStreamWriter("Sheet1")
	if err != nil {
		return err
	}
	dateStyle, err := f.NewStyle(&excelize.Style{NumFmt: 14})
	if err != nil {
		return err
	}
	header := make([]any, len(columnSpecs))
	for i, c := range columnSpecs {
		header[i] = c.Header
	}
	if err := sw.SetRow("A1", header); err != nil {
		return err
	}
	for i := range n {
		ref, _ := excelize.CoordinatesToCellName(1, i+2)
		if err := sw.SetRow(ref, benchPerson(i, dateStyle)); err != nil {
			return err
		}
	}
	if err := sw.Flush(); err != nil {
		return err
	}
	return f.SaveAs(path)
}

// benchPerson returns the i-th person: born on one of 13,000 days from 1960
// with a sequence number that makes the ID number unique.
func benchPerson(i, dateStyle int) []any {
	surnames := []string{"龙", "彭", "向", "田", "石", "麻", "吴", "杨", "符", "阿依古丽·"}
	given := []string{"凤英", "子海", "振湘", "燕", "立", "嘉", "买买提", "𠮷祥"}
	birth := day(1960, 1, 1).AddDate(0, 0, i%13000)
	seq := i/13000 + 1
	id := checkedID(fmt.Sprintf("433101%s%03d", birth.Format("20060102"), seq))
	sex := "女"
	if seq%2 == 1 {
		sex = "男"
	}
	y := birth.Year()
	return []any{
		surnames[i%len(surnames)] + given[i%len(given)], id, sex,
		excelize.Cell{StyleID: dateStyle, Value: birth},
		[]string{"汉族", "苗族", "土家族"}[i%3], []string{"中共党员", "群众"}[i%2], "大学本科毕业", "学士",
		"湖南大学", "土木工程", fmt.Sprintf("%d.07", y+22), fmt.Sprintf("%d.08", y+22),
		fmt.Sprintf("%d年9月", y+23), "专业技术岗位", "专技十级", fmt.Sprintf("%d-09-01", y+26),
		"工程技术人员", "工程师", "中级", fmt.Sprintf("%d.12", y+26), "评审", fmt.Sprintf("GC%07d", i),
		"在职", "", "否", "否", fmt.Sprintf("139%08d", i),
	}
}

// checkedID appends the GB 11643 check character to 17 digits.
func checkedID(s string) string {
	weights := []int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}
	sum := 0
	for i, w := range weights {
		sum += int(s[i]-'0') * w
	}
	return s + string("10X98765432"[sum%11])
}
