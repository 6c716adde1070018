package domain

import (
	"errors"
	"fmt"
	"strings"
	"time"
)

// IDNumber is a citizen ID number (公民身份号码, GB 11643): a 6-digit region
// code, an 8-digit birth date, a 3-digit sequence whose last digit is odd for
// men, and a check character. It is personal data: log it only as Masked.
type IDNumber string

// The errors ParseIDNumber returns, wrapped with the part that is wrong.
// None of them carries the number itself, so they are safe to log.
var (
	// ErrIDLength means the number has neither 18 nor 15 characters.
	ErrIDLength = errors.New("id number: must have 18 characters (or 15 for an old number)")
	// ErrIDCharacters means a character other than the final check
	// character is not a digit, or the check character is neither a
	// digit nor X.
	ErrIDCharacters = errors.New("id number: invalid character")
	// ErrIDBirthDate means characters 7–14 are not a calendar date
	// between 1900 and 2100.
	ErrIDBirthDate = errors.New("id number: invalid birth date")
	// ErrIDCheck means the check character does not match the first 17
	// digits, which usually is a typing error.
	ErrIDCheck = errors.New("id number: check character does not match")
	// ErrIDAsNumber means a spreadsheet stored the number as a number
	// (in scientific notation or with a decimal point) and so lost digits.
	ErrIDAsNumber = errors.New(
		"id number: the spreadsheet stored it as a number and lost digits; format the column as text")
)

const (
	idChecks     = "10X98765432"
	idDateLayout = "20060102"
)

var idWeights = [17]int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}

// ParseIDNumber validates s as a citizen ID number and returns it in its
// stored form: spaces trimmed, a lower-case check character x upper-cased,
// and an old 15-digit number converted to 18 digits.
func ParseIDNumber(s string) (IDNumber, error) {
	s = strings.ToUpper(strings.TrimSpace(s))
	if strings.Contains(s, "E+") || strings.Contains(s, ".") {
		return "", ErrIDAsNumber
	}

	s, err := idTo18(s)
	if err != nil {
		return "", err
	}
	if _, err := parseBirthDate(s[6:14]); err != nil {
		return "", err
	}
	if s[17] != idCheck(s) {
		return "", ErrIDCheck
	}
	return IDNumber(s), nil
}

// idTo18 checks the length and characters of s and converts a 15-digit
// number to 18 digits, computing its check character.
func idTo18(s string) (string, error) {
	switch len(s) {
	case 15:
		if i := firstNonDigit(s); i >= 0 {
			return "", fmt.Errorf("%w: character %d is not a digit", ErrIDCharacters, i+1)
		}
		s = s[:6] + "19" + s[6:]
		return s + string(idCheck(s)), nil
	case 18:
		if i := firstNonDigit(s[:17]); i >= 0 {
			return "", fmt.Errorf("%w: character %d is not a digit", ErrIDCharacters, i+1)
		}
		if c := s[17]; !isDigit(c) && c != 'X' {
			return "", fmt.Errorf("%w: check character is neither a digit nor X", ErrIDCharacters)
		}
		return s, nil
	}
	return "", fmt.Errorf("%w: got %d", ErrIDLength, len(s))
}

// parseBirthDate parses an 8-digit YYYYMMDD date; time.Parse refuses days
// that do not exist, such as 30 February.
func parseBirthDate(s string) (time.Time, error) {
	d, err := time.Parse(idDateLayout, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("%w: characters 7-14 are not a calendar date", ErrIDBirthDate)
	}
	if y := d.Year(); y < 1900 || y > 2100 {
		return time.Time{}, fmt.Errorf("%w: year is not between 1900 and 2100", ErrIDBirthDate)
	}
	return d, nil
}

// idCheck computes the check character of the first 17 digits of s.
func idCheck(s string) byte {
	sum := 0
	for i, w := range idWeights {
		sum += int(s[i]-'0') * w
	}
	return idChecks[sum%11]
}

// BirthDate returns the birth date encoded in id, at midnight UTC. It
// returns the zero time if id was not made by ParseIDNumber.
func (id IDNumber) BirthDate() time.Time {
	if len(id) != 18 {
		return time.Time{}
	}
	d, err := parseBirthDate(string(id[6:14]))
	if err != nil {
		return time.Time{}
	}
	return d
}

// Sex returns the sex encoded in id: male if the 17th digit is odd, female
// if it is even. It returns SexUnknown if id was not made by ParseIDNumber.
func (id IDNumber) Sex() Sex {
	if len(id) != 18 || !isDigit(id[16]) {
		return SexUnknown
	}
	if (id[16]-'0')%2 == 1 {
		return SexMale
	}
	return SexFemale
}

// Region returns the 6-digit region code (GB/T 2260) where the number was
// issued, or "" if id was not made by ParseIDNumber.
func (id IDNumber) Region() string {
	if len(id) != 18 {
		return ""
	}
	return string(id[:6])
}

// Masked returns id with the birth date hidden, as in 433101********1234:
// the form to show in lists and logs.
// A value not made by ParseIDNumber is hidden entirely.
func (id IDNumber) Masked() string {
	if len(id) != 18 {
		return strings.Repeat("*", len(id))
	}
	return string(id[:6]) + strings.Repeat("*", 8) + string(id[14:])
}

// String returns the full number. It is personal data; use Masked for
// anything that is logged or displayed to people without the right to see it.
func (id IDNumber) String() string { return string(id) }

// Sex is a person's sex as coded by GB/T 2261.1.
type Sex string

// The sex codes of GB/T 2261.1.
const (
	SexUnknown  Sex = "0" // 未知的性别
	SexMale     Sex = "1" // 男
	SexFemale   Sex = "2" // 女
	SexUnstated Sex = "9" // 未说明的性别
)

// Values lists the sex codes as strings, for ent enum fields.
func (Sex) Values() []string {
	return []string{string(SexUnknown), string(SexMale), string(SexFemale), string(SexUnstated)}
}

// firstNonDigit returns the index of the first byte of s that is not an
// ASCII digit, or -1 if there is none.
func firstNonDigit(s string) int {
	for i := 0; i < len(s); i++ {
		if !isDigit(s[i]) {
			return i
		}
	}
	return -1
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }
