package domain_test

import (
	"errors"
	"testing"

	"github.com/zhicheng-hr/zhicheng/engine/domain"
)

func TestParseRegionCode(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		want    domain.RegionCode
		wantErr error
	}{
		{"County", "433101", "433101", nil},
		{"Prefecture", "433100", "433100", nil},
		{"TrimsSpaces", " 433130 ", "433130", nil},
		{"ErrRegionCode/Short", "43310", "", domain.ErrRegionCode},
		{"ErrRegionCode/Long", "4331010", "", domain.ErrRegionCode},
		{"ErrRegionCode/Letter", "43310A", "", domain.ErrRegionCode},
		{"ErrRegionCode/Empty", "", "", domain.ErrRegionCode},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := domain.ParseRegionCode(tt.in)
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("got error %v, want %v", err, tt.wantErr)
			}
			if got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestRegionCodePrefecture(t *testing.T) {
	tests := []struct {
		name         string
		code         domain.RegionCode
		prefecture   domain.RegionCode
		isPrefecture bool
	}{
		{"County", "433122", "433100", false},
		{"CountyEndingIn0", "433130", "433100", false},
		{"Prefecture", "433100", "433100", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.code.Prefecture(); got != tt.prefecture {
				t.Errorf("Prefecture: got %q, want %q", got, tt.prefecture)
			}
			if got := tt.code.IsPrefecture(); got != tt.isPrefecture {
				t.Errorf("IsPrefecture: got %v, want %v", got, tt.isPrefecture)
			}
		})
	}
}

func TestRegionCodeContains(t *testing.T) {
	tests := []struct {
		name  string
		r     domain.RegionCode
		other domain.RegionCode
		want  bool
	}{
		{"PrefectureContainsItself", "433100", "433100", true},
		{"PrefectureContainsCounty", "433100", "433101", true},
		{"PrefectureContainsLastCounty", "433100", "433130", true},
		{"PrefectureOmitsOtherPrefecture", "433100", "430100", false},
		{"PrefectureOmitsOtherPrefecturesCounty", "433100", "433201", false},
		{"CountyContainsItself", "433101", "433101", true},
		{"CountyOmitsSibling", "433101", "433122", false},
		{"CountyOmitsItsPrefecture", "433101", "433100", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.r.Contains(tt.other); got != tt.want {
				t.Errorf("%s.Contains(%s): got %v, want %v", tt.r, tt.other, got, tt.want)
			}
		})
	}
}
