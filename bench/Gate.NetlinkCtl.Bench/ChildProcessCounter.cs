using System.Text.RegularExpressions;

namespace Gate.NetlinkCtl.Bench;

/// <summary>
/// Counts the processes a command starts, by running it once under <c>strace -f</c>: every fork, vfork or clone that
/// makes a process rather than a thread (posix_spawn is a clone with CLONE_VFORK). execve is not counted: one child
/// tries each PATH directory in turn.
/// </summary>
public static partial class ChildProcessCounter
{
    /// <summary>The number of child processes <paramref name="program"/> started.</summary>
    public static async Task<int> CountAsync(string program, IReadOnlyList<string> args, params int[] okExitCodes)
    {
        var trace = Path.GetTempFileName();
        try
        {
            await Processes.RunAsync("strace", ["-f", "-qq", "-e", "trace=fork,vfork,clone,clone3", "-o", trace, program, .. args], okExitCodes);
            var lines = await File.ReadAllLinesAsync(trace);
            return lines.Count(l => Fork().IsMatch(l) && !l.Contains("CLONE_THREAD", StringComparison.Ordinal));
        }
        finally
        {
            File.Delete(trace);
        }
    }

    [GeneratedRegex(@"^\d+\s+(fork|vfork|clone|clone3)\(")]
    private static partial Regex Fork();
}
