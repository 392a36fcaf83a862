using System.Text.RegularExpressions;
using Gate.NetlinkCtl.TestSupport;

namespace Gate.NetlinkCtl.Tests.Reliability;

/// <summary>
/// No shell anywhere: every child process gatectl starts gets a program and an argument array (CliWrap's
/// <c>WithArguments(string[])</c>), never a command line a shell would parse, so nothing from a state file can become
/// a command. Checked over every source file of <c>src/</c>.
/// </summary>
public sealed partial class NoShellStringsTests
{
    private static readonly (string What, Regex Pattern)[] Forbidden =
    [
        ("a shell as the program", ShellProgram()),
        ("a shell's -c option", ShellDashC()),
        ("UseShellExecute", UseShellExecute()),
        ("Process.Start or ProcessStartInfo (use CliWrap with an argument array)", ProcessStart()),
        ("CliWrap arguments as one string (use an array)", StringArguments()),
        ("system() or popen() through P/Invoke", LibcShell()),
    ];

    [Fact]
    public void No_source_file_starts_a_shell_or_passes_a_command_line_as_one_string()
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
    public void Every_child_process_is_started_through_CliWrap_with_an_argument_array()
    {
        var wraps = Directory.GetFiles(SourceTree.PathOf("src"), "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains("/obj/", StringComparison.Ordinal))
            .SelectMany(f => Regex.Matches(File.ReadAllText(f), @"Cli\.Wrap\([^;]*?;", RegexOptions.Singleline).Select(m => (File: f, Call: m.Value)))
            .ToList();

        Assert.NotEmpty(wraps);
        Assert.All(wraps, w => Assert.True(
            w.Call.Contains(".WithArguments([", StringComparison.Ordinal) || w.Call.Contains(".WithArguments(arguments", StringComparison.Ordinal)
                || w.Call.Contains(".WithArguments(args", StringComparison.Ordinal) || Regex.IsMatch(w.Call, @"\.WithArguments\([A-Za-z_.]+\)"),
            $"{Path.GetRelativePath(SourceTree.Root, w.File)}: a Cli.Wrap call without an argument array: {w.Call}"));
    }

    [GeneratedRegex(@"""(/bin/|/usr/bin/)?(ba|da|z|k)?sh""")]
    private static partial Regex ShellProgram();

    [GeneratedRegex(@"""(/bin/|/usr/bin/)?(ba|da|z|k)?sh""\s*,\s*""-c""|""(/bin/|/usr/bin/)?(ba|da|z|k)?sh -c")]
    private static partial Regex ShellDashC();

    [GeneratedRegex(@"UseShellExecute")]
    private static partial Regex UseShellExecute();

    [GeneratedRegex(@"Process\.Start\(|new\s+ProcessStartInfo|ProcessStartInfo\s*\{")]
    private static partial Regex ProcessStart();

    [GeneratedRegex(@"\.WithArguments\(\$?""")]
    private static partial Regex StringArguments();

    [GeneratedRegex(@"extern\s+\w+\s+(system|popen|execl|execlp|execvp)\s*\(")]
    private static partial Regex LibcShell();
}
