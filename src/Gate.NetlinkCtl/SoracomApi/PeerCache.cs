using System.Text.Json;
using Gate.NetlinkCtl.Daemon;

namespace Gate.NetlinkCtl.SoracomApi;

/// <summary>
/// The last good Gate peers list of each VPG, on disk (<c>STATEDIR/soracom/VPGID.json</c>), so an API outage or a
/// restart during one never leaves gatectl without endpoints. Written atomically; holds no secret.
/// </summary>
/// <param name="stateDirectory">The host's state directory (<c>host.stateDirectory</c>).</param>
internal sealed class PeerCache(string stateDirectory)
{
    /// <summary>The cache file of <paramref name="vpgId"/> (the validator allows only letters, digits, '-' and '_' in it).</summary>
    public string PathOf(string vpgId) => Path.Combine(stateDirectory, "soracom", vpgId + ".json");

    /// <summary>The cached answer, or null when there is none or it cannot be read (then why, in <paramref name="problem"/>).</summary>
    public CachedPeers? Read(string vpgId, out string? problem)
    {
        problem = null;
        var path = PathOf(vpgId);
        try
        {
            var json = JsonSerializer.Deserialize(File.ReadAllText(path), SoracomJsonContext.Default.CachedPeersJson);
            if (json is null || json.VpgId != vpgId || json.Peers is null)
            {
                problem = $"cache {path} is not a cache of {vpgId}";
                return null;
            }

            var peers = json.Peers.Select(p => p is null ? null : GatePeer.FromJson(p, out _)).ToList();
            if (peers.Any(p => p is null))
            {
                problem = $"cache {path} has an unreadable entry";
                return null;
            }

            return new CachedPeers(json.FetchedAt, peers.Select(p => p!).ToList()) { Vpg = json.Vpg is { } vpg ? VirtualPrivateGateway.FromJson(vpgId, vpg) : null };
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            problem = "no cached answer yet";
            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException)
        {
            problem = $"cache {path} cannot be read: {e.Message}";
            return null;
        }
    }

    /// <summary>Stores a good answer (mode 0600: only gatectl needs it).</summary>
    /// <exception cref="IOException">The directory cannot be made or the file written.</exception>
    public void Write(string vpgId, CachedPeers answer)
    {
        var path = PathOf(vpgId);
        SessionKeeper.CreatePrivateDirectory(Path.GetDirectoryName(path)!);
        var json = new CachedPeersJson(vpgId, answer.FetchedAt, [.. answer.Peers.Select(p => p.ToJson())], answer.Vpg?.ToJson());
        AtomicFile.WriteAllText(path, JsonSerializer.Serialize(json, SoracomJsonContext.Default.CachedPeersJson), UnixFileMode.UserRead | UnixFileMode.UserWrite);
    }
}

/// <summary>A VPG's Gate peers and when the API gave them.</summary>
/// <param name="FetchedAt">When the API answered.</param>
/// <param name="Peers">The entries, endpoints and customers' peers.</param>
internal sealed record CachedPeers(DateTimeOffset FetchedAt, IReadOnlyList<GatePeer> Peers)
{
    /// <summary>The VPG's Gate settings fetched with the peers (null in a cache written before gatectl read them).</summary>
    public VirtualPrivateGateway? Vpg { get; init; }
}
