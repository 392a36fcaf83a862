using CliWrap;
using Gate.NetlinkCtl.Netlink.Sockets;
using Gate.NetlinkCtl.TestSupport;

namespace Gate.NetlinkCtl.Netlink.Tests.Kernel;

/// <summary>
/// <see cref="NamespaceIdentity"/> tells processes in one network namespace from those in another by /proc/PID/net,
/// also where /proc/PID/ns/net is denied (CAP_NET_ADMIN alone, as under gatectl.service).
/// </summary>
public sealed class NamespaceIdentityTests
{
    [Fact]
    public async Task A_process_here_matches_this_one_and_a_process_in_another_namespace_does_not()
    {
        await using var ns = await TestNamespace.CreateAsync("nid");
        using var stop = new CancellationTokenSource();
        var here = Cli.Wrap("sleep").WithArguments(["30"]).WithValidation(CommandResultValidation.None).ExecuteAsync(stop.Token);
        var there = Cli.Wrap("ip").WithArguments(["netns", "exec", ns.Name, "sleep", "30"]).WithValidation(CommandResultValidation.None).ExecuteAsync(stop.Token);
        try
        {
            // ip netns exec execs sleep: the pid is the process in the namespace once it has switched.
            Assert.True(await Poll.UntilAsync(() => Task.FromResult(File.ReadAllText($"/proc/{there.ProcessId}/comm").Trim() == "sleep")));

            var ours = NamespaceIdentity.ProcNetInode(null);
            Assert.NotNull(ours);
            Assert.Equal(ours, NamespaceIdentity.ProcNetInode(here.ProcessId));
            Assert.NotEqual(ours, NamespaceIdentity.ProcNetInode(there.ProcessId));
            Assert.Null(NamespaceIdentity.ProcNetInode(int.MaxValue));
        }
        finally
        {
            await stop.CancelAsync();
            await Task.WhenAll(Swallow(here), Swallow(there));
        }

        static async Task Swallow(CommandTask<CommandResult> task)
        {
            try
            {
                await task;
            }
            catch (OperationCanceledException)
            {
            }
        }
    }
}
