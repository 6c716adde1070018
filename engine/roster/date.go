package roster

import (
	"math"
	"slices"
	"strconv"
	"strings"
	"time"
)

// dateValue is a date read from a cell: the date, whether it was given to
// the month only, and the problem code if it could not be read.
type dateValue struct {
	t         time.Time
	monthOnly bool
	problem   string
}

// parseDateText reads a date in the forms people type:
//
//	1985-3-2  1985/3/2  1985.3.2  19850302  (to the day)
//	1985.03   1985-03   1985/03   198503    (to the month)
//	31108                                   (a serial number)
//
// and the year, month and day written with the words of codes.json's
// date_words.
//
// A time of day after the date is ignored. It refuses, with the reason, a
// year alone, a two-digit year (85.3), and a day and month whose order
// cannot be told (3/2/1985); 13/3/1985 and 3/13/1985 are read.
func parseDateText(s string) dateValue {
	s = removeSpaces(stripTime(foldText(s)))
	nums, seps := splitDate(s)
	switch {
	case len(nums) == 0:
		return dateValue{problem: CodeDateInvalid}
	case len(nums) == 1:
		return parseDateNumber(nums[0], seps[0])
	case seps[0] == codes.DateWords.Year:
		return chineseDate(nums, seps)
	case !sameSeparators(seps):
		return dateValue{problem: CodeDateInvalid}
	case len(nums[0]) == 4:
		return ymd(nums)
	case len(nums) == 3 && len(nums[2]) == 4:
		return dayMonthYear(nums)
	case len(nums[0]) == 2 || len(nums[len(nums)-1]) == 2:
		return dateValue{problem: CodeDateAmbiguousYear}
	}
	return dateValue{problem: CodeDateInvalid}
}

// stripTime removes a time of day ("00:00:00") after a date.
func stripTime(s string) string {
	i := strings.IndexByte(s, ':')
	if i < 0 {
		return s
	}
	j := strings.LastIndexFunc(s[:i], func(r rune) bool { return r < '0' || r > '9' })
	if j < 0 {
		return s
	}
	if s[j] == 'T' || s[j] == 't' {
		return s[:j]
	}
	return s[:j+1]
}

// splitDate splits s into runs of digits and the separator after each
// (possibly ""). It returns nil if s does not start with a digit.
func splitDate(s string) (nums, seps []string) {
	for s != "" {
		i := strings.IndexFunc(s, func(r rune) bool { return r < '0' || r > '9' })
		if i == 0 {
			return nil, nil
		}
		if i < 0 {
			return append(nums, s), append(seps, "")
		}
		nums = append(nums, s[:i])
		s = s[i:]
		j := strings.IndexFunc(s, func(r rune) bool { return r >= '0' && r <= '9' })
		if j < 0 {
			j = len(s)
		}
		seps = append(seps, s[:j])
		s = s[j:]
	}
	return nums, seps
}

// parseDateNumber reads a date written as one number: 19850302, 198503, a
// serial number of 5 digits, or a year alone.
func parseDateNumber(n, sep string) dateValue {
	switch {
	case sep != "" && !(len(n) == 4 && sep == codes.DateWords.Year):
		return dateValue{problem: CodeDateInvalid}
	case len(n) == 8:
		return makeDate(n[:4], n[4:6], n[6:])
	case len(n) == 6:
		return makeDate(n[:4], n[4:], "")
	case len(n) == 5:
		v, _ := strconv.Atoi(n)
		return serialDate(float64(v), false)
	case len(n) == 4:
		return dateValue{problem: CodeDateIncomplete}
	}
	return dateValue{problem: CodeDateInvalid}
}

// chineseDate reads a date written with the words of codes.json's
// date_words: year, month and optionally day.
func chineseDate(nums, seps []string) dateValue {
	w := codes.DateWords
	month := len(seps) > 1 && (seps[1] == w.Month || seps[1] == "")
	switch {
	case len(nums[0]) == 2:
		return dateValue{problem: CodeDateAmbiguousYear}
	case len(nums[0]) != 4 || !month:
		return dateValue{problem: CodeDateInvalid}
	case len(nums) == 2:
		return makeDate(nums[0], nums[1], "")
	case len(nums) == 3 && (slices.Contains(w.Day, seps[2]) || seps[2] == ""):
		return makeDate(nums[0], nums[1], nums[2])
	}
	return dateValue{problem: CodeDateInvalid}
}

// sameSeparators reports whether the parts are separated by one of . - /
// throughout, with nothing after the last part.
func sameSeparators(seps []string) bool {
	first := seps[0]
	if first != "." && first != "-" && first != "/" {
		return false
	}
	for _, s := range seps[1 : len(seps)-1] {
		if s != first {
			return false
		}
	}
	return seps[len(seps)-1] == ""
}

// ymd reads 1985.3, 1985-3-2 and the like.
func ymd(nums []string) dateValue {
	switch len(nums) {
	case 2:
		return makeDate(nums[0], nums[1], "")
	case 3:
		return makeDate(nums[0], nums[1], nums[2])
	}
	return dateValue{problem: CodeDateInvalid}
}

// dayMonthYear reads a/b/yyyy when the order of day and month can be told:
// one of them is over 12, or both are equal.
func dayMonthYear(nums []string) dateValue {
	a, _ := strconv.Atoi(nums[0])
	b, _ := strconv.Atoi(nums[1])
	switch {
	case a == b || (a > 12 && b <= 12):
		return makeDate(nums[2], nums[1], nums[0])
	case b > 12 && a <= 12:
		return makeDate(nums[2], nums[0], nums[1])
	}
	return dateValue{problem: CodeDateAmbiguousOrder}
}

// makeDate builds a date from its parts; an empty day makes a month-only
// date. It refuses a date that does not exist and a year outside
// 1900–2100.
func makeDate(year, month, day string) dateValue {
	y, _ := strconv.Atoi(year)
	m, _ := strconv.Atoi(month)
	d := 1
	if day != "" {
		d, _ = strconv.Atoi(day)
	}
	if len(year) != 4 || len(month) > 2 || len(day) > 2 || y < 1900 || y > 2100 {
		return dateValue{problem: CodeDateInvalid}
	}
	t := time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC)
	if t.Year() != y || int(t.Month()) != m || t.Day() != d {
		return dateValue{problem: CodeDateInvalid}
	}
	return dateValue{t: t, monthOnly: day == ""}
}

// serialDate converts a spreadsheet serial number to a date, dropping any
// time of day. In the 1900 date system serial 1 is 1 January 1900 and
// serial 60 is the 29 February 1900 that spreadsheets count although it
// never was; in the 1904 system serial 0 is 1 January 1904.
func serialDate(serial float64, date1904 bool) dateValue {
	day := math.Floor(serial)
	var t time.Time
	switch {
	case date1904:
		t = time.Date(1904, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, int(day))
	case day == 60 || day < 1:
		return dateValue{problem: CodeDateInvalid}
	case day < 60:
		t = time.Date(1899, 12, 31, 0, 0, 0, 0, time.UTC).AddDate(0, 0, int(day))
	default:
		t = time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC).AddDate(0, 0, int(day))
	}
	if t.Year() < 1900 || t.Year() > 2100 {
		return dateValue{problem: CodeDateInvalid}
	}
	return dateValue{t: t}
}

// dateText writes a date for a problem's parameters: 1985-03-02, or
// 1985-03 for a month-only date.
func dateText(t time.Time, monthOnly bool) string {
	if monthOnly {
		return t.Format("2006-01")
	}
	return t.Format(time.DateOnly)
}
