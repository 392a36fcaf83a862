using System.Security.Cryptography;
using CliWrap;
using CliWrap.Buffered;

namespace Gate.NetlinkCtl.Bench;

/// <summary>A private network namespace for a benchmark (prefix <c>gct</c>, random suffix), always deleted.</summary>
public sealed class BenchNamespace : IAsyncDisposable
{
    private BenchNamespace(string name) => Name = name;

    /// <summary>The namespace's name.</summary>
    public string Name { get; }

    /// <summary>Creates a namespace with loopback up.</summary>
    public static async Task<BenchNamespace> CreateAsync()
    {
        var ns = new BenchNamespace($"gctbench-{Convert.ToHexString(RandomNumberGenerator.GetBytes(4)).ToLowerInvariant()}");
        await RunAsync("ip", ["netns", "add", ns.Name]);
        await ns.IpAsync("link", "set", "lo", "up");
        return ns;
    }

    /// <summary>Runs <c>ip -n NAME args...</c>.</summary>
    public Task<string> IpAsync(params string[] args) => RunAsync("ip", ["-n", Name, .. args]);

    /// <summary>Runs <c>bridge -n NAME args...</c>.</summary>
    public Task<string> BridgeAsync(params string[] args) => RunAsync("bridge", ["-n", Name, .. args]);

    /// <inheritdoc />
    public async ValueTask DisposeAsync() =>
        await Cli.Wrap("ip").WithArguments(["netns", "del", Name]).WithValidation(CommandResultValidation.None).ExecuteBufferedAsync();

    private static async Task<string> RunAsync(string program, string[] args)
    {
        var result = await Cli.Wrap(program).WithArguments(args).WithValidation(CommandResultValidation.None).ExecuteBufferedAsync();
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException($"'{program} {string.Join(' ', args)}' exited {result.ExitCode}: {result.StandardError.Trim()}");
        }

        return result.StandardOutput;
    }
}
