package domain

import (
	"errors"
	"fmt"
	"strings"
)

// CreditCode is a unit's unified social credit code (统一社会信用代码,
// GB 32100): 17 characters and a check character, all from
// 0123456789ABCDEFGHJKLMNPQRTUWXY.
type CreditCode string

// The errors ParseCreditCode returns, wrapped with the part that is wrong.
var (
	// ErrCreditCodeLength means the code does not have 18 characters.
	ErrCreditCodeLength = errors.New("credit code: must have 18 characters")
	// ErrCreditCodeCharacters means a character is outside the code's
	// alphabet, which has no I, O, S, V or Z.
	ErrCreditCodeCharacters = errors.New("credit code: invalid character")
	// ErrCreditCodeCheck means the check character does not match the
	// first 17 characters, which usually is a typing error.
	ErrCreditCodeCheck = errors.New("credit code: check character does not match")
)

const creditCodeAlphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"

var creditCodeWeights = [17]int{1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28}

// ParseCreditCode validates s as a unified social credit code and returns
// it with spaces trimmed and letters upper-cased.
func ParseCreditCode(s string) (CreditCode, error) {
	s = strings.ToUpper(strings.TrimSpace(s))
	if len(s) != 18 {
		return "", fmt.Errorf("%w: got %d", ErrCreditCodeLength, len(s))
	}
	for i := 0; i < len(s); i++ {
		if strings.IndexByte(creditCodeAlphabet, s[i]) < 0 {
			return "", fmt.Errorf("%w: character %d", ErrCreditCodeCharacters, i+1)
		}
	}
	if s[17] != creditCodeCheck(s) {
		return "", ErrCreditCodeCheck
	}
	return CreditCode(s), nil
}

// creditCodeCheck computes the check character of the first 17 characters
// of s, which must all be in the alphabet.
func creditCodeCheck(s string) byte {
	sum := 0
	for i, w := range creditCodeWeights {
		sum += strings.IndexByte(creditCodeAlphabet, s[i]) * w
	}
	return creditCodeAlphabet[(31-sum%31)%31]
}

// IsInstitution reports whether c was registered by the institution
// registration authority as a public institution (事业单位): it starts
// with 12.
func (c CreditCode) IsInstitution() bool { return strings.HasPrefix(string(c), "12") }

// IsCompany reports whether c was registered by the market regulator as a
// company (企业): it starts with 91.
func (c CreditCode) IsCompany() bool { return strings.HasPrefix(string(c), "91") }
