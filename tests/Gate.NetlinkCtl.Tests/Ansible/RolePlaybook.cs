using System.Text.Json;
using CliWrap;
using CliWrap.Buffered;

namespace Gate.NetlinkCtl.Tests.Ansible;

/// <summary>
/// Runs the example playbook (ansible/examples/site.yml, role ansible/roles/gatectl) with the test's inventory,
/// inside a network namespace, against a staging root under <paramref name="workDir"/>. Ansible's own files
/// (temporary files, caches) stay in the work directory too.
/// </summary>
/// <param name="repositoryRoot">The checkout holding ansible/.</param>
/// <param name="workDir">A directory of the test's own.</param>
/// <param name="namespaceName">The network namespace ansible-playbook runs in.</param>
public sealed class RolePlaybook(string repositoryRoot, string workDir, string namespaceName)
{
    // A hang bound, not a speed check: a playbook run takes 20-60 s alone, several times that beside the rest of the suite on 2 CPUs.
    private static readonly TimeSpan RunTimeout = TimeSpan.FromMinutes(6);

    /// <summary>Where the test writes its inventory.</summary>
    public string InventoryPath => Path.Combine(workDir, "inventory.yml");

    /// <summary>The staging root the role installs into (gatectl_root).</summary>
    public string InstallRoot => Path.Combine(workDir, "root");

    /// <summary>A host path under the staging root.</summary>
    public string Staged(params string[] hostPath) =>
        Path.Combine([InstallRoot, .. hostPath.Select(p => p.TrimStart('/'))]);

    /// <summary>Runs the playbook once; <paramref name="extraVars"/> go to `-e` as JSON (they win over the inventory).</summary>
    /// <param name="limit">The hosts to run on (ansible's --limit pattern).</param>
    /// <param name="cancellation">Stops the run (it also stops by itself after a few minutes).</param>
    /// <param name="extraVars">Variables that override the inventory's.</param>
    /// <param name="check">Run with --check --diff.</param>
    /// <param name="verbose">Run with --diff -v: every task's diff and result is printed (what no_log must hide).</param>
    public async Task<PlaybookRun> RunAsync(string limit, CancellationToken cancellation, object? extraVars = null, bool check = false, bool verbose = false)
    {
        List<string> args =
        [
            "netns", "exec", namespaceName,
            "ansible-playbook", "-i", InventoryPath, Path.Combine(repositoryRoot, "ansible", "examples", "site.yml"),
            "--limit", limit,
        ];
        if (check)
        {
            args.AddRange(["--check", "--diff"]);
        }
        else if (verbose)
        {
            args.Add("--diff");
        }

        if (verbose)
        {
            args.Add("-v");
        }

        if (extraVars is not null)
        {
            args.AddRange(["-e", JsonSerializer.Serialize(extraVars)]);
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        timeout.CancelAfter(RunTimeout);
        var result = await Cli.Wrap("ip")
            .WithArguments(args)
            .WithWorkingDirectory(workDir)
            .WithEnvironmentVariables(Environment())
            .WithValidation(CommandResultValidation.None)
            .ExecuteBufferedAsync(timeout.Token);
        return new PlaybookRun(result.ExitCode, result.StandardOutput + result.StandardError);
    }

    /// <summary>Runs the installed gatectl (under the staging root) in the namespace, as the role's tasks do.</summary>
    public async Task<BufferedCommandResult> GatectlAsync(string executable, IReadOnlyList<string> args, CancellationToken cancellation) =>
        await Cli.Wrap("ip")
            .WithArguments(["netns", "exec", namespaceName, executable, .. args])
            .WithEnvironmentVariables(Environment())
            .WithValidation(CommandResultValidation.None)
            .ExecuteBufferedAsync(cancellation);

    /// <summary>net.ipv4.ping_group_range of the namespace (per namespace: the host's own is never read or changed), as "low high".</summary>
    public async Task<string> PingGroupRangeAsync()
    {
        var result = await Cli.Wrap("ip")
            .WithArguments(["netns", "exec", namespaceName, "cat", "/proc/sys/net/ipv4/ping_group_range"])
            .ExecuteBufferedAsync();
        return result.StandardOutput.Trim().Replace('\t', ' ');
    }

    private Dictionary<string, string?> Environment()
    {
        var home = Path.Combine(workDir, "ansible-home");
        var config = Path.Combine(workDir, "ansible.cfg");
        if (!File.Exists(config))
        {
            // An empty configuration, so no ansible.cfg of the machine or the user changes the run.
            File.WriteAllText(config, "[defaults]\n");
        }

        return new()
        {
            ["ANSIBLE_CONFIG"] = config,
            ["ANSIBLE_HOME"] = home,
            ["ANSIBLE_LOCAL_TEMP"] = Path.Combine(home, "tmp"),
            ["ANSIBLE_REMOTE_TEMP"] = Path.Combine(home, "remote-tmp"),
            ["ANSIBLE_ROLES_PATH"] = Path.Combine(repositoryRoot, "ansible", "roles"),
            ["ANSIBLE_NOCOLOR"] = "1",
            ["ANSIBLE_FORCE_COLOR"] = "0",
            ["ANSIBLE_RETRY_FILES_ENABLED"] = "false",
            ["ANSIBLE_STDOUT_CALLBACK"] = "default",
            ["PYTHONDONTWRITEBYTECODE"] = "1",
        };
    }
}
