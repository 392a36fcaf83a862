using Gate.NetlinkCtl.TestSupport;

namespace Gate.NetlinkCtl.Cli.Tests.Reliability;

/// <summary>
/// Every hostile state file of the corpus, given to every command that reads one, on a host that already carries a
/// gate and foreign objects: each command exits 3 naming the file and a line, and the kernel is exactly as before.
/// </summary>
public sealed class HostileStateInNamespaceTests
{
    private static readonly string[] Verbs = ["apply", "plan", "diff", "delete"];

    [Fact]
    public async Task Every_hostile_file_is_refused_by_every_command_and_the_kernel_is_left_exactly_as_it_was()
    {
        await using var host = await PeerHost.CreateAsync("hs");
        var good = host.WriteState("good.yaml", PeerHost.FloodState(2));
        Assert.Equal(ExitCodes.Ok, PeerHost.Run("apply", good, "--netns", host.Namespace.Name).Exit);
        var files = Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "hostile"), "*.yaml").Order(StringComparer.Ordinal).ToList();
        var before = await KernelSnapshot.TakeAsync(host.Namespace);

        var outcomes = (
            from file in files
            from verb in Verbs
            let run = PeerHost.Run(verb, file, "--netns", host.Namespace.Name)
            select (File: file, Verb: verb, run.Exit, FirstLine: run.Stderr.Split('\n')[0], run.Stderr)).ToList();

        Assert.True(files.Count >= 60, $"only {files.Count} hostile files were copied next to the tests");
        Assert.All(outcomes, o =>
        {
            Assert.True(o.Exit == ExitCodes.InvalidState, $"{o.Verb} {Path.GetFileName(o.File)} exited {o.Exit}: {o.Stderr}");
            Assert.Matches($@"^{System.Text.RegularExpressions.Regex.Escape(o.File)}:\d+:\d+: ", o.FirstLine);
            Assert.Contains("nothing was changed", o.Stderr, StringComparison.Ordinal);
        });
        Assert.Equal(before, await KernelSnapshot.TakeAsync(host.Namespace));
        await host.Foreign.AssertIntactAsync("after every hostile file");
    }
}
