using CliWrap;
using CliWrap.Buffered;
using Gate.NetlinkCtl.Rendering;
using Gate.NetlinkCtl.TestSupport;

namespace Gate.NetlinkCtl.Tests.Rendering;

/// <summary>
/// NetworkManager's own keyfile reader and profile verification, through <c>nmcli --offline connection modify</c>
/// (reads a keyfile on stdin, verifies it, writes it back normalized; needs no running NetworkManager).
/// </summary>
public sealed class NmKeyfileConsumerTests
{
    [Fact]
    public async Task NetworkManager_reads_and_verifies_every_rendered_keyfile_and_keeps_every_setting()
    {
        Prerequisites.RequireCommand("nmcli", "network-manager");
        var files = StateRenderer.Default.Render(SampleStates.ThreeGates(), RenderFormat.NmKeyfile, "state.yaml");
        Assert.Equal(2, files.Count);

        foreach (var file in files)
        {
            var result = await Cli.Wrap("nmcli")
                .WithArguments(["--offline", "connection", "modify"])
                .WithStandardInputPipe(PipeSource.FromString(file.Content))
                .WithValidation(CommandResultValidation.None)
                .ExecuteBufferedAsync(TestContext.Current.CancellationToken);

            Assert.True(result.ExitCode == 0, $"{file.RelativePath}: NetworkManager refused it: {result.StandardError}");
            var normalized = IniEntry.Parse(result.StandardOutput);
            foreach (var entry in IniEntry.Parse(file.Content))
            {
                // A key NetworkManager does not know, or a value it cannot take, is dropped or rewritten here.
                Assert.Contains(entry, normalized);
            }
        }
    }
}
