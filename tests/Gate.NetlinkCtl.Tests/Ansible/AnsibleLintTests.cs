using CliWrap;
using CliWrap.Buffered;
using Gate.NetlinkCtl.TestSupport;

namespace Gate.NetlinkCtl.Tests.Ansible;

/// <summary>The role and the example playbook pass Debian's ansible-lint at its strictest (production) profile.</summary>
public sealed class AnsibleLintTests
{
    [Fact]
    public async Task The_role_and_the_example_playbook_pass_ansible_lint()
    {
        Prerequisites.RequireCommand("ansible-lint", "ansible-lint");
        var ansibleDir = SourceTree.PathOf("ansible");
        var home = Directory.CreateTempSubdirectory("gct-ansible-lint-").FullName;
        try
        {
            var result = await Cli.Wrap("ansible-lint")
                .WithArguments(["--offline", "--nocolor", "--profile", "production", "roles/gatectl", "examples/site.yml"])
                .WithWorkingDirectory(ansibleDir)
                .WithEnvironmentVariables(new Dictionary<string, string?>
                {
                    ["ANSIBLE_HOME"] = home,
                    ["ANSIBLE_LOCAL_TEMP"] = Path.Combine(home, "tmp"),
                    ["XDG_CACHE_HOME"] = Path.Combine(home, "cache"),
                })
                .WithValidation(CommandResultValidation.None)
                .ExecuteBufferedAsync(TestContext.Current.CancellationToken);

            Assert.True(result.ExitCode == 0, $"ansible-lint exited {result.ExitCode}:\n{result.StandardOutput}\n{result.StandardError}");
            Assert.Contains("Passed with production profile: 0 failure(s), 0 warning(s)", result.StandardError + result.StandardOutput, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(home, recursive: true);
        }
    }
}
