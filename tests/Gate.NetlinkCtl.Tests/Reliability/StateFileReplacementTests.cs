using System.Diagnostics;
using Gate.NetlinkCtl.Daemon;
using Gate.NetlinkCtl.State;
using Gate.NetlinkCtl.TestSupport;

namespace Gate.NetlinkCtl.Tests.Reliability;

/// <summary>
/// The state file is replaced (a temporary file renamed over it, as Ansible and editors do) while gatectl reads it:
/// every read sees the old file or the new one whole, never half of each; and a file anyone may write is refused.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class StateFileReplacementTests : IDisposable
{
    private static readonly TimeSpan Duration = TimeSpan.FromSeconds(2);

    private readonly string _directory = Directory.CreateTempSubdirectory("gct-replace-").FullName;

    private string StatePath => Path.Combine(_directory, "state.yaml");

    [Fact]
    public async Task A_file_renamed_over_the_state_file_while_it_is_read_is_seen_old_or_new_never_half()
    {
        var small = State("small", endpoints: 2);
        var large = State("large", endpoints: 250);
        var expected = new[] { StateFile.Parse(small, StatePath).State!, StateFile.Parse(large, StatePath).State! };
        await File.WriteAllTextAsync(StatePath, small, TestContext.Current.CancellationToken);
        using var stop = new CancellationTokenSource(Duration);
        var writer = Task.Run(() => ReplaceUntil(small, large, stop.Token), TestContext.Current.CancellationToken);
        var daemonView = new StateInForce(StatePath);
        var seen = new int[2];
        var reads = 0;

        while (!writer.IsCompleted)
        {
            var read = StateFile.Read(StatePath);
            Assert.True(read.IsValid, $"read {reads} saw a broken file: {string.Join("; ", read.Errors)}");
            var index = Array.IndexOf(expected, read.State);
            Assert.True(index >= 0, $"read {reads} saw a state that is neither file");
            seen[index]++;
            Assert.NotEqual(StateFileRead.Refused, daemonView.Refresh());
            Assert.Contains(daemonView.Current, expected);
            reads++;
        }

        var replacements = await writer;
        Assert.True(replacements >= 100 && reads >= 100, $"{replacements} replacements, {reads} reads");
        Assert.True(seen[0] > 0 && seen[1] > 0, $"saw the small file {seen[0]} times and the large one {seen[1]} times");
    }

    [Fact]
    public void A_world_writable_state_file_is_refused_by_the_daemon_and_the_last_good_state_stays()
    {
        File.WriteAllText(StatePath, State("lab", endpoints: 2));
        var state = new StateInForce(StatePath);
        Assert.Equal(StateFileRead.Loaded, state.Refresh());
        var good = state.Current;

        File.SetUnixFileMode(StatePath, File.GetUnixFileMode(StatePath) | UnixFileMode.OtherWrite);
        var refused = state.Refresh();
        File.SetUnixFileMode(StatePath, File.GetUnixFileMode(StatePath) & ~UnixFileMode.OtherWrite);
        var fixedAgain = state.Refresh();

        Assert.Equal(StateFileRead.Refused, refused);
        Assert.Equal(StateFileRead.Loaded, fixedAgain);
        Assert.Equal(good, state.Current);
    }

    [Fact]
    public void A_world_writable_state_file_is_refused_by_the_loader_with_what_to_do()
    {
        File.WriteAllText(StatePath, State("lab", endpoints: 2));
        File.SetUnixFileMode(StatePath, (UnixFileMode)Convert.ToInt32("666", 8));

        var result = StateFile.Read(StatePath);

        var error = Assert.Single(result.Errors);
        Assert.Null(result.State);
        Assert.Equal(
            $"{StatePath}: the state file is writable by every user (mode 0666), so anyone on this host could rewrite the network gatectl builds; refused: make it writable by its owner only (chmod o-w {StatePath})",
            error.ToString());
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private int ReplaceUntil(string first, string second, CancellationToken stop)
    {
        var count = 0;
        var clock = Stopwatch.StartNew();
        while (!stop.IsCancellationRequested && clock.Elapsed < Duration)
        {
            var temp = Path.Combine(_directory, $".state.yaml.{count}");
            File.WriteAllText(temp, count % 2 == 0 ? second : first);
            File.Move(temp, StatePath, overwrite: true);
            count++;
        }

        return count;
    }

    private static string State(string name, int endpoints) =>
        StateYaml.Of(new GateYaml { Name = name, Endpoints = [.. Enumerable.Range(1, endpoints).Select(i => $"198.51.100.{i}")] }).ToString();
}
