namespace Gate.NetlinkCtl.TestSupport;

/// <summary>
/// Bounded waiting for a condition that another process makes true (NetworkManager, the kernel, the daemon): the one
/// polling loop the tests and fixtures share.
/// </summary>
public static class Poll
{
    private static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(15);
    private static readonly TimeSpan DefaultInterval = TimeSpan.FromMilliseconds(50);

    /// <summary>
    /// Checks <paramref name="condition"/> every <paramref name="interval"/> (default 50 ms) until it holds (true),
    /// <paramref name="timeout"/> (default 15 s) passes or <paramref name="giveUp"/> says waiting is pointless (false:
    /// the process that would make it true has exited, say).
    /// </summary>
    public static async Task<bool> UntilAsync(
        Func<Task<bool>> condition, TimeSpan? timeout = null, TimeSpan? interval = null, Func<bool>? giveUp = null)
    {
        ArgumentNullException.ThrowIfNull(condition);
        var deadline = DateTime.UtcNow + (timeout ?? DefaultTimeout);
        while (true)
        {
            if (await condition())
            {
                return true;
            }

            if (DateTime.UtcNow > deadline || giveUp?.Invoke() == true)
            {
                return false;
            }

            await Task.Delay(interval ?? DefaultInterval, CancellationToken.None);
        }
    }

    /// <summary>Reads until <paramref name="accept"/> takes what <paramref name="read"/> gives; null when the time is up.</summary>
    public static async Task<T?> ForAsync<T>(Func<T?> read, Func<T, bool> accept, TimeSpan? timeout = null, TimeSpan? interval = null)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(read);
        ArgumentNullException.ThrowIfNull(accept);
        T? accepted = null;
        await UntilAsync(
            () =>
            {
                accepted = read() is { } value && accept(value) ? value : null;
                return Task.FromResult(accepted is not null);
            },
            timeout,
            interval);
        return accepted;
    }
}
