using System.Runtime.InteropServices;
using Gate.NetlinkCtl.Native;

namespace Gate.NetlinkCtl.Demo;

/// <summary>
/// Runs code with the calling process inside a named network namespace, on a thread of its own.
/// A socket belongs to the namespace it was created in, so the emulator opens its probe sockets this way
/// and then uses them from any thread.
/// </summary>
internal static class NetworkNamespace
{
    private const int CloneNewNet = 0x40000000;

    /// <summary>The directory where <c>ip netns</c> keeps its namespace handles.</summary>
    public const string Directory = "/run/netns";

    /// <summary>Runs <paramref name="action"/> on a new thread that has entered namespace <paramref name="name"/>.</summary>
    public static Task<T> RunInAsync<T>(string name, Func<T> action)
    {
        var done = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        var thread = new Thread(() =>
        {
            try
            {
                Enter(name);
                done.SetResult(action());
            }
            catch (Exception e)
            {
                done.SetException(e);
            }
        })
        {
            IsBackground = true,
            Name = $"netns {name}",
        };

        // The thread ends with the action, so the namespace it entered never leaks into a pooled thread.
        thread.Start();
        return done.Task;
    }

    private static void Enter(string name)
    {
        var path = Path.Combine(Directory, name);
        using var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read);
        if (Libc.Setns((int)handle.DangerousGetHandle(), CloneNewNet) != 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            throw new DemoException($"setns({path}) failed: {Marshal.GetPInvokeErrorMessage(errno)} (errno {errno}); entering a network namespace needs root");
        }
    }
}
