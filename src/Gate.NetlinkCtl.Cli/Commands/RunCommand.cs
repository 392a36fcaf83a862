using System.CommandLine;
using Gate.NetlinkCtl.Daemon;
using Gate.NetlinkCtl.Reconcile;
using Microsoft.Extensions.Hosting;

namespace Gate.NetlinkCtl.Cli.Commands;

/// <summary><c>gatectl run STATE</c>: the daemon that keeps the state in force (systemd's gatectl.service).</summary>
public static class RunCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Build()
    {
        var file = new Argument<string>("file") { Description = "The state file to keep in force, such as /etc/gatectl/state.yaml." };
        var noEvents = new Option<bool>("--no-events")
        {
            Description = "Do not subscribe to rtnetlink events: repair drift only at the periodic resync (host.reconcileInterval).",
        };
        var command = new Command("run", "Run the daemon: reconcile at start, on rtnetlink events touching a gate, every host.reconcileInterval, when the state file changes and on SIGHUP. SIGTERM stops it (exit 0).")
        {
            file,
            DaemonCliOptions.Netns,
            DaemonCliOptions.RuntimeDirectory,
            noEvents,
        };
        command.SetAction((parse, cancellationToken) => RunAsync(
            new DaemonOptions(
                parse.GetValue(file)!,
                parse.GetValue(DaemonCliOptions.Netns),
                StatusFile.PathIn(parse.GetValue(DaemonCliOptions.RuntimeDirectory)!, parse.GetValue(DaemonCliOptions.Netns)),
                ListenForEvents: !parse.GetValue(noEvents)),
            parse.GetValue(DaemonCliOptions.RuntimeDirectory)!,
            parse.InvocationConfiguration.Error,
            cancellationToken));
        return command;
    }

    /// <summary>Runs the daemon until SIGTERM/SIGINT or <paramref name="cancellationToken"/>; returns the exit code.</summary>
    public static async Task<int> RunAsync(DaemonOptions options, string runtimeDirectory, TextWriter stderr, CancellationToken cancellationToken)
    {
        var context = new ReconcileContext(options.Netns) { LockDirectory = runtimeDirectory };
        var pass = new GateReconcilerPass(new GateReconciler(), context);
        using var host = DaemonHost.Build(options, pass, new RtnlEventFeed(options.Netns));
        try
        {
            await host.RunAsync(cancellationToken).ConfigureAwait(false);
            return ExitCodes.Ok;
        }
        catch (StateRejectedException rejected)
        {
            await stderr.WriteLineAsync(rejected.Message).ConfigureAwait(false);
            return ExitCodes.InvalidState;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return ExitCodes.Ok;
        }
    }
}

/// <summary>Options of the daemon's verbs (<c>run</c>, <c>status</c>), defined once so both read the same.</summary>
public static class DaemonCliOptions
{
    /// <summary><c>--netns NAME</c>: manage (or report on) a named network namespace.</summary>
    public static Option<string?> Netns { get; } = new("--netns")
    {
        Description = "Named network namespace (as 'ip netns' knows it) to manage instead of the daemon's own; its status file is per namespace.",
    };

    /// <summary><c>--runtime-dir DIR</c>: where the status file and the apply lock live.</summary>
    public static Option<string> RuntimeDirectory { get; } = new("--runtime-dir")
    {
        Description = "Directory of the daemon's status file and apply lock (systemd's RuntimeDirectory).",
        DefaultValueFactory = _ => StatusFile.RuntimeDirectory,
    };
}
