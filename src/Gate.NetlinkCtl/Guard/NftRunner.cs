using System.ComponentModel;
using CliWrap;
using CliWrap.Buffered;

namespace Gate.NetlinkCtl.Guard;

/// <summary>What one nft run printed.</summary>
/// <param name="ExitCode">nft's exit code.</param>
/// <param name="Output">Its standard output.</param>
/// <param name="Error">Its standard error, trimmed.</param>
internal sealed record NftOutput(int ExitCode, string Output, string Error);

/// <summary>
/// Runs <c>nft</c> through CliWrap with an argument array: in the current network namespace, in a named one
/// (<c>ip netns exec NS nft ...</c>), or in a fresh, empty one that disappears with the process
/// (<c>unshare --net nft ...</c>) where a ruleset can be loaded without touching any host.
/// </summary>
internal sealed class NftRunner
{
    private readonly string _program;
    private readonly string[] _prefix;

    private NftRunner(string program, string[] prefix, string where)
    {
        _program = program;
        _prefix = prefix;
        Where = where;
    }

    /// <summary>Where nft runs, for messages.</summary>
    public string Where { get; }

    /// <summary>A runner for the current namespace (<paramref name="netns"/> null) or the named one.</summary>
    public static NftRunner In(string? netns) => netns is null
        ? new NftRunner("nft", [], "this host")
        : new NftRunner("ip", ["netns", "exec", netns, "nft"], $"network namespace {netns}");

    /// <summary>A runner whose every call gets its own empty network namespace.</summary>
    public static NftRunner Scratch { get; } = new("unshare", ["--net", "nft"], "a scratch network namespace");

    /// <summary>Runs nft with <paramref name="arguments"/>, feeding <paramref name="input"/> on stdin when given.</summary>
    public async Task<NftOutput> RunAsync(IReadOnlyList<string> arguments, string? input, CancellationToken cancellationToken)
    {
        var command = Cli.Wrap(_program)
            .WithArguments([.. _prefix, .. arguments])
            .WithValidation(CommandResultValidation.None);
        if (input is not null)
        {
            command = command.WithStandardInputPipe(PipeSource.FromString(input));
        }

        try
        {
            var result = await command.ExecuteBufferedAsync(cancellationToken).ConfigureAwait(false);
            return new NftOutput(result.ExitCode, result.StandardOutput, result.StandardError.Trim());
        }
        catch (Win32Exception e)
        {
            throw new GuardException(
                $"cannot run '{_program}' for the VXLAN guard: {e.Message}; install nftables (and util-linux for unshare), or set host.guard: false", e)
            {
                MissingProgram = true,
            };
        }
    }
}
