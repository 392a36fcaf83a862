using CliWrap;
using CliWrap.Buffered;
using Gate.NetlinkCtl.TestSupport;

namespace Gate.NetlinkCtl.Cli.Tests.Reliability;

/// <summary>
/// gatectl needs CAP_NET_ADMIN and nothing else: with every other capability dropped (and root's powers locked away)
/// apply and delete work, with either backend; without it, apply says which capability is missing and changes nothing.
/// A state file that someone else could write is refused.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class LeastPrivilegeTests
{
    [Theory]
    [InlineData("netlink")]
    [InlineData("iproute2")]
    public async Task With_only_CAP_NET_ADMIN_apply_and_delete_succeed(string backend)
    {
        await using var host = await PeerHost.CreateAsync("lp");
        var state = host.WriteState("state.yaml", PeerHost.FloodState(2));

        var apply = await RunConfinedAsync(host, "+net_admin", "apply", state, "--backend", backend);
        var plan = PeerHost.Run("plan", state, "--netns", host.Namespace.Name, "--backend", backend);
        var delete = await RunConfinedAsync(host, "+net_admin", "delete", state, "--backend", backend);

        Assert.True(apply.ExitCode == ExitCodes.Ok, apply.StandardOutput + apply.StandardError);
        Assert.Contains("verified in sync", apply.StandardOutput, StringComparison.Ordinal);
        Assert.Equal(ExitCodes.Ok, plan.Exit);
        Assert.True(delete.ExitCode == ExitCodes.Ok, delete.StandardOutput + delete.StandardError);
        await host.Foreign.AssertIntactAsync("after a confined apply and delete");
    }

    [Fact]
    public async Task With_only_CAP_NET_ADMIN_and_the_guard_on_apply_diff_and_delete_succeed()
    {
        Prerequisites.RequireCommand("nft", "nftables");
        await using var host = await PeerHost.CreateAsync("lp");
        var state = host.WriteState("state.yaml", PeerHost.FloodState(2, guard: true));

        var apply = await RunConfinedAsync(host, "+net_admin", "apply", state);
        var table = await host.Namespace.ExecAsync("nft", "list", "table", "inet", "gatectl_guard");
        var diff = await RunConfinedAsync(host, "+net_admin", "diff", state);
        var delete = await RunConfinedAsync(host, "+net_admin", "delete", state);

        Assert.True(apply.ExitCode == ExitCodes.Ok, apply.StandardOutput + apply.StandardError);
        Assert.Contains("verified in sync", apply.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("elements = { 198.18.0.1, 198.18.0.2 }", table, StringComparison.Ordinal);
        Assert.True(diff.ExitCode == ExitCodes.Ok, diff.StandardOutput + diff.StandardError);
        Assert.True(delete.ExitCode == ExitCodes.Ok, delete.StandardOutput + delete.StandardError);
        Assert.DoesNotContain("gatectl_guard", await host.Namespace.ExecAsync("nft", "list", "tables"), StringComparison.Ordinal);
        await host.Foreign.AssertIntactAsync("after a confined apply and delete with the guard");
    }

    [Fact]
    public async Task Without_CAP_NET_ADMIN_apply_names_the_missing_capability_and_changes_nothing()
    {
        await using var host = await PeerHost.CreateAsync("lp");
        var state = host.WriteState("state.yaml", PeerHost.FloodState(2));
        var before = await KernelSnapshot.TakeAsync(host.Namespace);

        var apply = await RunConfinedAsync(host, "", "apply", state);
        var delete = await RunConfinedAsync(host, "", "delete", state);

        Assert.Equal(ExitCodes.Error, apply.ExitCode);
        Assert.StartsWith(
            "gatectl: apply needs the CAP_NET_ADMIN capability to change links, addresses, FDB entries and routes, and this process does not have it (effective capabilities 0x0000000000000000); nothing was changed",
            apply.StandardError, StringComparison.Ordinal);
        Assert.Equal(ExitCodes.Error, delete.ExitCode);
        Assert.Contains("delete needs the CAP_NET_ADMIN capability", delete.StandardError, StringComparison.Ordinal);
        Assert.Equal(before, await KernelSnapshot.TakeAsync(host.Namespace));
    }

    [Theory]
    [InlineData("world-writable")]
    [InlineData("owned by nobody")]
    public async Task A_state_file_another_user_could_write_is_refused_and_nothing_changes(string how)
    {
        await using var host = await PeerHost.CreateAsync("lp");
        var state = host.WriteState("state.yaml", PeerHost.FloodState(2));
        if (how == "world-writable")
        {
            File.SetUnixFileMode(state, File.GetUnixFileMode(state) | UnixFileMode.OtherWrite);
        }
        else
        {
            await TestNamespace.RunAsync("chown", ["65534", state]);
        }

        var before = await KernelSnapshot.TakeAsync(host.Namespace);

        var (exit, _, stderr) = PeerHost.Run("apply", state, "--netns", host.Namespace.Name);

        Assert.Equal(ExitCodes.InvalidState, exit);
        Assert.StartsWith($"{state}: the state file is ", stderr, StringComparison.Ordinal);
        Assert.Contains(how == "world-writable" ? $"writable by every user (mode 0646)" : "owned by uid 65534, not by root or the user running gatectl (uid 0)", stderr, StringComparison.Ordinal);
        Assert.Contains(how == "world-writable" ? $"chmod o-w {state}" : $"chown root {state}", stderr, StringComparison.Ordinal);
        Assert.Equal(before, await KernelSnapshot.TakeAsync(host.Namespace));
    }

    /// <summary>
    /// Runs the real gatectl inside the namespace with <paramref name="keep"/> (<c>+net_admin</c> or nothing) as its only
    /// capabilities: bounding, inheritable and ambient sets, securebits noroot, no new privileges, as gatectl.service does.
    /// </summary>
    private static async Task<BufferedCommandResult> RunConfinedAsync(PeerHost host, string keep, params string[] args)
    {
        Prerequisites.RequireCommand("setpriv", "util-linux");
        var caps = "-all" + (keep.Length > 0 ? "," + keep : "");
        return await CliWrap.Cli.Wrap("ip").WithArguments([
                "netns", "exec", host.Namespace.Name,
                "setpriv", "--bounding-set", caps, "--inh-caps", caps, "--ambient-caps", caps,
                "--securebits", "+noroot,+noroot_locked", "--no-new-privs",
                PeerHost.Gatectl, .. args,
            ])
            .WithValidation(CommandResultValidation.None)
            .ExecuteBufferedAsync(TestContext.Current.CancellationToken);
    }
}
