package roster

import (
	"testing"
	"time"
)

func TestParseDateText(t *testing.T) {
	tests := []struct {
		in        string
		want      time.Time
		monthOnly bool
		problem   string
	}{
		{"1985-3-2", day(1985, 3, 2), false, ""},
		{"1985/3/2", day(1985, 3, 2), false, ""},
		{"1985.03.02", day(1985, 3, 2), false, ""},
		{"19850302", day(1985, 3, 2), false, ""},
		{"1985年3月2日", day(1985, 3, 2), false, ""},
		{"1985年03月02号", day(1985, 3, 2), false, ""},
		{"1985-03-02 00:00:00", day(1985, 3, 2), false, ""},
		{"1985-03-02T00:00:00Z", day(1985, 3, 2), false, ""},
		{"1985.03", day(1985, 3, 1), true, ""},
		{"1985.3", day(1985, 3, 1), true, ""},
		{"1985.1", day(1985, 1, 1), true, ""},
		{"1985.10", day(1985, 10, 1), true, ""},
		{"1985-03", day(1985, 3, 1), true, ""},
		{"198503", day(1985, 3, 1), true, ""},
		{"1985年3月", day(1985, 3, 1), true, ""},
		{"１９８５．０３", day(1985, 3, 1), true, ""},
		{" 1985年 3月\u00a0", day(1985, 3, 1), true, ""},
		{"31108", day(1985, 3, 2), false, ""},
		{"13/3/1985", day(1985, 3, 13), false, ""},
		{"3/13/1985", day(1985, 3, 13), false, ""},
		{"2/2/1985", day(1985, 2, 2), false, ""},
		{"3/2/1985", time.Time{}, false, CodeDateAmbiguousOrder},
		{"85.3", time.Time{}, false, CodeDateAmbiguousYear},
		{"85-3-2", time.Time{}, false, CodeDateAmbiguousYear},
		{"3/2/85", time.Time{}, false, CodeDateAmbiguousYear},
		{"85年3月", time.Time{}, false, CodeDateAmbiguousYear},
		{"1985", time.Time{}, false, CodeDateIncomplete},
		{"1985年", time.Time{}, false, CodeDateIncomplete},
		{"1985.13", time.Time{}, false, CodeDateInvalid},
		{"1985-02-30", time.Time{}, false, CodeDateInvalid},
		{"1985.3-2", time.Time{}, false, CodeDateInvalid},
		{"1850.03", time.Time{}, false, CodeDateInvalid},
		{"一九八五年三月", time.Time{}, false, CodeDateInvalid},
		{"不详", time.Time{}, false, CodeDateInvalid},
	}
	for _, tt := range tests {
		got := parseDateText(tt.in)
		if !got.t.Equal(tt.want) || got.monthOnly != tt.monthOnly || got.problem != tt.problem {
			t.Errorf("%q: got %s month-only %v %q, want %s %v %q", tt.in,
				got.t.Format(time.DateOnly), got.monthOnly, got.problem,
				tt.want.Format(time.DateOnly), tt.monthOnly, tt.problem)
		}
	}
}

func TestSerialDate(t *testing.T) {
	tests := []struct {
		serial   float64
		date1904 bool
		want     time.Time
	}{
		{1, false, day(1900, 1, 1)},
		{59, false, day(1900, 2, 28)},
		{61, false, day(1900, 3, 1)},
		{31108, false, day(1985, 3, 2)},
		{31108.75, false, day(1985, 3, 2)},
		{29646, true, day(1985, 3, 2)},
	}
	for _, tt := range tests {
		if got := serialDate(tt.serial, tt.date1904); !got.t.Equal(tt.want) {
			t.Errorf("serial %v (1904: %v): got %s, want %s", tt.serial, tt.date1904,
				got.t.Format(time.DateOnly), tt.want.Format(time.DateOnly))
		}
	}
	if got := serialDate(60, false); got.problem == "" {
		t.Error("serial 60, the 29 February 1900 that never was, is read as a date")
	}
}

func TestClassifyFormatCode(t *testing.T) {
	tests := []struct {
		code            string
		date, monthOnly bool
	}{
		{`yyyy"年"m"月"d"日"`, true, false},
		{`yyyy"年"m"月"`, true, true},
		{`[$-804]yyyy"年"m"月"`, true, true},
		{`yyyy/m/d;@`, true, false},
		{`yyyy.mm`, true, true},
		{`[$-F800]dddd, mmmm dd, yyyy`, true, false},
		{`0.00`, false, false},
		{`0.00E+00`, false, false},
		{`h:mm`, false, false},
		{`"day "0`, false, false},
		{`@`, false, false},
	}
	for _, tt := range tests {
		date, monthOnly := classifyFormatCode(tt.code)
		if date != tt.date || monthOnly != tt.monthOnly {
			t.Errorf("%s: got date %v month-only %v, want %v %v", tt.code, date, monthOnly, tt.date, tt.monthOnly)
		}
	}
}
