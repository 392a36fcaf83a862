using System.Diagnostics;
using CliWrap;
using CliWrap.Buffered;

namespace Gate.NetlinkCtl.Bench;

/// <summary>Runs programs for the benchmarks: argument arrays (never a shell string), bounded in time.</summary>
public static class Processes
{
    /// <summary>No single command of the bench may run longer than this (the vendor loop at 10,000 takes ~15 s).</summary>
    public static readonly TimeSpan Limit = TimeSpan.FromMinutes(2);

    /// <summary>Runs a program; throws with its stderr unless it exits with one of <paramref name="okExitCodes"/> (default 0).</summary>
    public static async Task<BufferedCommandResult> RunAsync(string program, IReadOnlyList<string> args, params int[] okExitCodes)
    {
        using var timeout = new CancellationTokenSource(Limit);
        var result = await Cli.Wrap(program)
            .WithArguments(args)
            .WithValidation(CommandResultValidation.None)
            .ExecuteBufferedAsync(timeout.Token);
        var ok = okExitCodes.Length == 0 ? [0] : okExitCodes;
        if (!ok.Contains(result.ExitCode))
        {
            throw new InvalidOperationException(
                $"'{program} {string.Join(' ', args)}' exited {result.ExitCode}: {Tail(result.StandardError + result.StandardOutput)}");
        }

        return result;
    }

    /// <summary>Runs a program with extra environment variables; throws as <see cref="RunAsync"/> does.</summary>
    public static async Task<BufferedCommandResult> RunWithAsync(
        IReadOnlyDictionary<string, string?> environment, string program, IReadOnlyList<string> args, params int[] okExitCodes)
    {
        using var timeout = new CancellationTokenSource(Limit);
        var result = await Cli.Wrap(program)
            .WithArguments(args)
            .WithEnvironmentVariables(environment)
            .WithValidation(CommandResultValidation.None)
            .ExecuteBufferedAsync(timeout.Token);
        var ok = okExitCodes.Length == 0 ? [0] : okExitCodes;
        return ok.Contains(result.ExitCode) ? result
            : throw new InvalidOperationException($"'{program} {string.Join(' ', args)}' exited {result.ExitCode}: {Tail(result.StandardError + result.StandardOutput)}");
    }

    /// <summary>Runs a program as <see cref="RunAsync"/> does and returns how long the whole process took.</summary>
    public static async Task<TimeSpan> TimeAsync(string program, IReadOnlyList<string> args, params int[] okExitCodes)
    {
        var clock = Stopwatch.StartNew();
        await RunAsync(program, args, okExitCodes);
        return clock.Elapsed;
    }

    /// <summary>
    /// Peak resident memory of a whole process (ru_maxrss, as <c>/usr/bin/time -f %M</c> reports it), in KiB.
    /// </summary>
    public static async Task<long> PeakRssKibAsync(string program, IReadOnlyList<string> args, params int[] okExitCodes)
    {
        const string marker = "gatectl-bench-maxrss=";
        var result = await RunAsync("/usr/bin/time", ["-f", marker + "%M", program, .. args], okExitCodes);
        var line = result.StandardError.Split('\n').Last(l => l.StartsWith(marker, StringComparison.Ordinal));
        return long.Parse(line[marker.Length..], System.Globalization.CultureInfo.InvariantCulture);
    }

    private static string Tail(string text) => text.Length > 2000 ? "..." + text[^2000..] : text.Trim();
}
