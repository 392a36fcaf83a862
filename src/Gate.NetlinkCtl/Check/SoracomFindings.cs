using Gate.NetlinkCtl.Reconcile;
using Gate.NetlinkCtl.SoracomApi;

namespace Gate.NetlinkCtl.Check;

/// <summary>
/// The SORACOM side of a <c>soracom:</c> gate, from the same resolution plan and apply use: the API answered with these
/// credentials (else the cache, else nothing), the VPG fits the gate (Gate open, VNI, device subnet), and this host is
/// registered as a Gate Peer.
/// </summary>
internal static class SoracomFindings
{
    /// <summary>The findings for every gate with a SORACOM source.</summary>
    public static IEnumerable<CheckFinding> From(ResolvedState resolved, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(resolved);
        foreach (var resolution in resolved.Resolutions)
        {
            var gate = resolution.Gate;
            var seen = resolution.Describe(now);
            yield return resolution.Origin switch
            {
                EndpointOrigin.Api => CheckFinding.Pass(gate, "soracom api", seen),
                EndpointOrigin.Cache => CheckFinding.Warn(gate, "soracom api", seen,
                    "the API did not answer (see the error): check the credentials file or environment and this host's way to the API"),
                _ => CheckFinding.Fail(gate, "soracom api", seen,
                    "check the credentials (authKeyId/authKey), the vpgId and coverage, and this host's way to the API"),
            };
            if (resolution.Origin == EndpointOrigin.None)
            {
                continue;
            }

            if (resolution.Problems.Count == 0)
            {
                yield return CheckFinding.Pass(gate, "soracom vpg", $"{resolution.VpgId}: Gate open, VNI and device subnet match");
            }

            foreach (var problem in resolution.Problems)
            {
                // Each problem names its own fix (open Gate, set vni, move the address).
                yield return CheckFinding.Fail(gate, "soracom vpg", problem, "do what the line above says; plan and apply refuse the gate until then");
            }

            yield return resolution.Registered == true
                ? CheckFinding.Pass(gate, "soracom peer", $"this host is registered as a Gate Peer of {resolution.VpgId}")
                : CheckFinding.Fail(gate, "soracom peer", $"this host is not registered as a Gate Peer of {resolution.VpgId}: the VPG sends it nothing",
                    "run 'gatectl soracom register STATE' (or set register: true under soracom: and run 'gatectl apply')");
        }
    }
}
