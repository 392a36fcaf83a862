using CliWrap;
using CliWrap.Buffered;
using Gate.NetlinkCtl.Netlink.Sockets;

namespace Gate.NetlinkCtl.Backends.NetworkManager.Bus;

/// <summary>
/// Whether a NetworkManager process manages the network namespace gatectl is told to program: NetworkManager only
/// sees devices in its own namespace, so a profile made through a NetworkManager elsewhere would land on the wrong host.
/// </summary>
internal static class NetworkManagerNamespace
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
            // Under gatectl.service (CAP_NET_ADMIN only) the link of a more privileged process is denied; its
            // /proc/PID/net entries are not, and they tell the namespace too (for gatectl's own namespace).
            if (netns is null && NamespaceIdentity.ProcNetInode(pid) is { } theirNet && NamespaceIdentity.ProcNetInode(null) is { } ourNet)
            {
                return theirNet == ourNet ? null : $"NetworkManager (pid {pid}) runs in another network namespace than gatectl";
            }

            return $"cannot tell which network namespace NetworkManager (pid {pid}) runs in ({e.Message})";
        }

        if (netns is null)
        {
            var ours = File.ResolveLinkTarget("/proc/self/ns/net", returnFinalTarget: false)?.Name ?? "";
            return theirs == ours ? null : $"NetworkManager (pid {pid}) runs in another network namespace ({theirs}) than gatectl ({ours})";
        }

        // `ip netns identify PID` names the namespaces whose inode is the process's.
        // Bounded like every child process: `ip` killed after 10 s.
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(TimeSpan.FromSeconds(10));
        BufferedCommandResult identify;
        try
        {
            identify = await Cli.Wrap("ip").WithArguments(["netns", "identify", pid.ToString(System.Globalization.CultureInfo.InvariantCulture)])
                .WithValidation(CommandResultValidation.None)
                .ExecuteBufferedAsync(limit.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return $"cannot tell which network namespace NetworkManager (pid {pid}) runs in: 'ip netns identify {pid}' did not finish within 10 s";
        }
        var names = identify.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return names.Contains(netns, StringComparer.Ordinal)
            ? null
            : $"NetworkManager (pid {pid}) does not run in network namespace {netns} ({(names.Length == 0 ? "it runs in an unnamed one" : "it runs in " + string.Join(", ", names))})";
    }
}
