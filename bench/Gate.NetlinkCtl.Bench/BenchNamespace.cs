using System.Security.Cryptography;
using CliWrap;
using CliWrap.Buffered;

namespace Gate.NetlinkCtl.Bench;

/// <summary>
/// A private network namespace for a benchmark (prefix <c>gctb</c>, a tag and a random suffix), always deleted by its
/// exact name. IPv6 is off inside: a VXLAN device with 10,000 remotes would otherwise flood every router
/// solicitation and MLD report to all of them while a run is timed.
/// </summary>
public sealed class BenchNamespace : IAsyncDisposable
{
    private BenchNamespace(string name) => Name = name;

    /// <summary>The namespace's name.</summary>
    public string Name { get; }

    /// <summary>Creates a namespace with loopback up and IPv6 disabled.</summary>
    public static async Task<BenchNamespace> CreateAsync(string tag = "")
    {
        var ns = new BenchNamespace($"gctb{tag}-{Convert.ToHexString(RandomNumberGenerator.GetBytes(3)).ToLowerInvariant()}");
        await RunAsync("ip", ["netns", "add", ns.Name]);
        await ns.ExecAsync("sysctl", "-q", "-w", "net.ipv6.conf.all.disable_ipv6=1", "net.ipv6.conf.default.disable_ipv6=1");
        await ns.IpAsync("link", "set", "lo", "up");
        return ns;
    }

    /// <summary>Runs <c>ip -n NAME args...</c>.</summary>
    public Task<string> IpAsync(params string[] args) => RunAsync("ip", ["-n", Name, .. args]);

    /// <summary>Runs <c>bridge -n NAME args...</c>.</summary>
    public Task<string> BridgeAsync(params string[] args) => RunAsync("bridge", ["-n", Name, .. args]);

    /// <summary>Runs a program inside the namespace (<c>ip netns exec</c>).</summary>
    public Task<string> ExecAsync(string program, params string[] args) => RunAsync("ip", ["netns", "exec", Name, program, .. args]);

    /// <summary>Adds an up veth pair <paramref name="name"/>/<paramref name="name"/>p with <paramref name="address"/> on the first end.</summary>
    public async Task AddUnderlayAsync(string name, string address)
    {
        await IpAsync("link", "add", name, "mtu", "1500", "type", "veth", "peer", "name", name + "p");
        await IpAsync("address", "add", address, "dev", name);
        await IpAsync("link", "set", name, "up");
        await IpAsync("link", "set", name + "p", "up");
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync() =>
        await Cli.Wrap("ip").WithArguments(["netns", "del", Name]).WithValidation(CommandResultValidation.None).ExecuteBufferedAsync();

    private static async Task<string> RunAsync(string program, string[] args) => (await Processes.RunAsync(program, args)).StandardOutput;
}
