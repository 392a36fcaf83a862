using CliWrap;
using CliWrap.Buffered;

namespace Gate.NetlinkCtl.Demo;

/// <summary>Runs the emulator's tools (ip, bridge, ping, tcpdump) with argument arrays, never a shell string.</summary>
internal static class ProcessRunner
{
    /// <summary>Runs a program and returns its buffered result whatever the exit code.</summary>
    public static async Task<BufferedCommandResult> TryRunAsync(string program, IReadOnlyList<string> args, CancellationToken cancellationToken = default) =>
        await Cli.Wrap(program)
            .WithArguments(args)
            .WithValidation(CommandResultValidation.None)
            .ExecuteBufferedAsync(cancellationToken);

    /// <summary>Runs a program and returns its stdout; throws <see cref="DemoException"/> with stderr when it fails.</summary>
    public static async Task<string> RunAsync(string program, IReadOnlyList<string> args, CancellationToken cancellationToken = default)
    {
        var result = await TryRunAsync(program, args, cancellationToken);
        if (result.ExitCode != 0)
        {
            throw new DemoException($"'{Describe(program, args)}' exited {result.ExitCode}: {result.StandardError.Trim()}");
        }

        return result.StandardOutput;
    }

    /// <summary>Runs <c>ip -n NS args...</c>.</summary>
    public static Task<string> IpAsync(string ns, params string[] args) => RunAsync("ip", ["-n", ns, .. args]);

    /// <summary>Runs <c>bridge -n NS args...</c>.</summary>
    public static Task<string> BridgeAsync(string ns, params string[] args) => RunAsync("bridge", ["-n", ns, .. args]);

    /// <summary>The command line as a person would type it, for messages.</summary>
    public static string Describe(string program, IEnumerable<string> args) => string.Join(' ', args.Prepend(program));
}
