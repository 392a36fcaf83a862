using System.Collections.Concurrent;
using CliWrap;
using CliWrap.Buffered;
using Gate.NetlinkCtl.Cli.Commands;
using Gate.NetlinkCtl.TestSupport;

namespace Gate.NetlinkCtl.Cli.Tests.Packaging;

/// <summary>
/// gatectl's Debian packages, built by <c>packaging/deb/build.sh</c> (what <c>./dev.sh package</c> runs) from the native
/// binary <c>out/gatectl</c> into one temporary directory per test run; each version is built once and shared.
/// </summary>
internal static class DebianPackages
{
    private static readonly ConcurrentDictionary<string, Lazy<Task<string>>> Built = new();
    private static readonly Lazy<string> Output = new(CreateOutput);

    /// <summary>The native binary the package ships.</summary>
    public static string Binary => SourceTree.PathOf("out", "gatectl");

    /// <summary>The version <c>./dev.sh package</c> gives the package: the CLI project's, as the binary reports it.</summary>
    public static string ProjectVersion => VersionCommand.Current;

    /// <summary>Checks (skip outside CI, fail in CI) for the binary and dpkg's build tools.</summary>
    public static void RequireTools()
    {
        Prerequisites.Require(File.Exists(Binary), $"needs the native binary {Binary} (./dev.sh publish builds it)");
        Prerequisites.RequireCommand("dpkg-deb", "dpkg");
        Prerequisites.RequireCommand("dpkg-shlibdeps", "dpkg-dev");
        Prerequisites.RequireCommand("dpkg-gencontrol", "dpkg-dev");
    }

    /// <summary>The package at <paramref name="version"/> (default: the project's), built on first use.</summary>
    public static Task<string> BuildAsync(string? version = null)
    {
        RequireTools();
        return Built.GetOrAdd(version ?? ProjectVersion, v => new Lazy<Task<string>>(() => RunBuildAsync(v))).Value;
    }

    /// <summary>Runs a program (dpkg-deb, lintian ...) and returns its result, whatever the exit code.</summary>
    public static async Task<BufferedCommandResult> RunAsync(string program, params string[] args)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        return await CliWrap.Cli.Wrap(program).WithArguments(args).WithValidation(CommandResultValidation.None).ExecuteBufferedAsync(timeout.Token);
    }

    /// <summary>Unpacks <paramref name="deb"/> (<c>dpkg-deb -x</c>, modes kept) into a new directory under the run's output.</summary>
    public static async Task<string> ExtractAsync(string deb)
    {
        var into = Directory.CreateDirectory(Path.Combine(Output.Value, "x-" + Guid.NewGuid().ToString("N")[..8])).FullName;
        var result = await RunAsync("dpkg-deb", "-x", deb, into);
        Assert.True(result.ExitCode == 0, $"dpkg-deb -x {deb} exited {result.ExitCode}: {result.StandardError}");
        return into;
    }

    private static async Task<string> RunBuildAsync(string version)
    {
        var result = await RunAsync(SourceTree.PathOf("packaging", "deb", "build.sh"), Binary, version, Output.Value);
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException($"packaging/deb/build.sh exited {result.ExitCode}: {result.StandardError}");
        }

        var deb = Path.Combine(Output.Value, $"gatectl_{version}_amd64.deb");
        Assert.Equal(deb, result.StandardOutput.Trim());
        return deb;
    }

    private static string CreateOutput()
    {
        var directory = Directory.CreateTempSubdirectory("gct-deb-").FullName;
        AppDomain.CurrentDomain.ProcessExit += (_, _) => Directory.Delete(directory, recursive: true);
        return directory;
    }
}
