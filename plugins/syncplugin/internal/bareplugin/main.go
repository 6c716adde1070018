// Command bareplugin is a sync plugin written without go-plugin, the way
// plugins/README.md tells authors in other languages to write one: it
// checks the magic cookie, answers the host's one-time certificate with its
// own, prints the handshake line, and serves SourceService over mutually
// authenticated TLS, with go-plugin's controller so that the host can stop
// it. The tests of package syncplugin run it. With PLAINTEXT set in its
// environment it skips TLS, which the host must refuse.
package main

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"fmt"
	"math/big"
	"net"
	"os"
	"slices"
	"strings"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials"
	"google.golang.org/protobuf/types/known/emptypb"

	syncv1 "github.com/zhicheng-hr/zhicheng/plugins/proto/zhicheng/sync/v1"
)

// The handshake's magic cookie, as in syncplugin.Handshake.
const (
	cookieKey   = "ZHICHENG_SYNC_PLUGIN"
	cookieValue = "12701aa380075409de651d1d060260a4"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "bareplugin:", err)
		os.Exit(1)
	}
}

func run() error {
	if os.Getenv(cookieKey) != cookieValue {
		return fmt.Errorf("this is a zhicheng sync plugin; zhicheng starts it")
	}
	if !slices.Contains(strings.Split(os.Getenv("PLUGIN_PROTOCOL_VERSIONS"), ","), "1") {
		return fmt.Errorf("the host does not speak protocol version 1")
	}

	cert, der, err := selfSigned()
	if err != nil {
		return err
	}
	clients := x509.NewCertPool()
	if !clients.AppendCertsFromPEM([]byte(os.Getenv("PLUGIN_CLIENT_CERT"))) {
		return fmt.Errorf("no host certificate in PLUGIN_CLIENT_CERT")
	}
	creds := credentials.NewTLS(&tls.Config{
		Certificates: []tls.Certificate{cert},
		ClientAuth:   tls.RequireAndVerifyClientCert,
		ClientCAs:    clients,
		MinVersion:   tls.VersionTLS12,
	})

	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	cert64 := base64.RawStdEncoding.EncodeToString(der)
	handshake := fmt.Sprintf("1|1|tcp|%s|grpc|%s", lis.Addr(), cert64)
	var opts []grpc.ServerOption
	if os.Getenv("PLAINTEXT") != "" {
		handshake, _, _ = strings.Cut(handshake, "|grpc|")
		handshake += "|grpc"
	} else {
		opts = append(opts, grpc.Creds(creds))
	}
	srv := grpc.NewServer(opts...)
	syncv1.RegisterSourceServiceServer(srv, source{})
	srv.RegisterService(&controllerDesc, controller{stop: func() { go srv.Stop() }})

	fmt.Println(handshake)
	return srv.Serve(lis)
}

// selfSigned makes the plugin's one-time certificate: self-signed, for
// the name localhost, usable by server and client.
func selfSigned() (tls.Certificate, []byte, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return tls.Certificate{}, nil, err
	}
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(time.Now().UnixNano()),
		Subject:               pkix.Name{CommonName: "localhost"},
		DNSNames:              []string{"localhost"},
		NotBefore:             time.Now().Add(-time.Minute),
		NotAfter:              time.Now().Add(24 * time.Hour),
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth, x509.ExtKeyUsageClientAuth},
		BasicConstraintsValid: true,
		IsCA:                  true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, key.Public(), key)
	if err != nil {
		return tls.Certificate{}, nil, err
	}
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}, der, nil
}

// source serves one department.
type source struct {
	syncv1.UnimplementedSourceServiceServer
}

func (source) Configure(context.Context,
	*syncv1.ConfigureRequest) (*syncv1.ConfigureResponse, error) {
	return &syncv1.ConfigureResponse{}, nil
}

func (source) ListDepartments(_ *syncv1.ListDepartmentsRequest,
	stream grpc.ServerStreamingServer[syncv1.ListDepartmentsResponse]) error {
	d := &syncv1.Department{Code: "433100-WJW", Name: "湘西土家族苗族自治州卫生健康委员会", Region: "433100"}
	return stream.Send(&syncv1.ListDepartmentsResponse{Departments: []*syncv1.Department{d}})
}

// controller serves go-plugin's plugin.GRPCController, whose Shutdown the
// host calls when it closes the plugin.
type controller struct{ stop func() }

type controllerServer interface {
	Shutdown(context.Context, *emptypb.Empty) (*emptypb.Empty, error)
}

func (c controller) Shutdown(context.Context, *emptypb.Empty) (*emptypb.Empty, error) {
	c.stop()
	return &emptypb.Empty{}, nil
}

// controllerDesc describes plugin.GRPCController. Its Empty message has
// no fields, so google.protobuf.Empty reads and writes it.
var controllerDesc = grpc.ServiceDesc{
	ServiceName: "plugin.GRPCController",
	HandlerType: (*controllerServer)(nil),
	Methods: []grpc.MethodDesc{{
		MethodName: "Shutdown",
		Handler: func(srv any, ctx context.Context, dec func(any) error,
			_ grpc.UnaryServerInterceptor) (any, error) {
			in := new(emptypb.Empty)
			if err := dec(in); err != nil {
				return nil, err
			}
			return srv.(controllerServer).Shutdown(ctx, in)
		},
	}},
}
