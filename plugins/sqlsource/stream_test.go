package sqlsource_test

import (
	"errors"
	"reflect"
	"testing"

	"github.com/zhicheng-hr/zhicheng/plugins/contract"
	"github.com/zhicheng-hr/zhicheng/plugins/sqlsource/sqlsourcetest"
)

// TestStreamPeople checks that the people streamed in batches are the
// people People returns, in its order, and that an error of the receiver
// stops the stream.
func TestStreamPeople(t *testing.T) {
	s := openSQLite(t, sqlsourcetest.SQLitePath(t))
	all, err := s.People(t.Context(), "")
	if err != nil {
		t.Fatal(err)
	}
	var streamed []contract.Person
	batches := 0
	err = s.StreamPeople(t.Context(), "", func(b []contract.Person) error {
		batches++
		streamed = append(streamed, b...)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	// 3,477 people in batches of 1,024: four batches.
	if batches != 4 || !reflect.DeepEqual(streamed, all) {
		t.Errorf("got %d people in %d batches, want the %d of People in 4", len(streamed), batches, len(all))
	}

	stop := errors.New("receiver gone")
	err = s.StreamPeople(t.Context(), "", func([]contract.Person) error { return stop })
	if !errors.Is(err, stop) {
		t.Errorf("got %v, want the receiver's error", err)
	}
}
