using System.Runtime.ExceptionServices;
using System.Runtime.InteropServices;

namespace Gate.NetlinkCtl.Netlink.Sockets;

/// <summary>
/// Runs a short action inside another network namespace without moving the process: a dedicated thread
/// enters the namespace (setns), runs the action, returns to its own namespace and ends. A socket created
/// there (netlink, ICMP, UDP ...) stays in that namespace for its whole life and may be used from any thread.
/// </summary>
public static class NetworkNamespace
{
    /// <summary>The path of a namespace given by name (as <c>ip netns</c> knows it) or by absolute path.</summary>
    /// <param name="netns">A namespace name or an absolute path.</param>
    /// <returns>The path of the namespace's handle, under <c>/run/netns</c> for a name.</returns>
    public static string PathOf(string netns)
    {
        if (netns.StartsWith('/'))
        {
            return netns;
        }

        if (netns.Length == 0 || netns is "." or ".." || netns.Contains('/'))
        {
            throw new ArgumentException($"'{netns}' is not a network namespace name: expected a name as 'ip netns list' shows", nameof(netns));
        }

        return "/run/netns/" + netns;
    }

    /// <summary>Runs <paramref name="action"/> inside <paramref name="netns"/> on a thread of its own.</summary>
    /// <param name="netns">A namespace name as <c>ip netns</c> knows it, or an absolute path to its handle.</param>
    /// <param name="action">What to run there, typically opening a socket.</param>
    /// <returns>What <paramref name="action"/> returned.</returns>
    /// <exception cref="NetlinkException">The namespace cannot be entered (it does not exist, or this process lacks
    /// CAP_SYS_ADMIN); whatever <paramref name="action"/> throws is thrown as it is.</exception>
    public static T Run<T>(string netns, Func<T> action)
    {
        var path = PathOf(netns);
        T? result = default;
        Exception? failure = null;
        var thread = new Thread(() =>
        {
            try
            {
                result = RunHere(path, action);
            }
            catch (Exception e)
            {
                failure = e;
            }
        })
        {
            IsBackground = true,
            Name = "gatectl netns " + netns,
        };
        thread.Start();
        thread.Join();
        if (failure is not null)
        {
            ExceptionDispatchInfo.Throw(failure);
        }

        return result!;
    }

    private static T RunHere<T>(string path, Func<T> action)
    {
        using var original = Interop.open("/proc/thread-self/ns/net", Interop.OReadOnly | Interop.OCloexec);
        if (original.IsInvalid)
        {
            throw Fail("open /proc/thread-self/ns/net");
        }

        using var target = Interop.open(path, Interop.OReadOnly | Interop.OCloexec);
        if (target.IsInvalid)
        {
            throw Fail($"open {path}");
        }

        if (Interop.setns(target, Interop.CloneNewNet) != 0)
        {
            throw Fail($"setns {path}");
        }

        try
        {
            return action();
        }
        finally
        {
            // If this fails the thread is still about to end, so no other code ever runs in the wrong namespace.
            _ = Interop.setns(original, Interop.CloneNewNet);
        }
    }

    private static NetlinkException Fail(string what) => new(Marshal.GetLastPInvokeError(), what);
}
