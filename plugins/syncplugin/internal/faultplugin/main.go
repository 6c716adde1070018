// Command faultplugin is a sync plugin that misbehaves on purpose, for the
// tests of package syncplugin. It implements the gRPC service itself, as a
// plugin in another language would, so that it can fail in the middle of
// a stream. The environment variable FAULT chooses how:
//
//	crash    exit with a panic while sending the third person
//	hang     send two people, then never finish
//	slow     send 100 people, one every 50 ms
//	fail     send two people, then end the stream with an error status
//	garbage  send a person whose ID number is invalid
//	huge     send a department whose name takes 20 MB
//	noise    write to standard output before the handshake
//	stderr   write JSON that go-plugin's own parser chokes on to stderr
//	silent   never complete the handshake
//	env      list its environment variables' names and its configuration
//	         keys as departments
//
// With FAULT unset it behaves.
package main

import (
	"context"
	"fmt"
	"os"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/hashicorp/go-plugin"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	syncv1 "github.com/zhicheng-hr/zhicheng/plugins/proto/zhicheng/sync/v1"
	"github.com/zhicheng-hr/zhicheng/plugins/syncplugin"
)

// The one department and unit of the plugin's data.
const (
	deptCode = "433100-WJW"
	unitCode = "12433100400092813K"
	year     = 2026
)

func main() {
	fault := os.Getenv("FAULT")
	switch fault {
	case "noise":
		fmt.Println("connecting to the institution system…")
	case "stderr":
		fmt.Fprintln(os.Stderr, `{"@message": 1, "@level": ["error"]}`)
	case "silent":
		time.Sleep(time.Hour)
	}
	plugin.Serve(&plugin.ServeConfig{
		HandshakeConfig: syncplugin.Handshake,
		Plugins:         plugin.PluginSet{syncplugin.PluginName: &grpcPlugin{fault: fault}},
		GRPCServer:      plugin.DefaultGRPCServer,
	})
}

// grpcPlugin registers the faulty service.
type grpcPlugin struct {
	plugin.NetRPCUnsupportedPlugin
	fault string
}

func (p *grpcPlugin) GRPCServer(_ *plugin.GRPCBroker, s *grpc.Server) error {
	syncv1.RegisterSourceServiceServer(s, &service{fault: p.fault})
	return nil
}

func (p *grpcPlugin) GRPCClient(context.Context, *plugin.GRPCBroker,
	*grpc.ClientConn) (any, error) {
	return nil, nil
}

// service serves a small valid data set, spoilt as fault says.
type service struct {
	syncv1.UnimplementedSourceServiceServer
	fault string

	mu     sync.Mutex
	config map[string]string
}

func (s *service) Configure(_ context.Context,
	req *syncv1.ConfigureRequest) (*syncv1.ConfigureResponse, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.config = req.GetConfig()
	return &syncv1.ConfigureResponse{}, nil
}

func (s *service) Check(context.Context, *syncv1.CheckRequest) (*syncv1.CheckResponse, error) {
	return &syncv1.CheckResponse{}, nil
}

func (s *service) ListDepartments(_ *syncv1.ListDepartmentsRequest,
	stream grpc.ServerStreamingServer[syncv1.ListDepartmentsResponse]) error {
	codes := []string{deptCode}
	if s.fault == "env" {
		codes = s.environment()
	}
	name := "湘西土家族苗族自治州卫生健康委员会"
	if s.fault == "huge" {
		name = strings.Repeat("卫", 20<<20/3)
	}
	for _, code := range codes {
		d := &syncv1.Department{Code: code, Name: name, Region: "433100"}
		msg := &syncv1.ListDepartmentsResponse{Departments: []*syncv1.Department{d}}
		if err := stream.Send(msg); err != nil {
			return err
		}
	}
	return nil
}

// environment returns the names of the process's environment variables
// and, prefixed with "config:", the keys of its configuration.
func (s *service) environment() []string {
	var names []string
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		names = append(names, name)
	}
	s.mu.Lock()
	for k := range s.config {
		names = append(names, "config:"+k)
	}
	s.mu.Unlock()
	slices.Sort(names)
	return names
}

func (s *service) ListUnits(_ *syncv1.ListUnitsRequest,
	stream grpc.ServerStreamingServer[syncv1.ListUnitsResponse]) error {
	u := &syncv1.Unit{
		CreditCode: unitCode, Name: "湘西土家族苗族自治州民族中医院", Kind: "1",
		Region: "433100", DepartmentCode: deptCode,
	}
	return stream.Send(&syncv1.ListUnitsResponse{Units: []*syncv1.Unit{u}})
}

func (s *service) ListPeople(_ *syncv1.ListPeopleRequest,
	stream grpc.ServerStreamingServer[syncv1.ListPeopleResponse]) error {
	n := 5
	if s.fault == "slow" {
		n = 100
	}
	for i := range n {
		if err := s.before(i); err != nil {
			return err
		}
		// One person a message, so that a fault strikes mid-stream.
		msg := &syncv1.ListPeopleResponse{People: []*syncv1.Person{s.person(i)}}
		if err := stream.Send(msg); err != nil {
			return err
		}
	}
	return nil
}

// before misbehaves, as the fault says, before the person at index i is
// sent.
func (s *service) before(i int) error {
	switch {
	case s.fault == "crash" && i == 2:
		panic("faultplugin: crash on the third person")
	case s.fault == "hang" && i == 2:
		time.Sleep(time.Hour)
	case s.fault == "fail" && i == 2:
		return status.Error(codes.Unavailable, "institution system went away")
	case s.fault == "slow":
		time.Sleep(50 * time.Millisecond)
	}
	return nil
}

// person returns the person at index i: a valid record, but for fault
// "garbage", whose second person has an ID number with a wrong check
// character.
func (s *service) person(i int) *syncv1.Person {
	id := idNumber(i)
	if s.fault == "garbage" && i == 1 {
		id = id[:17] + wrongCheck(id[17])
	}
	return &syncv1.Person{
		SourceId:  fmt.Sprintf("40009%05d", i+1),
		UnitCode:  unitCode,
		Name:      fmt.Sprintf("测试%d", i+1),
		Sex:       "1",
		IdNumber:  id,
		BirthDate: "1980-01-01",
		Status:    "1",
	}
}

func (s *service) ListPosts(req *syncv1.ListPostsRequest,
	stream grpc.ServerStreamingServer[syncv1.ListPostsResponse]) error {
	if req.GetYear() != year {
		return nil
	}
	for level := int32(5); level <= 7; level++ {
		p := &syncv1.Post{UnitCode: unitCode, Year: year, Category: "2", Level: level, Approved: 3}
		if err := stream.Send(&syncv1.ListPostsResponse{Posts: []*syncv1.Post{p}}); err != nil {
			return err
		}
	}
	return nil
}

// idNumber returns a valid ID number of a man born on 1980-01-01 in
// 433101, with sequence number 2i+1.
func idNumber(i int) string {
	s := fmt.Sprintf("43310119800101%03d", 2*i+1)
	weights := []int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}
	sum := 0
	for k, w := range weights {
		sum += int(s[k]-'0') * w
	}
	return s + string("10X98765432"[sum%11])
}

// wrongCheck returns a check character other than c.
func wrongCheck(c byte) string {
	if c == '0' {
		return "1"
	}
	return "0"
}
