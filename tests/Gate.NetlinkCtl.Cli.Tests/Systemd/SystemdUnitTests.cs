using System.Globalization;
using System.Text.RegularExpressions;
using CliWrap;
using CliWrap.Buffered;
using Gate.NetlinkCtl.TestSupport;

namespace Gate.NetlinkCtl.Cli.Tests.Systemd;

/// <summary>
/// The units in systemd/ are checked by systemd's own tools: PID 1 here is not systemd, so
/// <c>systemd-analyze verify</c> runs against a scratch root holding the units, and
/// <c>systemd-analyze security --offline=true</c> scores each service's hardening.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed partial class SystemdUnitTests : IDisposable
{
    private static readonly string[] Units = ["gatectl.service", "gatectl-reconcile.service", "gatectl-reconcile.timer"];
    private static readonly string[] Services = ["gatectl.service", "gatectl-reconcile.service"];

    private readonly string _root = Directory.CreateTempSubdirectory("gct-units-").FullName;

    [Fact]
    public async Task Every_unit_passes_systemd_analyze_verify_without_a_warning()
    {
        Prerequisites.RequireCommand("systemd-analyze", "systemd");
        BuildScratchRoot();

        var result = await CliWrap.Cli.Wrap("systemd-analyze")
            .WithArguments(["verify", $"--root={_root}", .. Units])
            .WithValidation(CommandResultValidation.None)
            .ExecuteBufferedAsync(TestContext.Current.CancellationToken);

        Assert.True(result.ExitCode == 0, $"systemd-analyze verify exited {result.ExitCode}: {result.StandardError}");
        // verify exits 0 on unknown keys and bad values too: any diagnostic at all is a defect.
        Assert.Equal("", result.StandardError.Trim());
    }

    [Fact]
    public async Task A_misspelt_directive_is_reported_by_the_verify_check()
    {
        // Proves the check above can fail: the same scratch root with one key misspelt is not clean.
        Prerequisites.RequireCommand("systemd-analyze", "systemd");
        BuildScratchRoot();
        var unit = Path.Combine(_root, "etc/systemd/system/gatectl.service");
        await File.WriteAllTextAsync(unit, (await File.ReadAllTextAsync(unit, TestContext.Current.CancellationToken))
            .Replace("Restart=on-failure", "Restrat=on-failure", StringComparison.Ordinal), TestContext.Current.CancellationToken);

        var result = await CliWrap.Cli.Wrap("systemd-analyze")
            .WithArguments(["verify", $"--root={_root}", "gatectl.service"])
            .WithValidation(CommandResultValidation.None)
            .ExecuteBufferedAsync(TestContext.Current.CancellationToken);

        Assert.Contains("Restrat", result.StandardError, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("gatectl.service")]
    [InlineData("gatectl-reconcile.service")]
    public async Task Each_service_scores_an_exposure_of_two_or_lower(string service)
    {
        Prerequisites.RequireCommand("systemd-analyze", "systemd");

        var exposure = await ExposureOfAsync(SourceTree.PathOf("systemd", service));

        Assert.True(exposure <= 2.0, $"{service}: exposure {exposure} is above 2.0");
        TestContext.Current.SendDiagnosticMessage($"{service}: exposure {exposure.ToString(CultureInfo.InvariantCulture)}");
    }

    [Fact]
    public async Task The_security_score_rises_when_hardening_is_removed()
    {
        // Proves the exposure parse reads the real figure: an unhardened copy must score far worse.
        Prerequisites.RequireCommand("systemd-analyze", "systemd");
        var bare = Path.Combine(_root, "gatectl.service");
        var kept = File.ReadLines(SourceTree.PathOf("systemd", "gatectl.service"))
            .TakeWhile(line => !line.StartsWith("# --- Identity", StringComparison.Ordinal));
        await File.WriteAllLinesAsync(bare, kept, TestContext.Current.CancellationToken);

        var hardened = await ExposureOfAsync(SourceTree.PathOf("systemd", "gatectl.service"));
        var unhardened = await ExposureOfAsync(bare);

        Assert.True(unhardened > 5.0 && unhardened > hardened, $"unhardened {unhardened}, hardened {hardened}");
    }

    [Fact]
    public void Both_services_keep_only_CAP_NET_ADMIN_and_no_internet_sockets()
    {
        foreach (var service in Services)
        {
            var lines = File.ReadAllLines(SourceTree.PathOf("systemd", service));
            Assert.Contains("CapabilityBoundingSet=CAP_NET_ADMIN", lines);
            Assert.Contains("AmbientCapabilities=CAP_NET_ADMIN", lines);
            Assert.Contains("RestrictAddressFamilies=AF_NETLINK AF_UNIX", lines);
            Assert.Contains("RuntimeDirectory=gatectl", lines);
        }
    }

    [Fact]
    public async Task The_daemon_with_the_health_drop_in_and_an_allow_line_passes_verify_and_the_drop_in_adds_IPv4_alone()
    {
        Prerequisites.RequireCommand("systemd-analyze", "systemd");
        BuildScratchRoot();
        var dropIn = SourceTree.PathOf("systemd", "gatectl.service.d", "health.conf");
        var dropIns = Directory.CreateDirectory(Path.Combine(_root, "etc/systemd/system/gatectl.service.d")).FullName;
        // As the Ansible role renders it: the repository's lines, then one line per device subnet.
        await File.WriteAllTextAsync(Path.Combine(dropIns, "health.conf"),
            await File.ReadAllTextAsync(dropIn, TestContext.Current.CancellationToken) + "IPAddressAllow=198.18.0.0/15\n", TestContext.Current.CancellationToken);

        var result = await CliWrap.Cli.Wrap("systemd-analyze")
            .WithArguments(["verify", $"--root={_root}", "gatectl.service"])
            .WithValidation(CommandResultValidation.None)
            .ExecuteBufferedAsync(TestContext.Current.CancellationToken);

        Assert.True(result.ExitCode == 0 && result.StandardError.Trim().Length == 0, $"systemd-analyze verify exited {result.ExitCode}: {result.StandardError}");
        // Least privilege: no capability, no IPv6, no address allowed by the shipped lines themselves.
        var directives = File.ReadAllLines(dropIn).Where(l => l.Length > 0 && !l.StartsWith('#')).ToArray();
        Assert.Equal(["[Service]", "RestrictAddressFamilies=AF_NETLINK AF_UNIX AF_INET"], directives);
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private static async Task<double> ExposureOfAsync(string unitFile)
    {
        var result = await CliWrap.Cli.Wrap("systemd-analyze")
            .WithArguments(["security", "--offline=true", "--no-pager", unitFile])
            .WithValidation(CommandResultValidation.None)
            .ExecuteBufferedAsync(TestContext.Current.CancellationToken);
        var match = ExposureLine().Match(result.StandardOutput);
        Assert.True(match.Success, $"no exposure figure in systemd-analyze's output (exit {result.ExitCode}):\n{result.StandardOutput}\n{result.StandardError}");
        return double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// A root with the host's own system units (targets the units refer to), the units under test in
    /// /etc/systemd/system, and the two programs they start: verify checks that ExecStart/ExecReload exist.
    /// </summary>
    private void BuildScratchRoot()
    {
        CopyDirectory("/usr/lib/systemd/system", Path.Combine(_root, "usr/lib/systemd/system"));
        var unitDir = Directory.CreateDirectory(Path.Combine(_root, "etc/systemd/system")).FullName;
        foreach (var unit in Units)
        {
            File.Copy(SourceTree.PathOf("systemd", unit), Path.Combine(unitDir, unit));
        }

        // Placeholder for the installed binary: verify only checks that it exists and is executable.
        var gatectl = Path.Combine(Directory.CreateDirectory(Path.Combine(_root, "usr/local/bin")).FullName, "gatectl");
        File.WriteAllText(gatectl, "#!/bin/sh\n");
        File.SetUnixFileMode(gatectl, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        Directory.CreateDirectory(Path.Combine(_root, "bin"));
        File.Copy("/bin/kill", Path.Combine(_root, "bin/kill"));
        File.SetUnixFileMode(Path.Combine(_root, "bin/kill"), UnixFileMode.UserRead | UnixFileMode.UserExecute);
    }

    private static void CopyDirectory(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var entry in new DirectoryInfo(from).EnumerateFileSystemInfos())
        {
            var target = Path.Combine(to, entry.Name);
            if (entry.LinkTarget is { } link)
            {
                File.CreateSymbolicLink(target, link);
            }
            else if (entry is DirectoryInfo)
            {
                CopyDirectory(entry.FullName, target);
            }
            else
            {
                File.Copy(entry.FullName, target);
            }
        }
    }

    [GeneratedRegex(@"Overall exposure level for \S+: (\d+(?:\.\d+)?)")]
    private static partial Regex ExposureLine();
}
