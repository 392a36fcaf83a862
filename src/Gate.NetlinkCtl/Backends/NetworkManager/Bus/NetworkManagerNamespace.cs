using CliWrap;
using CliWrap.Buffered;

namespace Gate.NetlinkCtl.Backends.NetworkManager.Bus;

/// <summary>
/// Whether a NetworkManager process manages the network namespace gatectl is told to program: NetworkManager only
/// sees devices in its own namespace, so a profile made through a NetworkManager elsewhere would land on the wrong host.
/// </summary>
public static class NetworkManagerNamespace
{
    /// <summary>
    /// Null when process <paramref name="pid"/> runs in <paramref name="netns"/> (a name as <c>ip netns</c> knows it, or
    /// null for gatectl's own namespace); otherwise why not, for messages.
    /// </summary>
    public static async Task<string?> MismatchAsync(int pid, string? netns, CancellationToken cancellationToken)
    {
        string theirs;
        try
        {
            theirs = File.ResolveLinkTarget($"/proc/{pid}/ns/net", returnFinalTarget: false)?.Name ?? "";
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return $"cannot tell which network namespace NetworkManager (pid {pid}) runs in ({e.Message})";
        }

        if (netns is null)
        {
            var ours = File.ResolveLinkTarget("/proc/self/ns/net", returnFinalTarget: false)?.Name ?? "";
            return theirs == ours ? null : $"NetworkManager (pid {pid}) runs in another network namespace ({theirs}) than gatectl ({ours})";
        }

        // `ip netns identify PID` names the namespaces whose inode is the process's.
        var identify = await Cli.Wrap("ip").WithArguments(["netns", "identify", pid.ToString(System.Globalization.CultureInfo.InvariantCulture)])
            .WithValidation(CommandResultValidation.None)
            .ExecuteBufferedAsync(cancellationToken).ConfigureAwait(false);
        var names = identify.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return names.Contains(netns, StringComparer.Ordinal)
            ? null
            : $"NetworkManager (pid {pid}) does not run in network namespace {netns} ({(names.Length == 0 ? "it runs in an unnamed one" : "it runs in " + string.Join(", ", names))})";
    }
}
