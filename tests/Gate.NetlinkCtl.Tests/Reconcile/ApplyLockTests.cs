using Gate.NetlinkCtl.Reconcile;
using Gate.NetlinkCtl.Reconcile.Apply;

namespace Gate.NetlinkCtl.Tests.Reconcile;

/// <summary>The flock that keeps two applies in one namespace from interleaving.</summary>
public sealed class ApplyLockTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("gatectl-lock").FullName;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_second_apply_in_the_same_namespace_waits_for_the_first()
    {
        var context = new ReconcileContext("gctlock") { LockDirectory = _directory, LockTimeout = TimeSpan.FromMilliseconds(100) };
        using var first = await ApplyLock.AcquireAsync(context, Ct);

        var error = await Assert.ThrowsAsync<TimeoutException>(() => ApplyLock.AcquireAsync(context, Ct));

        Assert.Equal(
            $"another gatectl apply holds {_directory}/netns-gctlock.lock (waited 0 s): wait for it to finish",
            error.Message);
    }

    [Fact]
    public async Task The_lock_is_free_again_once_released_and_other_namespaces_never_wait()
    {
        var context = new ReconcileContext("gctlock") { LockDirectory = _directory, LockTimeout = TimeSpan.FromMilliseconds(100) };
        using (await ApplyLock.AcquireAsync(context, Ct))
        {
            using var other = await ApplyLock.AcquireAsync(context with { Netns = "gctother" }, Ct);
            Assert.EndsWith("netns-gctother.lock", other.Path, StringComparison.Ordinal);
        }

        using var again = await ApplyLock.AcquireAsync(context, Ct);
        Assert.EndsWith("netns-gctlock.lock", again.Path, StringComparison.Ordinal);
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
