package domain_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/zhicheng-hr/zhicheng/engine/domain"
)

// The check characters below are computed by hand from GB 11643: weights
// 7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2 on the first 17 digits, the sum mod 11
// indexing "10X98765432".
//
// 11010519491231002X is the standard's known-valid number.
//
// 433122 19900315 001:
//
//	4·7 + 3·9 + 3·10 + 1·5 + 2·8 + 2·4 + 1·2 + 9·1 + 9·6 + 0·3 + 0·7 + 3·9
//	+ 1·10 + 5·5 + 0·8 + 0·4 + 1·2 = 243; 243 mod 11 = 1 → "0".
const validCounty = "433122199003150010"

// 433101 800101 123, an old 15-digit number, becomes 433101 19800101 123:
//
//	4·7 + 3·9 + 3·10 + 1·5 + 0·8 + 1·4 + 1·2 + 9·1 + 8·6 + 0·3 + 0·7 + 1·9
//	+ 0·10 + 1·5 + 1·8 + 2·4 + 3·2 = 189; 189 mod 11 = 2 → "X".
const (
	old15     = "433101800101123"
	old15As18 = "43310119800101123X"
)

// 433101 19900230 001 has a correct check character but no such date:
//
//	4·7 + 3·9 + 3·10 + 1·5 + 0·8 + 1·4 + 1·2 + 9·1 + 9·6 + 0·3 + 0·7 + 2·9
//	+ 3·10 + 0·5 + 0·8 + 0·4 + 1·2 = 209; 209 mod 11 = 0 → "1".
const feb30 = "433101199002300011"

// 433101 18991231 001 has a correct check character but a year before 1900:
//
//	4·7 + 3·9 + 3·10 + 1·5 + 0·8 + 1·4 + 1·2 + 8·1 + 9·6 + 9·3 + 1·7 + 2·9
//	+ 3·10 + 1·5 + 0·8 + 0·4 + 1·2 = 247; 247 mod 11 = 5 → "7".
const year1899 = "433101189912310017"

func TestParseIDNumber(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want domain.IDNumber
	}{
		{"KnownValid", "11010519491231002X", "11010519491231002X"},
		{"DigitCheck", validCounty, validCounty},
		{"LowerCaseX", "11010519491231002x", "11010519491231002X"},
		{"TrimsSpaces", "  11010519491231002X\t", "11010519491231002X"},
		{"Converts15Digits", old15, old15As18},
		{"TrimsSpacesOf15Digits", " " + old15 + " ", old15As18},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := domain.ParseIDNumber(tt.in)
			if err != nil {
				t.Fatalf("got error %v, want nil", err)
			}
			if got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestParseIDNumberErrors(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want error
	}{
		{"ErrIDLength/Empty", "", domain.ErrIDLength},
		{"ErrIDLength/17", "11010519491231002", domain.ErrIDLength},
		{"ErrIDLength/19", "11010519491231002X0", domain.ErrIDLength},
		{"ErrIDLength/16", "4331018001011230", domain.ErrIDLength},
		{"ErrIDCharacters/Letter", "1101051949123100AX", domain.ErrIDCharacters},
		{"ErrIDCharacters/XNotLast", "11010519491231X020", domain.ErrIDCharacters},
		{"ErrIDCharacters/BadCheckCharacter", "11010519491231002Y", domain.ErrIDCharacters},
		{"ErrIDCharacters/XIn15Digits", "43310180010112X", domain.ErrIDCharacters},
		{"ErrIDCharacters/InnerSpace", "110105 949123100 X", domain.ErrIDCharacters},
		{"ErrIDBirthDate/February30", feb30, domain.ErrIDBirthDate},
		{"ErrIDBirthDate/Before1900", year1899, domain.ErrIDBirthDate},
		{"ErrIDBirthDate/Month13", "110105194913310020", domain.ErrIDBirthDate},
		{"ErrIDBirthDate/In15Digits", "433101800230123", domain.ErrIDBirthDate},
		{"ErrIDCheck/WrongDigit", "110105194912310021", domain.ErrIDCheck},
		{"ErrIDCheck/TransposedDigits", "11010519491231020X", domain.ErrIDCheck},
		{"ErrIDAsNumber/Scientific", "1.10105E+17", domain.ErrIDAsNumber},
		{"ErrIDAsNumber/ScientificLowerCase", "4.33122e+17", domain.ErrIDAsNumber},
		{"ErrIDAsNumber/DecimalPoint", "433122199003150000.0", domain.ErrIDAsNumber},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := domain.ParseIDNumber(tt.in)
			if !errors.Is(err, tt.want) {
				t.Fatalf("got error %v, want %v", err, tt.want)
			}
			if got != "" {
				t.Errorf("got %q with the error, want empty", got)
			}
		})
	}
}

// Errors may be logged, so they must not repeat the number.
func TestParseIDNumberErrorsOmitTheNumber(t *testing.T) {
	bad := []string{"11010519491231002", "1101051949123100AX", feb30, "110105194912310021"}
	for _, in := range bad {
		_, err := domain.ParseIDNumber(in)
		if err == nil {
			t.Fatalf("got nil error for a bad number, want an error")
		}
		if strings.Contains(err.Error(), in[:10]) {
			t.Errorf("got error %q, want it without the number", err)
		}
	}
}

func TestIDNumberDerivedValues(t *testing.T) {
	tests := []struct {
		name   string
		id     domain.IDNumber
		birth  time.Time
		sex    domain.Sex
		region string
		masked string
	}{
		{
			name: "KnownValidFemale", id: "11010519491231002X",
			birth: time.Date(1949, 12, 31, 0, 0, 0, 0, time.UTC), sex: domain.SexFemale,
			region: "110105", masked: "110105********002X",
		},
		{
			name: "Male", id: validCounty,
			birth: time.Date(1990, 3, 15, 0, 0, 0, 0, time.UTC), sex: domain.SexMale,
			region: "433122", masked: "433122********0010",
		},
		{
			name: "Converted15Digits", id: old15As18,
			birth: time.Date(1980, 1, 1, 0, 0, 0, 0, time.UTC), sex: domain.SexMale,
			region: "433101", masked: "433101********123X",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.id.BirthDate(); !got.Equal(tt.birth) || got.Location() != time.UTC {
				t.Errorf("BirthDate: got %v, want %v", got, tt.birth)
			}
			if got := tt.id.Sex(); got != tt.sex {
				t.Errorf("Sex: got %q, want %q", got, tt.sex)
			}
			if got := tt.id.Region(); got != tt.region {
				t.Errorf("Region: got %q, want %q", got, tt.region)
			}
			if got := tt.id.Masked(); got != tt.masked {
				t.Errorf("Masked: got %q, want %q", got, tt.masked)
			}
			if got := tt.id.String(); got != string(tt.id) {
				t.Errorf("String: got %q, want %q", got, tt.id)
			}
		})
	}
}

func TestIDNumberNotParsed(t *testing.T) {
	id := domain.IDNumber("1234567")
	if got := id.BirthDate(); !got.IsZero() {
		t.Errorf("BirthDate: got %v, want the zero time", got)
	}
	if got := id.Sex(); got != domain.SexUnknown {
		t.Errorf("Sex: got %q, want %q", got, domain.SexUnknown)
	}
	if got := id.Region(); got != "" {
		t.Errorf("Region: got %q, want empty", got)
	}
	if got, want := id.Masked(), "*******"; got != want {
		t.Errorf("Masked: got %q, want %q", got, want)
	}
}

func TestSexValues(t *testing.T) {
	got := strings.Join(domain.Sex("").Values(), ",")
	if want := "0,1,2,9"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

func ExampleParseIDNumber() {
	id, err := domain.ParseIDNumber(" 11010519491231002x ")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(id.Masked())
	fmt.Println(id.BirthDate().Format("2006-01-02"))
	fmt.Println(id.Sex() == domain.SexFemale)

	_, err = domain.ParseIDNumber("1.10105E+17")
	fmt.Println(err)
	// Output:
	// 110105********002X
	// 1949-12-31
	// true
	// id number: the spreadsheet stored it as a number and lost digits; format the column as text
}
