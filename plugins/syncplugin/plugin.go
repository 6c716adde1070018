package syncplugin

import (
	"context"

	"github.com/hashicorp/go-plugin"
	"google.golang.org/grpc"

	"github.com/zhicheng-hr/zhicheng/plugins/contract"
	syncv1 "github.com/zhicheng-hr/zhicheng/plugins/proto/zhicheng/sync/v1"
)

// Handshake is what host and plugin must agree on before they talk: the
// protocol version, which is contract.Version, and a magic cookie, an
// environment variable that the host sets so that a plugin run by hand
// says so instead of waiting for a host.
var Handshake = plugin.HandshakeConfig{
	ProtocolVersion:  contract.Version,
	MagicCookieKey:   "ZHICHENG_SYNC_PLUGIN",
	MagicCookieValue: "12701aa380075409de651d1d060260a4",
}

// PluginName is the name under which a plugin serves its source in the
// plugin map.
const PluginName = "source"

// PluginSet returns the plugin map of a sync plugin. A plugin passes the
// source it serves; the host passes nil, and dispenses a *RemoteSource.
func PluginSet(src contract.Source) plugin.PluginSet {
	return plugin.PluginSet{PluginName: &GRPCPlugin{Source: src}}
}

// GRPCPlugin is the go-plugin plugin of a sync source. On the plugin side
// it registers SourceService for Source; on the host side it dispenses a
// *RemoteSource.
type GRPCPlugin struct {
	plugin.NetRPCUnsupportedPlugin

	// Source is the source that the plugin serves; nil on the host side.
	Source contract.Source
}

var _ plugin.GRPCPlugin = (*GRPCPlugin)(nil)

// GRPCServer registers SourceService for p.Source on s.
func (p *GRPCPlugin) GRPCServer(_ *plugin.GRPCBroker, s *grpc.Server) error {
	syncv1.RegisterSourceServiceServer(s, &server{src: p.Source})
	return nil
}

// GRPCClient returns a *RemoteSource over conn. go-plugin cancels ctx when
// the plugin process exits.
func (p *GRPCPlugin) GRPCClient(ctx context.Context, _ *plugin.GRPCBroker,
	conn *grpc.ClientConn) (any, error) {
	return &RemoteSource{rpc: syncv1.NewSourceServiceClient(conn), done: ctx}, nil
}
