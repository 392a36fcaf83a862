namespace Gate.NetlinkCtl.TestSupport;

/// <summary>Bounded waiting for a condition that another process makes true (NetworkManager, the kernel).</summary>
public static class Poll
{
    /// <summary>Checks <paramref name="condition"/> every 50 ms until it holds or <paramref name="timeout"/> (default 15 s) passes.</summary>
    public static async Task<bool> UntilAsync(Func<Task<bool>> condition, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(15));
        while (true)
        {
            if (await condition())
            {
                return true;
            }

            if (DateTime.UtcNow > deadline)
            {
                return false;
            }

            await Task.Delay(50);
        }
    }
}
