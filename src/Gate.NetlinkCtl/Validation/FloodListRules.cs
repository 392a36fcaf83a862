using System.Net;
using Gate.NetlinkCtl.State;

namespace Gate.NetlinkCtl.Validation;

/// <summary>
/// The outer side (the all-zero FDB flood list): a present gate has endpoints (literal or from the SORACOM API); no endpoint or peer
/// outer is listed twice; none of them is the gate's own <c>local</c>.
/// </summary>
internal sealed class FloodListRules : IStateRule
{
    public void Check(DesiredState state, RuleContext context)
    {
        for (var i = 0; i < state.Gates.Count; i++)
        {
            var gate = state.Gates[i];
            var gatePath = StatePath.Gate(i);
            var endpointsPath = StatePath.Key(gatePath, "endpoints");
            if (gate.State == GatePresence.Present && gate.Endpoints.Count == 0 && gate.Soracom is null)
            {
                context.Report(endpointsPath,
                    "a present gate needs at least one endpoint; expected the VPG's outer IPs (a VPG usually has two), or a soracom: source that reads them from the API");
            }

            var localPath = StatePath.Key(gatePath, "local");
            CheckList(gate.Endpoints, i => StatePath.Item(endpointsPath, i), gate.Local, localPath, "endpoints", "an endpoint is one of the VPG's outer IPs", context);
            CheckList(
                gate.Peers.Select(p => p.Outer).ToList(),
                i => StatePath.Key(StatePath.Item(StatePath.Key(gatePath, "peers"), i), "outer"),
                gate.Local,
                localPath,
                "peers",
                "a peer is another Gate Peer host",
                context);
        }
    }

    private static void CheckList(
        IReadOnlyList<IPAddress> addresses, Func<int, string> pathOf, IPAddress local, string localPath, string listName, string whatItIs, RuleContext context)
    {
        var seen = new Dictionary<IPAddress, int>();
        for (var i = 0; i < addresses.Count; i++)
        {
            var path = pathOf(i);
            if (!context.IsReadable(path))
            {
                continue;
            }

            var address = addresses[i];
            if (address.Equals(local))
            {
                context.Report(path, $"{address} is this gate's own local address; {whatItIs}, never this host", localPath);
            }
            else if (!seen.TryAdd(address, i))
            {
                var label = listName == "endpoints" ? $"endpoints[{seen[address]}]" : $"the outer address of peers[{seen[address]}]";
                context.Report(path, $"{address} is already {label}; list each one once");
            }
        }
    }
}
