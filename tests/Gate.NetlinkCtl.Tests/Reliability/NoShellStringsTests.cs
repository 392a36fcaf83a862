using System.Globalization;
using System.Text.RegularExpressions;
using CliWrap;
using CliWrap.Buffered;
using Gate.NetlinkCtl.TestSupport;

namespace Gate.NetlinkCtl.Tests.Reliability;

/// <summary>
/// No shell anywhere: every child process gatectl starts gets a program and an argument array (CliWrap's
/// <c>WithArguments(string[])</c>), never a command line a shell would parse, so nothing from a state file can become
/// a command. Process.Start, ProcessStartInfo (and so UseShellExecute) and CliWrap's one-string arguments are banned
/// at compile time for everything under <c>src/</c> (src/BannedSymbols.txt, Microsoft.CodeAnalysis.BannedApiAnalyzers);
/// what a compiler cannot see, a shell named as the program, is checked over the source text.
/// </summary>
public sealed partial class NoShellStringsTests
{
    private static readonly (string What, Regex Pattern)[] Forbidden =
    [
        ("a shell as the program", ShellProgram()),
        ("a shell's -c option", ShellDashC()),
        ("system() or popen() through P/Invoke", LibcShell()),
    ];

    [Fact]
    public void No_source_file_names_a_shell_as_the_program_or_imports_system_or_popen()
    {
        var files = Directory.GetFiles(SourceTree.PathOf("src"), "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains("/obj/", StringComparison.Ordinal) && !f.Contains("/bin/", StringComparison.Ordinal))
            .ToList();

        var findings = (
            from file in files
            from line in File.ReadLines(file).Select((text, index) => (Text: text, Number: index + 1))
            from rule in Forbidden
            where rule.Pattern.IsMatch(line.Text)
            select $"{Path.GetRelativePath(SourceTree.Root, file)}:{line.Number}: {rule.What}: {line.Text.Trim()}").ToList();

        Assert.True(files.Count > 50, $"only {files.Count} source files found under src/");
        Assert.Empty(findings);
    }

    [Fact]
    public void Every_project_under_src_builds_with_the_banned_process_APIs()
    {
        var projects = Directory.GetFiles(SourceTree.PathOf("src"), "*.csproj", SearchOption.AllDirectories);
        var props = File.ReadAllText(SourceTree.PathOf("src", "Directory.Build.props"));
        var banned = File.ReadAllText(SourceTree.PathOf("src", "BannedSymbols.txt"));

        Assert.True(projects.Length >= 3, $"only {projects.Length} projects under src/");
        Assert.Contains("Microsoft.CodeAnalysis.BannedApiAnalyzers", props, StringComparison.Ordinal);
        Assert.Contains("BannedSymbols.txt", props, StringComparison.Ordinal);
        foreach (var symbol in new[] { "T:System.Diagnostics.ProcessStartInfo", "M:System.Diagnostics.Process.Start(System.String)", "M:CliWrap.Command.WithArguments(System.String)" })
        {
            Assert.Contains(symbol, banned, StringComparison.Ordinal);
        }
    }

    /// <summary>
    /// The ban is real: a project that takes src/'s build rules and starts a process the forbidden ways does not
    /// compile, each way named by the analyzer (RS0030) with the way to do it instead; the allowed way compiles.
    /// </summary>
    [Fact]
    public async Task Code_under_the_src_rules_that_starts_a_process_the_forbidden_ways_does_not_compile()
    {
        Prerequisites.RequireCommand("dotnet", "the .NET 10 SDK");
        var dir = Directory.CreateTempSubdirectory("gct-banned-api-").FullName;
        try
        {
            var build = await BuildProbeAsync(dir, """
                namespace Probe;

                public static class Children
                {
                    public static void Shell() => System.Diagnostics.Process.Start("ip", "link show");
                    public static object Info() => new System.Diagnostics.ProcessStartInfo("ip") { UseShellExecute = true };
                    public static object Line() => CliWrap.Cli.Wrap("ip").WithArguments("link show");
                    public static object Array() => CliWrap.Cli.Wrap("ip").WithArguments(["link", "show"]);
                }
                """);

            var output = build.StandardOutput + build.StandardError;
            var errors = Regex.Matches(output, @"Probe\.cs\((\d+),\d+\): error (\w+): ([^\[]*)")
                .Select(m => (Line: int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture), Code: m.Groups[2].Value, Text: m.Groups[3].Value))
                .Distinct().ToList();
            Assert.NotEqual(0, build.ExitCode);
            // Lines 5, 6 and 7 are the forbidden ways, each refused by the ban; line 8, the argument array, compiles.
            Assert.Equal([(5, "RS0030"), (6, "RS0030"), (7, "RS0030")], errors.Select(e => (e.Line, e.Code)).Distinct().Order().ToList());
            Assert.All(errors, e => Assert.Contains("argument array", e.Text, StringComparison.Ordinal));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    /// <summary>Builds a one-file library that imports src/Directory.Build.props (and so the ban), outside the solution.</summary>
    private static async Task<BufferedCommandResult> BuildProbeAsync(string dir, string code)
    {
        var versions = File.ReadAllText(SourceTree.PathOf("Directory.Packages.props"));
        string VersionOf(string package) => Regex.Match(versions, $"Include=\"{Regex.Escape(package)}\" Version=\"([^\"]+)\"").Groups[1].Value;
        await File.WriteAllTextAsync(Path.Combine(dir, "Probe.cs"), code);
        await File.WriteAllTextAsync(Path.Combine(dir, "Probe.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <Import Project="{SourceTree.PathOf("src", "Directory.Build.props")}" />
              <PropertyGroup>
                <ManagePackageVersionsCentrally>false</ManagePackageVersionsCentrally>
                <OutputType>Library</OutputType>
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Update="Microsoft.CodeAnalysis.BannedApiAnalyzers" Version="{VersionOf("Microsoft.CodeAnalysis.BannedApiAnalyzers")}" />
                <PackageReference Include="CliWrap" Version="{VersionOf("CliWrap")}" />
              </ItemGroup>
            </Project>
            """);
        return await Cli.Wrap("dotnet")
            .WithArguments(["build", Path.Combine(dir, "Probe.csproj"), "-nologo", "-v", "quiet", "--no-incremental"])
            .WithWorkingDirectory(dir)
            .WithValidation(CommandResultValidation.None)
            .ExecuteBufferedAsync(TestContext.Current.CancellationToken);
    }

    // A shell named as the program of a child process (a string "bash" elsewhere, e.g. a completion's shell name, is fine).
    [GeneratedRegex(@"Wrap\(\s*""(/bin/|/usr/bin/)?(ba|da|z|k)?sh""")]
    private static partial Regex ShellProgram();

    [GeneratedRegex(@"""(/bin/|/usr/bin/)?(ba|da|z|k)?sh""\s*,\s*""-c""|""(/bin/|/usr/bin/)?(ba|da|z|k)?sh -c")]
    private static partial Regex ShellDashC();

    [GeneratedRegex(@"extern\s+\w+\s+(system|popen|execl|execlp|execvp)\s*\(")]
    private static partial Regex LibcShell();
}
