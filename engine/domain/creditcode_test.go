package domain_test

import (
	"errors"
	"testing"

	"github.com/zhicheng-hr/zhicheng/engine/domain"
)

// The institution codes come from the Xiangxi sample data, whose check
// characters are valid. By hand, for 124331004000453123, with weights
// 1 3 9 27 19 26 16 17 20 29 25 13 8 24 10 30 28:
//
//	1·1 + 2·3 + 4·9 + 3·27 + 3·19 + 1·26 + 0·16 + 0·17 + 4·20 + 0·29 + 0·25
//	+ 0·13 + 4·8 + 5·24 + 3·10 + 1·30 + 2·28 = 555; 555 mod 31 = 28;
//	(31 − 28) mod 31 = 3 → "3".
//
// The company code 91433100MA4L12345F is made up; by hand (M = 21, A = 10,
// L = 20 in the alphabet):
//
//	9·1 + 1·3 + 4·9 + 3·27 + 3·19 + 1·26 + 0·16 + 0·17 + 21·20 + 10·29
//	+ 4·25 + 20·13 + 1·8 + 2·24 + 3·10 + 4·30 + 5·28 = 1628;
//	1628 mod 31 = 16; (31 − 16) mod 31 = 15 → "F".
func TestParseCreditCode(t *testing.T) {
	tests := []struct {
		name        string
		in          string
		want        domain.CreditCode
		institution bool
		company     bool
	}{
		{"InstitutionDigitCheck", "124331004000453123", "124331004000453123", true, false},
		{"InstitutionLetterCheck", "12433100400092813K", "12433100400092813K", true, false},
		{"InstitutionLettersInside", "1243310040018446XU", "1243310040018446XU", true, false},
		{"InstitutionH", "12433100400260979H", "12433100400260979H", true, false},
		{"InstitutionDigits", "124331004003272992", "124331004003272992", true, false},
		{"Company", "91433100MA4L12345F", "91433100MA4L12345F", false, true},
		{"LowerCase", "91433100ma4l12345f", "91433100MA4L12345F", false, true},
		{"TrimsSpaces", " 12433100400092813K\n", "12433100400092813K", true, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := domain.ParseCreditCode(tt.in)
			if err != nil {
				t.Fatalf("got error %v, want nil", err)
			}
			if got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
			if got.IsInstitution() != tt.institution {
				t.Errorf("IsInstitution: got %v, want %v", got.IsInstitution(), tt.institution)
			}
			if got.IsCompany() != tt.company {
				t.Errorf("IsCompany: got %v, want %v", got.IsCompany(), tt.company)
			}
		})
	}
}

func TestParseCreditCodeErrors(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want error
	}{
		{"ErrCreditCodeLength/Empty", "", domain.ErrCreditCodeLength},
		{"ErrCreditCodeLength/17", "12433100400092813", domain.ErrCreditCodeLength},
		{"ErrCreditCodeLength/19", "12433100400092813K0", domain.ErrCreditCodeLength},
		{"ErrCreditCodeCharacters/I", "12433100400092813I", domain.ErrCreditCodeCharacters},
		{"ErrCreditCodeCharacters/O", "1243310040O092813K", domain.ErrCreditCodeCharacters},
		{"ErrCreditCodeCharacters/Z", "Z2433100400092813K", domain.ErrCreditCodeCharacters},
		{"ErrCreditCodeCharacters/Hyphen", "12433100-400092813", domain.ErrCreditCodeCharacters},
		{"ErrCreditCodeCheck/AlteredCheck", "124331004000453124", domain.ErrCreditCodeCheck},
		{"ErrCreditCodeCheck/AlteredBody", "12433100400092814K", domain.ErrCreditCodeCheck},
		{"ErrCreditCodeCheck/Transposed", "1243310040018464XU", domain.ErrCreditCodeCheck},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := domain.ParseCreditCode(tt.in)
			if !errors.Is(err, tt.want) {
				t.Fatalf("got error %v, want %v", err, tt.want)
			}
			if got != "" {
				t.Errorf("got %q with the error, want empty", got)
			}
		})
	}
}
