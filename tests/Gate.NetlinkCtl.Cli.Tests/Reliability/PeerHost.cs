using Gate.NetlinkCtl.Cli.Tests.Daemon;
using Gate.NetlinkCtl.TestSupport;

namespace Gate.NetlinkCtl.Cli.Tests.Reliability;

/// <summary>
/// A test namespace dressed as a Gate Peer host for the CLI: underlay <c>u0</c> (a veth, 192.0.2.10/24, up), the
/// <see cref="ForeignObjects"/> every reliability test checks, and a temporary directory for state files. gatectl runs
/// in-process (<see cref="Run"/>) or as the real binary (<see cref="Gatectl"/>). Disposing deletes both.
/// </summary>
internal sealed class PeerHost : IAsyncDisposable
{
    private PeerHost(TestNamespace ns, string directory, ForeignObjects foreign)
    {
        Namespace = ns;
        Directory = directory;
        Foreign = foreign;
    }

    /// <summary>The namespace.</summary>
    public TestNamespace Namespace { get; }

    /// <summary>Where the test's state files live.</summary>
    public string Directory { get; }

    /// <summary>Objects made by hand that every command must leave alone.</summary>
    public ForeignObjects Foreign { get; }

    /// <summary>The gatectl apphost built next to the tests.</summary>
    public static string Gatectl => RunningDaemon.Gatectl;

    /// <summary>Creates the namespace, its underlay and the foreign objects.</summary>
    public static async Task<PeerHost> CreateAsync(string tag)
    {
        var ns = await TestNamespace.CreateAsync(tag);
        try
        {
            await ns.IpAsync("link", "add", "u0", "type", "veth", "peer", "name", "u0p");
            await ns.IpAsync("address", "add", "192.0.2.10/24", "dev", "u0");
            await ns.IpAsync("link", "set", "u0", "up");
            var foreign = await ForeignObjects.AddAsync(ns);
            return new PeerHost(ns, System.IO.Directory.CreateTempSubdirectory("gct-peer-").FullName, foreign);
        }
        catch
        {
            await ns.DisposeAsync();
            throw;
        }
    }

    /// <summary>Writes a state file into <see cref="Directory"/> and returns its path.</summary>
    public string WriteState(string name, string yaml)
    {
        var path = Path.Combine(Directory, name);
        File.WriteAllText(path, yaml);
        return path;
    }

    /// <summary>
    /// A state with one gate <c>gate0</c> on <c>u0</c> whose flood list is <paramref name="count"/> endpoints from
    /// 198.18.0.0/15 starting at number <paramref name="first"/> (as the benchmark does: no packet is ever sent to them).
    /// </summary>
    public static string FloodState(int count, int first = 0, int? mtu = null, bool? guard = null) => new StateYaml
    {
        Guard = guard,
        Gates =
        [
            new GateYaml
            {
                Name = "soracom",
                Interface = "gate0",
                Vni = "10",
                Address = "198.19.255.10/24",
                Mtu = mtu,
                Endpoints = [.. Enumerable.Range(first, count).Select(i => $"198.18.{i / 250}.{1 + (i % 250)}")],
            },
        ],
    }.ToString();

    /// <summary>Runs gatectl in-process with these arguments.</summary>
    public static (int Exit, string Stdout, string Stderr) Run(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var exit = GatectlCli.Run(args, stdout, stderr);
        return (exit, stdout.ToString(), stderr.ToString());
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await Namespace.DisposeAsync();
        System.IO.Directory.Delete(Directory, recursive: true);
    }
}
