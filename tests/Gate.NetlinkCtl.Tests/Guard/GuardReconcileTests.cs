using CliWrap;
using Gate.NetlinkCtl.Guard;
using Gate.NetlinkCtl.Reconcile;
using Gate.NetlinkCtl.State;
using Gate.NetlinkCtl.Tests.Reconcile;
using Gate.NetlinkCtl.TestSupport;
using static Gate.NetlinkCtl.Tests.Reconcile.SampleGates;

namespace Gate.NetlinkCtl.Tests.Guard;

/// <summary>The guard joined to the reconciler: <c>apply</c> loads its table after the gates, <c>diff</c> reports its drift.</summary>
public sealed class GuardReconcileTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private static readonly GateReconciler Reconciler = new(extensions: [new GuardExtension()]);

    private static DesiredState Guarded(bool guard = true) =>
        Desired(Soracom()) with { Host = HostSettings.Default with { Guard = guard } };

    private static async Task<GateHost> HostAsync()
    {
        Prerequisites.RequireCommand("nft", "nftables");
        return await GateHost.CreateAsync(BackendKind.Iproute2);
    }

    [Fact]
    public async Task Apply_with_the_guard_on_loads_the_table_and_a_second_apply_changes_nothing()
    {
        await using var host = await HostAsync();

        var first = await Reconciler.ApplyAsync(Guarded(), host.Context, Token);
        var second = await Reconciler.ApplyAsync(Guarded(), host.Context, Token);

        Assert.Null(first.Failure);
        Assert.IsType<ProgramGuard>(first.Executed[^1]);
        Assert.Null(second.Failure);
        Assert.Empty(second.Executed);
        var table = await host.Namespace.ExecAsync("nft", "list", "table", "inet", "gatectl_guard");
        Assert.Contains("ip daddr 192.0.2.10 udp dport 4789 ip saddr @sources_soracom counter", table, StringComparison.Ordinal);
        Assert.Contains("elements = { 192.0.2.1, 192.0.2.2 }", table, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Diff_reports_a_guard_table_deleted_by_hand_and_apply_puts_it_back()
    {
        await using var host = await HostAsync();
        await Reconciler.ApplyAsync(Guarded(), host.Context, Token);

        await host.Namespace.ExecAsync("nft", "delete", "table", "inet", "gatectl_guard");
        var report = await Reconciler.DiffAsync(Guarded(), host.Context, Token);
        var repair = await Reconciler.ApplyAsync(Guarded(), host.Context, Token);

        Assert.False(report.InSync);
        Assert.Contains("table inet gatectl_guard is missing", Assert.Single(report.HostChanges), StringComparison.Ordinal);
        Assert.Null(repair.Failure);
        Assert.True((await Reconciler.DiffAsync(Guarded(), host.Context, Token)).InSync);
    }

    [Fact]
    public async Task A_guard_that_cannot_be_programmed_fails_the_apply_rolls_the_gate_back_and_diff_says_so()
    {
        await using var host = await HostAsync();
        var before = await KernelSnapshot.TakeAsync(host.Namespace);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(Token);
        var holder = HoldOwnedTableAsync(host.Namespace, stop.Token);
        try
        {
            Assert.True(await Poll.UntilAsync(async () => (await host.Namespace.ExecAsync("nft", "list", "tables")).Contains("gatectl_guard", StringComparison.Ordinal)), "nft should hold an owned table");

            var result = await Reconciler.ApplyAsync(Guarded(), host.Context, Token);
            var diff = await Reconciler.DiffAsync(Guarded(), host.Context, Token);

            Assert.NotNull(result.Failure);
            Assert.Contains("another program created it with 'flags owner'", result.Failure.Message, StringComparison.Ordinal);
            Assert.Equal(before, await KernelSnapshot.TakeAsync(host.Namespace));
            Assert.False(diff.InSync);
            Assert.Contains("unexpected table flags 2", Assert.Single(diff.HostChanges), StringComparison.Ordinal);
        }
        finally
        {
            await stop.CancelAsync();
            await holder;
        }
    }

    // nft -i keeps its netlink socket, and so its 'flags owner' table, until its input ends (here: until cancelled).
    private static async Task HoldOwnedTableAsync(TestNamespace ns, CancellationToken token)
    {
        try
        {
            await CliWrap.Cli.Wrap("ip")
                .WithArguments(["netns", "exec", ns.Name, "nft", "-i"])
                .WithStandardInputPipe(PipeSource.Create(async (input, ct) =>
                {
                    await input.WriteAsync("add table inet gatectl_guard { flags owner; }\n"u8.ToArray(), ct);
                    await input.FlushAsync(ct);
                    await Task.Delay(Timeout.Infinite, ct);
                }))
                .WithValidation(CommandResultValidation.None)
                .ExecuteAsync(token);
        }
        catch (OperationCanceledException)
        {
            // released on purpose
        }
    }

    [Fact]
    public async Task Apply_with_the_guard_off_deletes_gatectls_table()
    {
        await using var host = await HostAsync();
        await Reconciler.ApplyAsync(Guarded(), host.Context, Token);

        var result = await Reconciler.ApplyAsync(Guarded(guard: false), host.Context, Token);

        Assert.Null(result.Failure);
        Assert.IsType<RemoveGuard>(Assert.Single(result.Executed));
        Assert.DoesNotContain("gatectl_guard", await host.Namespace.ExecAsync("nft", "list", "tables"), StringComparison.Ordinal);
    }
}
