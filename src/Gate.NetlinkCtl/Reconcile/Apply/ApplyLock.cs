using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Gate.NetlinkCtl.Reconcile.Apply;

/// <summary>An exclusive <c>flock</c> on a per-namespace runtime file, so two applies never interleave.</summary>
public sealed class ApplyLock : IDisposable
{
    private const int LockExclusive = 2;
    private const int LockNonBlocking = 4;
    private const int WouldBlock = 11;
    private static readonly TimeSpan RetryInterval = TimeSpan.FromMilliseconds(20);

    private readonly FileStream _file;

    private ApplyLock(FileStream file) => _file = file;

    /// <summary>The lock file's path.</summary>
    public string Path => _file.Name;

    /// <summary>Takes the lock of <paramref name="context"/>'s namespace, waiting up to its timeout for another holder.</summary>
    public static async Task<ApplyLock> AcquireAsync(ReconcileContext context, CancellationToken cancellationToken = default)
    {
        Directory.CreateDirectory(context.LockDirectory);
        // FileShare.ReadWrite: the exclusion comes from flock below, not from .NET's own sharing rules.
        var file = new FileStream(context.LockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.ReadWrite);
        try
        {
            var deadline = DateTime.UtcNow + context.LockTimeout;
            while (!TryLock(file.SafeFileHandle))
            {
                if (DateTime.UtcNow >= deadline)
                {
                    throw new TimeoutException(
                        $"another gatectl apply holds {context.LockPath} (waited {context.LockTimeout.TotalSeconds:0} s): wait for it to finish");
                }

                await Task.Delay(RetryInterval, cancellationToken).ConfigureAwait(false);
            }

            return new ApplyLock(file);
        }
        catch
        {
            await file.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Releases the lock (closing the file drops the flock).</summary>
    public void Dispose() => _file.Dispose();

    private static bool TryLock(SafeFileHandle handle)
    {
        var added = false;
        handle.DangerousAddRef(ref added);
        try
        {
            if (flock((int)handle.DangerousGetHandle(), LockExclusive | LockNonBlocking) == 0)
            {
                return true;
            }

            var errno = Marshal.GetLastPInvokeError();
            return errno == WouldBlock ? false : throw new IOException($"flock failed with errno {errno}");
        }
        finally
        {
            if (added)
            {
                handle.DangerousRelease();
            }
        }
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int flock(int fd, int operation);
}
