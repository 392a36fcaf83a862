using System.Runtime.InteropServices;
using Gate.NetlinkCtl.Native;

namespace Gate.NetlinkCtl.Reconcile.Apply;

/// <summary>
/// An exclusive <c>flock</c> on a per-namespace runtime file, so two applies never interleave. The file is opened with
/// libc directly: .NET's FileStream takes its own flock for FileShare, which would fight with this one.
/// </summary>
internal sealed class ApplyLock : IDisposable
{
    private const int OpenReadWrite = 0x2;
    private const int OpenCreate = 0x40;
    private const int OpenCloseOnExec = 0x80000;
    private const int LockExclusive = 2;
    private const int LockNonBlocking = 4;
    private const int WouldBlock = 11;
    private const int Interrupted = 4;
    private static readonly TimeSpan RetryInterval = TimeSpan.FromMilliseconds(20);

    private int _fd;

    private ApplyLock(int fd, string path)
    {
        _fd = fd;
        Path = path;
    }

    /// <summary>The lock file's path.</summary>
    public string Path { get; }

    /// <summary>Takes the lock of <paramref name="context"/>'s namespace, waiting up to its timeout for another holder.</summary>
    public static async Task<ApplyLock> AcquireAsync(ReconcileContext context, CancellationToken cancellationToken = default)
    {
        Directory.CreateDirectory(context.LockDirectory);
        var path = context.LockPath;
        var fd = Libc.Open(path, OpenReadWrite | OpenCreate | OpenCloseOnExec, Convert.ToInt32("644", 8));
        if (fd < 0)
        {
            throw new IOException($"cannot open the apply lock {path}: errno {Marshal.GetLastPInvokeError()}");
        }

        try
        {
            var deadline = DateTime.UtcNow + context.LockTimeout;
            while (!TryLock(fd, path))
            {
                if (DateTime.UtcNow >= deadline)
                {
                    throw new TimeoutException(
                        $"another gatectl apply holds {path} (waited {context.LockTimeout.TotalSeconds:0} s): wait for it to finish");
                }

                await Task.Delay(RetryInterval, cancellationToken).ConfigureAwait(false);
            }

            return new ApplyLock(fd, path);
        }
        catch
        {
            _ = Libc.Close(fd);
            throw;
        }
    }

    /// <summary>Releases the lock (closing the file drops the flock).</summary>
    public void Dispose()
    {
        var fd = Interlocked.Exchange(ref _fd, -1);
        if (fd >= 0)
        {
            _ = Libc.Close(fd);
        }
    }

    private static bool TryLock(int fd, string path)
    {
        while (true)
        {
            if (Libc.Flock(fd, LockExclusive | LockNonBlocking) == 0)
            {
                return true;
            }

            var errno = Marshal.GetLastPInvokeError();
            switch (errno)
            {
                case WouldBlock:
                    return false;
                case Interrupted:
                    continue;
                default:
                    throw new IOException($"cannot lock {path}: flock failed with errno {errno}");
            }
        }
    }
}
