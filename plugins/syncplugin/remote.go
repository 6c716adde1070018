package syncplugin

import (
	"context"
	"errors"
	"fmt"
	"io"

	"google.golang.org/grpc"

	"github.com/zhicheng-hr/zhicheng/plugins/contract"
	syncv1 "github.com/zhicheng-hr/zhicheng/plugins/proto/zhicheng/sync/v1"
)

// RemoteSource is a contract.Source served by a plugin: each method calls
// the plugin over gRPC and collects the whole stream, so that a stream
// that breaks midway gives an error and nothing else. Its calls are bound
// only by their context; Conn adds timeouts and tells why a call failed.
// The test kit gives a RemoteSource over an in-process connection.
type RemoteSource struct {
	rpc  syncv1.SourceServiceClient
	done context.Context // cancelled when the plugin process exits
}

var _ contract.Source = (*RemoteSource)(nil)

// Configure passes config to the plugin.
func (r *RemoteSource) Configure(ctx context.Context, config map[string]string) error {
	return wrap("configure", r.configure(ctx, config))
}

// Check asks the plugin to test its connection to the institution system.
func (r *RemoteSource) Check(ctx context.Context) error {
	return wrap("check", r.check(ctx))
}

// Departments returns every competent department the plugin streams.
func (r *RemoteSource) Departments(ctx context.Context) ([]contract.Department, error) {
	ds, err := r.departments(ctx)
	return ds, wrap("read departments", err)
}

// Units returns the units the plugin streams: unit unitCode, or every unit
// when unitCode is empty.
func (r *RemoteSource) Units(ctx context.Context, unitCode string) ([]contract.Unit, error) {
	us, err := r.units(ctx, unitCode)
	return us, wrap("read units", err)
}

// People returns the people the plugin streams: the staff of unit
// unitCode, or of every unit when unitCode is empty.
func (r *RemoteSource) People(ctx context.Context, unitCode string) ([]contract.Person, error) {
	ps, err := r.people(ctx, unitCode)
	return ps, wrap("read people", err)
}

// Posts returns the approved posts of year the plugin streams, for unit
// unitCode or for every unit when unitCode is empty.
func (r *RemoteSource) Posts(ctx context.Context, year int,
	unitCode string) ([]contract.Post, error) {
	ps, err := r.posts(ctx, year, unitCode)
	return ps, wrap("read posts", err)
}

// wrap adds op to err, if any.
func wrap(op string, err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("%s: %w", op, err)
}

// The unexported methods below return the gRPC errors as they come, for
// Conn to explain.

func (r *RemoteSource) configure(ctx context.Context, config map[string]string) error {
	_, err := r.rpc.Configure(ctx, &syncv1.ConfigureRequest{Config: config})
	return err
}

func (r *RemoteSource) check(ctx context.Context) error {
	_, err := r.rpc.Check(ctx, &syncv1.CheckRequest{})
	return err
}

func (r *RemoteSource) departments(ctx context.Context) ([]contract.Department, error) {
	s, err := r.rpc.ListDepartments(ctx, &syncv1.ListDepartmentsRequest{})
	return collect(s, err, func(m *syncv1.ListDepartmentsResponse) []contract.Department {
		return convertAll(m.GetDepartments(), toDepartment)
	})
}

func (r *RemoteSource) units(ctx context.Context, unitCode string) ([]contract.Unit, error) {
	s, err := r.rpc.ListUnits(ctx, &syncv1.ListUnitsRequest{UnitCode: unitCode})
	return collect(s, err, func(m *syncv1.ListUnitsResponse) []contract.Unit {
		return convertAll(m.GetUnits(), toUnit)
	})
}

func (r *RemoteSource) people(ctx context.Context, unitCode string) ([]contract.Person, error) {
	s, err := r.rpc.ListPeople(ctx, &syncv1.ListPeopleRequest{UnitCode: unitCode})
	return collect(s, err, func(m *syncv1.ListPeopleResponse) []contract.Person {
		return convertAll(m.GetPeople(), toPerson)
	})
}

func (r *RemoteSource) posts(ctx context.Context, year int,
	unitCode string) ([]contract.Post, error) {
	req := &syncv1.ListPostsRequest{Year: clamp32(year), UnitCode: unitCode}
	s, err := r.rpc.ListPosts(ctx, req)
	return collect(s, err, func(m *syncv1.ListPostsResponse) []contract.Post {
		return convertAll(m.GetPosts(), toPost)
	})
}

// collect receives every message of stream, which a call opened with
// error err, and converts the records of each with conv. It returns all
// records or an error, never part of the records.
func collect[M, T any](stream grpc.ServerStreamingClient[M], err error,
	conv func(*M) []T) ([]T, error) {
	if err != nil {
		return nil, err
	}
	var out []T
	for {
		m, err := stream.Recv()
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		if err != nil {
			return nil, err
		}
		out = append(out, conv(m)...)
	}
}
