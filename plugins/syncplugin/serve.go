package syncplugin

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/hashicorp/go-hclog"
	"github.com/hashicorp/go-plugin"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/zhicheng-hr/zhicheng/plugins/contract"
	syncv1 "github.com/zhicheng-hr/zhicheng/plugins/proto/zhicheng/sync/v1"
)

// Configurable is implemented by a source that takes the tenant's
// configuration of the plugin, such as the address of a database.
type Configurable interface {
	// Configure applies config, replacing any earlier configuration. It
	// returns an error when config cannot be used: a key missing, a value
	// malformed, the institution system refusing the credentials. The
	// error's text reaches the tenant's administrator and the host's log,
	// so it must not quote secret values.
	Configure(config map[string]string) error
}

// Checker is implemented by a source that can test its connection to the
// institution system without reading its records.
type Checker interface {
	// Check returns an error, free of secrets, when the institution system
	// cannot be reached or does not look as configured.
	Check(ctx context.Context) error
}

// PeopleStreamer is implemented by a source that can hand over people in
// batches while it reads them, so that the host receives the first while
// the source reads the rest: a large institution system's staff then
// arrive in about the time reading them takes, not that plus the time of
// sending. Serve uses it for ListPeople instead of People.
type PeopleStreamer interface {
	// StreamPeople calls send with batches of the people People would
	// return, in the same order. It stops and returns send's error, if
	// any. An error after some batches ends the stream with that error:
	// the host then discards every batch, as all or nothing requires.
	StreamPeople(ctx context.Context, unitCode string, send func([]contract.Person) error) error
}

// parentPollInterval is how often a plugin checks that its host is alive.
const parentPollInterval = time.Second

// Serve serves src as a sync plugin and returns when the host closes the
// connection. src may also implement Configurable and Checker. Serve is
// the whole of a plugin's main function; run by hand rather than by a
// host, it says so and exits with status 1.
func Serve(src contract.Source) {
	go watchParent(os.Getppid(), parentPollInterval)
	plugin.Serve(&plugin.ServeConfig{
		HandshakeConfig: Handshake,
		Plugins:         PluginSet(src),
		GRPCServer:      plugin.DefaultGRPCServer,
		Logger: hclog.New(&hclog.LoggerOptions{
			Output:     stderr(),
			Level:      hclog.Info,
			JSONFormat: true,
		}),
	})
}

// watchParent ends the process when its parent, whose process ID was
// ppid, is gone: the process has then been adopted by another.
func watchParent(ppid int, every time.Duration) {
	for range time.Tick(every) {
		if os.Getppid() != ppid {
			os.Exit(1)
		}
	}
}

// Logger returns a logger for use inside a plugin. Its records go to the
// plugin's standard error in the JSON form that the host reads, so they
// reach the host's log with their level. Like the host's logs, they must
// carry no personal data and no secrets.
func Logger() *slog.Logger {
	return slog.New(slog.NewJSONHandler(stderr(), &slog.HandlerOptions{
		Level:       slog.LevelDebug,
		ReplaceAttr: hclogKeys,
	}))
}

// stderr returns the process's standard error. go-plugin replaces
// os.Stderr once it serves, so the file is opened afresh from its
// descriptor.
func stderr() *os.File {
	return os.NewFile(uintptr(syscall.Stderr), "/dev/stderr")
}

// hclogKeys renames the keys of a slog JSON record to hclog's.
func hclogKeys(groups []string, a slog.Attr) slog.Attr {
	if len(groups) > 0 {
		return a
	}
	switch a.Key {
	case slog.LevelKey:
		return slog.String("@level", strings.ToLower(a.Value.String()))
	case slog.MessageKey:
		return slog.Attr{Key: "@message", Value: a.Value}
	case slog.TimeKey:
		return slog.Attr{Key: "@timestamp", Value: a.Value}
	}
	return a
}

// server serves SourceService for a contract.Source.
type server struct {
	syncv1.UnimplementedSourceServiceServer
	src contract.Source
}

// Configure passes the configuration to the source if it is Configurable;
// a source that is not accepts only an empty configuration.
func (s *server) Configure(_ context.Context,
	req *syncv1.ConfigureRequest) (*syncv1.ConfigureResponse, error) {
	c, ok := s.src.(Configurable)
	if !ok && len(req.GetConfig()) > 0 {
		return nil, status.Error(codes.InvalidArgument, "the plugin takes no configuration")
	}
	if ok {
		if err := c.Configure(req.GetConfig()); err != nil {
			return nil, toStatus(codes.InvalidArgument, err)
		}
	}
	return &syncv1.ConfigureResponse{}, nil
}

// Check tests the source's connection if it is a Checker, and succeeds
// otherwise.
func (s *server) Check(ctx context.Context, _ *syncv1.CheckRequest) (*syncv1.CheckResponse, error) {
	if c, ok := s.src.(Checker); ok {
		if err := c.Check(ctx); err != nil {
			return nil, toStatus(codes.Unavailable, err)
		}
	}
	return &syncv1.CheckResponse{}, nil
}

func (s *server) ListDepartments(_ *syncv1.ListDepartmentsRequest,
	stream grpc.ServerStreamingServer[syncv1.ListDepartmentsResponse]) error {
	ds, err := s.src.Departments(stream.Context())
	return sendAll(stream, ds, err, func(b []contract.Department) *syncv1.ListDepartmentsResponse {
		return &syncv1.ListDepartmentsResponse{Departments: convertAll(b, fromDepartment)}
	})
}

func (s *server) ListUnits(req *syncv1.ListUnitsRequest,
	stream grpc.ServerStreamingServer[syncv1.ListUnitsResponse]) error {
	us, err := s.src.Units(stream.Context(), req.GetUnitCode())
	return sendAll(stream, us, err, func(b []contract.Unit) *syncv1.ListUnitsResponse {
		return &syncv1.ListUnitsResponse{Units: convertAll(b, fromUnit)}
	})
}

func (s *server) ListPeople(req *syncv1.ListPeopleRequest,
	stream grpc.ServerStreamingServer[syncv1.ListPeopleResponse]) error {
	wrap := func(b []contract.Person) *syncv1.ListPeopleResponse {
		return &syncv1.ListPeopleResponse{People: convertAll(b, fromPerson)}
	}
	if ps, ok := s.src.(PeopleStreamer); ok {
		err := ps.StreamPeople(stream.Context(), req.GetUnitCode(), func(b []contract.Person) error {
			return sendAll(stream, b, nil, wrap)
		})
		if err != nil {
			return toStatus(codes.Unknown, err)
		}
		return nil
	}
	ps, err := s.src.People(stream.Context(), req.GetUnitCode())
	return sendAll(stream, ps, err, wrap)
}

func (s *server) ListPosts(req *syncv1.ListPostsRequest,
	stream grpc.ServerStreamingServer[syncv1.ListPostsResponse]) error {
	ps, err := s.src.Posts(stream.Context(), int(req.GetYear()), req.GetUnitCode())
	return sendAll(stream, ps, err, func(b []contract.Post) *syncv1.ListPostsResponse {
		return &syncv1.ListPostsResponse{Posts: convertAll(b, fromPost)}
	})
}

// batchSize is how many records a plugin sends in one message: enough
// that the cost of a message does not count, few enough to keep messages
// far below gRPC's size limits.
const batchSize = 256

// sendAll sends recs on stream in batches, each wrapped in a message by
// wrap, or ends the stream with err when the source failed.
func sendAll[T, R any](stream grpc.ServerStreamingServer[R], recs []T, err error,
	wrap func([]T) *R) error {
	if err != nil {
		return toStatus(codes.Unknown, err)
	}
	for batch := range slices.Chunk(recs, batchSize) {
		if err := stream.Send(wrap(batch)); err != nil {
			return err
		}
	}
	return nil
}

// toStatus turns a source's error into a gRPC status: a status error is
// kept, a context error gets its own code, and any other error gets code.
func toStatus(code codes.Code, err error) error {
	if _, ok := status.FromError(err); ok {
		return err
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return status.FromContextError(err).Err()
	}
	return status.Error(code, fmt.Sprint(err))
}
