using System.Security.Cryptography;
using Gate.NetlinkCtl.TestSupport;

namespace Gate.NetlinkCtl.Cli.Tests.Packaging;

/// <summary>
/// The Debian package <c>./dev.sh package</c> builds, read with dpkg's and Debian's own tools: <c>dpkg-deb -c/-f/-I/-x</c>,
/// <c>lintian</c>, <c>man</c>. Installing it under a real systemd is <see cref="PackageInMachineTests"/>.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class DebianPackageTests
{
    private static readonly string[] Units = ["gatectl.service", "gatectl-reconcile.service", "gatectl-reconcile.timer"];

    [Fact]
    public async Task The_package_is_named_after_the_project_version_and_its_control_says_what_it_needs()
    {
        var deb = await DebianPackages.BuildAsync();

        var fields = await DebianPackages.RunAsync("dpkg-deb", "-f", deb, "Package", "Version", "Architecture", "Depends", "Section");
        var conffiles = await DebianPackages.RunAsync("dpkg-deb", "-I", deb, "conffiles");

        Assert.Equal($"gatectl_{DebianPackages.ProjectVersion}_amd64.deb", Path.GetFileName(deb));
        Assert.Equal(0, fields.ExitCode);
        Assert.Contains("Package: gatectl\n", fields.StandardOutput, StringComparison.Ordinal);
        Assert.Contains($"Version: {DebianPackages.ProjectVersion}\n", fields.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("Architecture: amd64\n", fields.StandardOutput, StringComparison.Ordinal);
        // dpkg-shlibdeps read the native binary: the C library and nothing of .NET.
        Assert.Matches(@"Depends: libc6 \(>= 2\.\d+\)\n", fields.StandardOutput);
        Assert.Equal("/etc/gatectl/state.yaml", conffiles.StandardOutput.Trim());
    }

    [Fact]
    public async Task It_holds_the_binary_units_state_man_page_completion_and_examples_with_root_owned_modes()
    {
        var deb = await DebianPackages.BuildAsync();

        var listing = await DebianPackages.RunAsync("dpkg-deb", "-c", deb);

        Assert.Equal(0, listing.ExitCode);
        var entries = listing.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .ToDictionary(f => f[^1].TrimStart('.'), f => (Mode: f[0], Owner: f[1]));
        Assert.Equal(("-rwxr-xr-x", "root/root"), entries["/usr/bin/gatectl"]);
        Assert.Equal(("-rw-------", "root/root"), entries["/etc/gatectl/state.yaml"]);
        foreach (var unit in Units)
        {
            Assert.Equal(("-rw-r--r--", "root/root"), entries[$"/lib/systemd/system/{unit}"]);
        }

        Assert.Contains("/usr/share/man/man8/gatectl.8.gz", entries.Keys);
        Assert.Contains("/usr/share/bash-completion/completions/gatectl", entries.Keys);
        Assert.Contains("/usr/share/doc/gatectl/copyright", entries.Keys);
        Assert.Contains("/usr/share/doc/gatectl/examples/soracom-gate.yaml", entries.Keys);
        // The drop-ins (SORACOM API, health probes) widen the sandbox (internet sockets): shipped as examples, never active by default.
        Assert.Contains("/usr/share/doc/gatectl/examples/systemd/gatectl.service.d/soracom-api.conf", entries.Keys);
        Assert.Contains("/usr/share/doc/gatectl/examples/systemd/gatectl-reconcile.service.d/soracom-api.conf", entries.Keys);
        Assert.Contains("/usr/share/doc/gatectl/examples/systemd/gatectl.service.d/health.conf", entries.Keys);
        Assert.DoesNotContain(entries.Keys, path => path.Contains(".service.d/", StringComparison.Ordinal) && !path.StartsWith("/usr/share/doc/", StringComparison.Ordinal));
        Assert.DoesNotContain(entries.Keys, path => path.StartsWith("/usr/local/", StringComparison.Ordinal));
        Assert.All(entries.Values, e => Assert.Equal("root/root", e.Owner));
    }

    [Fact]
    public async Task The_packaged_units_are_the_repository_units_with_the_binary_at_usr_bin()
    {
        var root = await DebianPackages.ExtractAsync(await DebianPackages.BuildAsync());

        foreach (var unit in Units)
        {
            var source = await File.ReadAllLinesAsync(SourceTree.PathOf("systemd", unit), TestContext.Current.CancellationToken);
            var packaged = await File.ReadAllLinesAsync(Path.Combine(root, "lib/systemd/system", unit), TestContext.Current.CancellationToken);

            // Only three differences: a first comment line, a Documentation= key, and the binary's path.
            Assert.StartsWith("# Shipped by the gatectl package", packaged[0], StringComparison.Ordinal);
            Assert.Equal(
                source.Select(line => line.Replace("/usr/local/bin/gatectl", "/usr/bin/gatectl", StringComparison.Ordinal)),
                packaged.Skip(1).Where(line => line != "Documentation=man:gatectl(8)"));
            Assert.Contains("Documentation=man:gatectl(8)", packaged);
        }

        var daemon = await File.ReadAllLinesAsync(Path.Combine(root, "lib/systemd/system/gatectl.service"), TestContext.Current.CancellationToken);
        Assert.Contains("ExecStart=/usr/bin/gatectl run /etc/gatectl/state.yaml", daemon);
        Assert.Contains("RestrictAddressFamilies=AF_NETLINK AF_UNIX", daemon);
    }

    [Fact]
    public async Task The_packaged_binary_is_out_gatectl_and_the_shipped_state_validates_with_no_gate()
    {
        var root = await DebianPackages.ExtractAsync(await DebianPackages.BuildAsync());
        var binary = Path.Combine(root, "usr/bin/gatectl");

        var validate = await DebianPackages.RunAsync(binary, "validate", Path.Combine(root, "etc/gatectl/state.yaml"));

        Assert.Equal(
            Convert.ToHexString(await SHA256.HashDataAsync(File.OpenRead(DebianPackages.Binary), TestContext.Current.CancellationToken)),
            Convert.ToHexString(await SHA256.HashDataAsync(File.OpenRead(binary), TestContext.Current.CancellationToken)));
        Assert.True(validate.ExitCode == 0, validate.StandardError);
        // A unit enabled before the file is edited changes nothing on the host.
        Assert.EndsWith("state.yaml: ok (0 gates)", validate.StandardOutput.Trim(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Lintian_reports_no_error_and_no_warning()
    {
        Prerequisites.RequireCommand("lintian", "lintian");
        var deb = await DebianPackages.BuildAsync();

        var lintian = await DebianPackages.RunAsync("lintian", "--fail-on", "error,warning", deb);

        var tags = lintian.StandardOutput.Split('\n').Where(l => l.StartsWith("E: ", StringComparison.Ordinal) || l.StartsWith("W: ", StringComparison.Ordinal));
        Assert.Empty(tags);
        // The informational tags that remain (lintian -I) are explained in docs/packaging.md.
        Assert.True(lintian.ExitCode == 0, $"lintian exited {lintian.ExitCode}: {lintian.StandardOutput}{lintian.StandardError}");
    }

    [Fact]
    public async Task The_man_page_formats_without_a_warning_and_shows_every_verb()
    {
        Prerequisites.RequireCommand("man", "man-db");
        var root = await DebianPackages.ExtractAsync(await DebianPackages.BuildAsync());

        var man = await DebianPackages.RunAsync("man", "--warnings", "-E", "UTF-8", "-l", "-Tutf8", "-Z", Path.Combine(root, "usr/share/man/man8/gatectl.8.gz"));
        var text = await DebianPackages.RunAsync("man", "-l", "-P", "cat", Path.Combine(root, "usr/share/man/man8/gatectl.8.gz"));

        Assert.Equal(0, man.ExitCode);
        Assert.Equal("", man.StandardError.Trim());
        Assert.Equal(0, text.ExitCode);
        foreach (var verb in new[] { "gatectl run", "gatectl apply", "gatectl soracom register", "gatectl demo down", "EXIT STATUS" })
        {
            Assert.Contains(verb, text.StandardOutput, StringComparison.Ordinal);
        }
    }
}
