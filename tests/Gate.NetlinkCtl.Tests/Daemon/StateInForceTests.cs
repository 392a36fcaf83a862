using Gate.NetlinkCtl.Daemon;

namespace Gate.NetlinkCtl.Tests.Daemon;

public sealed class StateInForceTests : IDisposable
{
    private static readonly string Valid = DaemonStateFiles.Lab;

    private readonly string _dir = Directory.CreateTempSubdirectory("gct-state-").FullName;

    private string PathOf => Path.Combine(_dir, "state.yaml");

    [Fact]
    public void A_valid_file_is_loaded_once_and_the_same_bytes_are_not_read_as_new()
    {
        File.WriteAllText(PathOf, Valid);
        var state = new StateInForce(PathOf);

        Assert.Equal(StateFileRead.Loaded, state.Refresh());
        File.WriteAllText(PathOf, Valid); // a rewrite with the same content, as a `touch` or a no-op deploy
        Assert.Equal(StateFileRead.Unchanged, state.Refresh());
        Assert.Equal("vxlab0", Assert.Single(state.Current!.Gates).Interface);
    }

    [Fact]
    public void An_invalid_edit_is_refused_with_located_errors_and_the_last_good_state_stays()
    {
        File.WriteAllText(PathOf, Valid);
        var state = new StateInForce(PathOf);
        state.Refresh();
        var good = state.Current;
        var goodHash = state.CurrentHash;

        File.WriteAllText(PathOf, Valid.Replace("vxlab0", "a-name-far-too-long-for-linux", StringComparison.Ordinal));

        Assert.Equal(StateFileRead.Refused, state.Refresh());
        Assert.Same(good, state.Current);
        Assert.Equal(goodHash, state.CurrentHash);
        Assert.StartsWith($"{PathOf}:5:", Assert.Single(state.RejectedErrors), StringComparison.Ordinal);
        Assert.Equal(StateFileRead.Unchanged, state.Refresh()); // refused once, not reported again and again
    }

    [Fact]
    public void Restoring_the_good_content_clears_the_refusal()
    {
        File.WriteAllText(PathOf, Valid);
        var state = new StateInForce(PathOf);
        state.Refresh();
        File.WriteAllText(PathOf, "apiVersion: gatectl/v1\nkind: [");
        state.Refresh();

        File.WriteAllText(PathOf, Valid);

        Assert.Equal(StateFileRead.Loaded, state.Refresh());
        Assert.Empty(state.RejectedErrors);
    }

    [Fact]
    public void A_file_that_vanishes_is_refused_without_losing_the_state()
    {
        File.WriteAllText(PathOf, Valid);
        var state = new StateInForce(PathOf);
        state.Refresh();

        File.Delete(PathOf);

        Assert.Equal(StateFileRead.Refused, state.Refresh());
        Assert.NotNull(state.Current);
        Assert.Contains("cannot read the state file", Assert.Single(state.RejectedErrors), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_watcher_sees_a_file_renamed_over_the_state_file()
    {
        File.WriteAllText(PathOf, Valid);
        using var changed = new SemaphoreSlim(0);
        using var watcher = new StateFileWatcher(PathOf, () => changed.Release());

        var temp = Path.Combine(_dir, ".state.yaml.new");
        await File.WriteAllTextAsync(temp, Valid + "\n# edited\n", TestContext.Current.CancellationToken);
        File.Move(temp, PathOf, overwrite: true);

        Assert.True(await changed.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken), "no notification within 10 s");
    }

    [Fact]
    public async Task The_watcher_sees_a_file_rewritten_in_place()
    {
        File.WriteAllText(PathOf, Valid);
        using var changed = new SemaphoreSlim(0);
        using var watcher = new StateFileWatcher(PathOf, () => changed.Release());

        await File.AppendAllTextAsync(PathOf, "# edited in place\n", TestContext.Current.CancellationToken);

        Assert.True(await changed.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken), "no notification within 10 s");
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
