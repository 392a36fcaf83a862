using System.Runtime.Versioning;
using Gate.NetlinkCtl.Daemon;
using Gate.NetlinkCtl.Daemon.Metrics;

namespace Gate.NetlinkCtl.Tests.Daemon;

[SupportedOSPlatform("linux")]
public sealed class StatusAndFilesTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("gct-status-").FullName;

    [Fact]
    public void An_atomic_write_replaces_the_file_whole_and_leaves_no_temporary_file()
    {
        var path = Path.Combine(_dir, "gatectl.prom");
        File.WriteAllText(path, "old\n");
        using var reader = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);

        AtomicFile.WriteAllText(path, "new\n");

        // A reader that opened the old file still reads the old content: the new file is a new inode.
        Assert.Equal("old\n", new StreamReader(reader).ReadToEnd());
        Assert.Equal("new\n", File.ReadAllText(path));
        Assert.Equal([path], Directory.GetFiles(_dir));
    }

    [Fact]
    public void Metrics_files_are_readable_by_other_users_whatever_the_umask()
    {
        // node_exporter runs as its own user; the daemon's unit sets UMask=0077.
        var path = Path.Combine(_dir, "gatectl.prom");

        new ReconcileMetrics().WriteTo(path);

        Assert.Equal(AtomicFile.WorldReadable, File.GetUnixFileMode(path));
    }

    [Fact]
    public void A_status_written_is_read_back_equal()
    {
        var path = Path.Combine(_dir, "sub", "status.json");
        var status = SampleStatus();

        StatusFile.Write(path, status);
        var read = StatusFile.Read(path);

        Assert.NotNull(read);
        Assert.Equal(StatusFile.Serialize(status), StatusFile.Serialize(read));
        Assert.Equal("repaired", read.LastReconcile!.Result);
        Assert.Equal("add-fdb", Assert.Single(read.LastReconcile.Repairs).Kind);
    }

    [Fact]
    public void The_status_json_uses_camel_case_names_scripts_can_rely_on()
    {
        var json = StatusFile.Serialize(SampleStatus());

        Assert.Contains("\"lastReconcile\": {", json, StringComparison.Ordinal);
        Assert.Contains("\"consecutiveFailures\": 0", json, StringComparison.Ordinal);
        Assert.Contains("\"result\": \"repaired\"", json, StringComparison.Ordinal);
        Assert.Contains("\"inSync\": true", json, StringComparison.Ordinal);
    }

    [Fact]
    public void Reading_a_missing_status_file_gives_null()
    {
        Assert.Null(StatusFile.Read(Path.Combine(_dir, "none.json")));
    }

    [Theory]
    [InlineData(null, "/run/gatectl/status.json")]
    [InlineData("gctdemo", "/run/gatectl/status-gctdemo.json")]
    public void Each_namespace_has_its_own_status_file(string? netns, string expected)
    {
        Assert.Equal(expected, StatusFile.DefaultPath(netns));
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    internal static DaemonStatus SampleStatus()
    {
        var at = new DateTimeOffset(2026, 11, 25, 5, 0, 0, TimeSpan.Zero);
        return new DaemonStatus(
            4242,
            "/etc/gatectl/state.yaml",
            null,
            at,
            at.AddSeconds(61),
            new StateFileStatus("ab12", at, ["soracom"], []),
            new ReconcileRecord(at.AddSeconds(60), 0.012, ["kernel-event"], ReconcileResults.Repaired,
                [new DriftRepair("soracom", "add-fdb", "00:00:00:00:00:00 dst 192.0.2.10")],
                [new GateSync("soracom", "vxgate0", true)], null),
            null,
            at.AddSeconds(60),
            0,
            null,
            new ReconcileTotals(3, 0, 1));
    }
}
