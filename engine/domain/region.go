package domain

import (
	"errors"
	"strings"
)

// RegionCode is an administrative division code (GB/T 2260): two digits
// for the province, two for the prefecture, two for the county. A
// prefecture's own code ends in 00, such as 433100 for 湘西土家族苗族自治州.
type RegionCode string

// ErrRegionCode means a region code is not 6 digits.
var ErrRegionCode = errors.New("region code: must be 6 digits")

// ParseRegionCode validates s as a region code, with spaces trimmed.
func ParseRegionCode(s string) (RegionCode, error) {
	s = strings.TrimSpace(s)
	if len(s) != 6 || firstNonDigit(s) >= 0 {
		return "", ErrRegionCode
	}
	return RegionCode(s), nil
}

// Prefecture returns the code of the prefecture that r lies in; for a
// prefecture that is r itself.
func (r RegionCode) Prefecture() RegionCode {
	if len(r) != 6 {
		return ""
	}
	return r[:4] + "00"
}

// IsPrefecture reports whether r is a prefecture's own code rather than a
// county's. Province codes, which end in 0000, also report true; the
// engine works within one prefecture and does not tell them apart.
func (r RegionCode) IsPrefecture() bool { return len(r) == 6 && strings.HasSuffix(string(r), "00") }

// Contains reports whether other lies within r: a prefecture contains
// itself and its counties, a county only itself.
func (r RegionCode) Contains(other RegionCode) bool {
	if r.IsPrefecture() {
		return other.Prefecture() == r
	}
	return r == other
}
