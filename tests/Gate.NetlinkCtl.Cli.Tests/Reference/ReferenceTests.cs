using System.CommandLine;
using System.Reflection;
using CliWrap.Buffered;
using Gate.NetlinkCtl.Cli.Reference;
using Gate.NetlinkCtl.TestSupport;

namespace Gate.NetlinkCtl.Cli.Tests.Reference;

/// <summary>
/// <c>gatectl man</c> and <c>gatectl completion bash</c> are written from the command tree: every visible verb and
/// option and every exit code appears, hidden build verbs do not, and bash itself completes with the script.
/// </summary>
public sealed class ReferenceTests
{
    [Fact]
    public void Every_exit_code_constant_is_in_the_table_the_man_page_reads()
    {
        var constants = typeof(ExitCodes).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.IsLiteral)
            .Select(f => (Code: (int)f.GetRawConstantValue()!, f.Name))
            .OrderBy(c => c.Code);

        Assert.Equal(constants, ExitCodes.All.Select(e => (e.Code, e.Name)).OrderBy(c => c.Code));
    }

    [Fact]
    public void The_man_page_names_every_visible_verb_option_and_exit_code()
    {
        var page = Run("man");

        foreach (var (path, command) in Visible(GatectlCli.BuildRoot(), "gatectl"))
        {
            Assert.Contains($"\\fB{Roff(path)}\\fR", page, StringComparison.Ordinal);
            Assert.Contains(command.Description!, page, StringComparison.Ordinal);
            foreach (var option in command.Options.Where(o => !o.Hidden))
            {
                Assert.Contains($"\\fB{Roff(option.Name)}\\fR", page, StringComparison.Ordinal);
            }
        }

        foreach (var code in ExitCodes.All)
        {
            Assert.Contains($".B {code.Code}\n{code.Name}: {code.Meaning}", page, StringComparison.Ordinal);
        }

        Assert.StartsWith(".\\\" gatectl(8)", page, StringComparison.Ordinal);
        Assert.Contains($".TH GATECTL 8 \"\" \"gatectl {Commands.VersionCommand.Current}\"", page, StringComparison.Ordinal);
    }

    [Fact]
    public void The_build_verbs_stay_out_of_help_the_man_page_and_the_completion()
    {
        var help = Run("--help");
        var page = Run("man");
        var completion = Run("completion", "bash");

        Assert.DoesNotContain("completion", help, StringComparison.Ordinal);
        Assert.DoesNotContain("  man ", help, StringComparison.Ordinal);
        Assert.DoesNotContain("\\fBgatectl man\\fR", page, StringComparison.Ordinal);
        Assert.DoesNotContain("\\fBgatectl completion\\fR", page, StringComparison.Ordinal);
        // The first table of the script is the verbs; its 'gatectl' row lists the top-level verbs.
        var verbs = completion.Split('\n').First(l => l.Contains("['gatectl']='", StringComparison.Ordinal));
        Assert.Contains(" apply ", verbs, StringComparison.Ordinal);
        Assert.DoesNotContain(" man ", verbs, StringComparison.Ordinal);
        Assert.DoesNotContain("completion", verbs, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unknown_shell_is_a_usage_error()
    {
        var exit = GatectlCli.Run(["completion", "fish"], new StringWriter(), new StringWriter());

        Assert.Equal(ExitCodes.Usage, exit);
    }

    [Theory]
    [InlineData("gatectl ap", "apply")]
    [InlineData("gatectl soracom ", "register unregister")]
    [InlineData("gatectl apply --b", "--backend")]
    [InlineData("gatectl apply --backend ", "auto iproute2 netlink networkmanager")]
    [InlineData("gatectl plan -o j", "json")]
    [InlineData("gatectl render -f n", "networkd nftables nm-keyfile")]
    [InlineData("gatectl soracom register --gate g --o", "--output")]
    [InlineData("gatectl validate --output json sta", "state.yaml")]
    public async Task Bash_completes_with_the_generated_script(string line, string expected)
    {
        Prerequisites.Require(File.Exists("/usr/share/bash-completion/bash_completion"), "needs bash-completion (apt-get install bash-completion)");
        var directory = Directory.CreateTempSubdirectory("gct-completion-").FullName;
        try
        {
            var script = Path.Combine(directory, "gatectl.bash");
            await File.WriteAllTextAsync(script, Run("completion", "bash"), TestContext.Current.CancellationToken);
            await File.WriteAllTextAsync(Path.Combine(directory, "state.yaml"), "", TestContext.Current.CancellationToken);
            // The words go in as positional parameters: nothing of the test's input becomes shell code.
            var words = line.Split(' ');
            var result = await CliWrap.Cli.Wrap("bash")
                .WithArguments([
                    "-c",
                    """
                    source /usr/share/bash-completion/bash_completion
                    source "$0"
                    COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); COMP_LINE="$*"; COMP_POINT=${#COMP_LINE}
                    _gatectl
                    printf '%s\n' "${COMPREPLY[@]}" | sort
                    """,
                    script, .. words,
                ])
                .WithWorkingDirectory(directory)
                .WithValidation(CliWrap.CommandResultValidation.None)
                .ExecuteBufferedAsync(TestContext.Current.CancellationToken);

            Assert.True(result.ExitCode == 0, result.StandardError);
            Assert.Equal(expected, string.Join(' ', result.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries)));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    private static string Run(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var exit = GatectlCli.Run(args, stdout, stderr);
        Assert.True(exit == ExitCodes.Ok, $"gatectl {string.Join(' ', args)} exited {exit}: {stderr}");
        return stdout.ToString();
    }

    /// <summary>The command tree walked on its own, independently of <see cref="VerbReference"/>.</summary>
    private static IEnumerable<(string Path, Command Command)> Visible(Command command, string path) =>
        command.Subcommands.Where(c => !c.Hidden).SelectMany(c => Visible(c, $"{path} {c.Name}").Prepend(($"{path} {c.Name}", c)));

    private static string Roff(string word) => word.Replace("-", "\\-", StringComparison.Ordinal);
}
