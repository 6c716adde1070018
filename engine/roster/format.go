package roster

import (
	"strings"

	"github.com/xuri/excelize/v2"
)

// Built-in number formats that show dates, and those of them that show the
// year and month only (mmm-yy; yyyy"年"m"月" in the Chinese locale). The
// Chinese locale numbers its date formats 27–31, 36 and 50–58; 32–35, 55
// and 56 show times.
var (
	builtinDates = map[int]bool{
		14: true, 15: true, 16: true, 17: true, 22: true,
		27: true, 28: true, 29: true, 30: true, 31: true, 36: true,
		50: true, 51: true, 52: true, 53: true, 54: true, 57: true, 58: true,
	}
	builtinMonthOnly = map[int]bool{17: true, 27: true, 36: true, 50: true, 52: true, 57: true}
)

// classifyFormat tells from a cell style whether its number format shows a
// date, to the month only, and with how many decimals it shows a number.
func classifyFormat(st *excelize.Style) numFormat {
	f := generalFormat
	if st.DecimalPlaces != nil {
		f.decimals = *st.DecimalPlaces
	}
	if st.CustomNumFmt != nil {
		f.date, f.monthOnly = classifyFormatCode(*st.CustomNumFmt)
		return f
	}
	f.date, f.monthOnly = builtinDates[st.NumFmt], builtinMonthOnly[st.NumFmt]
	return f
}

// classifyFormatCode reads a custom format code such as yyyy"年"m"月" or
// [$-804]yyyy/mm/dd: it shows a date if, outside quoted text, escapes and
// brackets, it has a year or day token, and to the month only if it has a
// year and no day. Only the first section (for positive numbers) counts.
func classifyFormatCode(code string) (date, monthOnly bool) {
	code = strings.ToLower(code)
	if i := strings.IndexByte(code, ';'); i >= 0 {
		code = code[:i]
	}
	if strings.HasPrefix(code, "[$-f800]") {
		return true, false
	}
	bare := stripFormatLiterals(strings.ReplaceAll(code, "general", ""))
	hasYear := strings.ContainsRune(bare, 'y')
	hasDay := strings.ContainsRune(bare, 'd')
	return hasYear || hasDay, hasYear && !hasDay
}

// stripFormatLiterals removes quoted text, backslash escapes and bracketed
// sections (colours, locales, conditions) from a format code.
func stripFormatLiterals(code string) string {
	var b strings.Builder
	quoted, bracket := false, false
	for i := 0; i < len(code); i++ {
		c := code[i]
		switch {
		case quoted:
			quoted = c != '"'
		case bracket:
			bracket = c != ']'
		case c == '"':
			quoted = true
		case c == '[':
			bracket = true
		case c == '\\' || c == '_' || c == '*':
			i++
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}
