using System.CommandLine;
using Gate.NetlinkCtl.Check;
using Gate.NetlinkCtl.Demo;
using Gate.NetlinkCtl.Health;
using Gate.NetlinkCtl.Reconcile;
using Gate.NetlinkCtl.Routing;
using Gate.NetlinkCtl.State;

namespace Gate.NetlinkCtl.Cli.Commands;

/// <summary>
/// <c>gatectl demo</c>: builds the SORACOM side in network namespaces, makes the peer namespace a Gate Peer with
/// gatectl's own apply, proves traffic both ways, and tears everything down (<c>--keep</c> leaves it;
/// <c>gatectl demo down</c> removes it).
/// </summary>
internal static class DemoCommand
{
    /// <summary>The namespace tag of the demo: its namespaces are <c>gctdemo-*</c>.</summary>
    public const string Tag = "demo";

    /// <summary>Builds the command and its <c>down</c> sub-command.</summary>
    public static Command Build()
    {
        var keep = new Option<bool>("--keep")
        {
            Description = "Leave the namespaces and the state file for exploring; 'gatectl demo down' removes them.",
        };
        var command = new Command("demo", "Emulate a SORACOM VPG with two endpoints and two SIMs in network namespaces, make a Gate Peer with gatectl's apply, prove device-to-cloud and cloud-to-device traffic, tear it all down.")
        {
            keep,
        };
        command.SetAction((parse, cancellationToken) => RunAsync(
            parse.GetValue(keep),
            Environment.IsPrivilegedProcess,
            parse.InvocationConfiguration.Output,
            parse.InvocationConfiguration.Error,
            cancellationToken));

        var down = new Command("down", "Remove a demo left by 'gatectl demo --keep'.");
        down.SetAction((parse, _) => DownAsync(Environment.IsPrivilegedProcess, parse.InvocationConfiguration.Output, parse.InvocationConfiguration.Error));
        command.Subcommands.Add(down);
        return command;
    }

    /// <summary>Runs the demo and prints its report; returns <see cref="ExitCodes.Ok"/> when every check passed.</summary>
    public static async Task<int> RunAsync(bool keep, bool privileged, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken = default)
    {
        if (!privileged)
        {
            stderr.WriteLine("gatectl demo: needs root to create network namespaces: run it with sudo (sudo ./dev.sh demo)");
            return ExitCodes.Error;
        }

        var report = new DemoReport(stdout);
        VpgEmulator? emulator = null;
        var exit = ExitCodes.Error;
        try
        {
            report.Title();
            emulator = await VpgEmulator.StartAsync(new EmulatorOptions(Tag, VpcHost: true, Internet: true), cancellationToken);
            report.Built(emulator);

            var statePath = WriteState(emulator);
            report.StateFile(statePath, await File.ReadAllTextAsync(statePath, cancellationToken));

            var loaded = StateFile.Read(statePath);
            if (!loaded.IsValid)
            {
                report.Problem($"the state file does not load: {string.Join("; ", loaded.Errors)}");
                return exit;
            }

            var context = new ReconcileContext(emulator.Peer.Namespace, BackendKind.Netlink) { LockDirectory = emulator.WorkDirectory };
            var applied = await new GateReconciler(extensions: [new RoutingExtension()]).ApplyAsync(loaded.State!, context, cancellationToken);
            report.Applied(emulator, applied);
            if (!applied.Succeeded)
            {
                return exit;
            }

            var checks = new List<DemoCheck>();
            report.ChecksHeading();
            await foreach (var check in DemoChecks.RunAsync(emulator, cancellationToken))
            {
                checks.Add(check);
                report.Check(check);
            }

            report.Summary(checks);
            var health = await HostCheck.RunAsync(loaded.State!, emulator.Peer.Namespace, ProbeSettings.Check, cancellationToken);
            report.HealthCheck(statePath, emulator.Peer.Namespace, health);
            exit = checks.All(c => c.Passed) && health.Worst != CheckVerdict.Fail ? ExitCodes.Ok : ExitCodes.Error;
            return exit;
        }
        catch (Exception e) when (e is DemoException or IOException)
        {
            report.Problem(e.Message);
            return exit;
        }
        catch (OperationCanceledException)
        {
            report.Problem("interrupted");
            return exit;
        }
        finally
        {
            if (emulator is not null && keep)
            {
                report.Kept(emulator, StatePath(emulator));
            }
            else if (emulator is not null)
            {
                await emulator.DisposeAsync();
                report.TornDown();
            }
        }
    }

    /// <summary>Removes every namespace and state file a kept demo left.</summary>
    public static async Task<int> DownAsync(bool privileged, TextWriter stdout, TextWriter stderr)
    {
        if (!privileged)
        {
            stderr.WriteLine("gatectl demo down: needs root to delete network namespaces: run it with sudo");
            return ExitCodes.Error;
        }

        var removed = await VpgEmulator.RemoveLeftoversAsync(Tag);

        stdout.WriteLine(removed.Count == 0
            ? "gatectl demo down: no demo namespaces to remove"
            : $"gatectl demo down: removed {removed.Count} namespaces ({string.Join(", ", removed)})");
        return ExitCodes.Ok;
    }

    private static string StatePath(VpgEmulator emulator) => Path.Combine(emulator.WorkDirectory, "state.yaml");

    private static string WriteState(VpgEmulator emulator)
    {
        var path = StatePath(emulator);
        using var file = new StreamWriter(path);
        // The SIMs' inner addresses are what gatectl check probes through the overlay.
        var state = emulator.PeerState();
        var gate = state.Gates[0] with { ProbeTargets = emulator.Sims.Select(s => s.Inner.Address).ToEquatableList() };
        StateWriter.Write(state with { Gates = new EquatableList<GateSpec>([gate]) }, file);
        return path;
    }
}
