using System.CommandLine;
using Gate.NetlinkCtl.Daemon;
using Gate.NetlinkCtl.Reconcile;
using Microsoft.Extensions.Hosting;

namespace Gate.NetlinkCtl.Cli.Commands;

/// <summary><c>gatectl run STATE</c>: the daemon that keeps the state in force (systemd's gatectl.service).</summary>
internal static class RunCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Build()
    {
        var file = new Argument<string>("file") { Description = "The state file to keep in force, such as /etc/gatectl/state.yaml." };
        var noEvents = new Option<bool>("--no-events")
        {
            Description = "Do not subscribe to rtnetlink events: repair drift only at the periodic resync (host.reconcileInterval).",
        };
        var runtimeDirectoryOption = DaemonCliOptions.RuntimeDirectory();
        var command = new Command("run", "Run the daemon: reconcile at start, on rtnetlink events touching a gate, every host.reconcileInterval, when the state file changes and on SIGHUP. SIGTERM stops it (exit 0).")
        {
            file,
            runtimeDirectoryOption,
            noEvents,
        };
        command.WithReconcileOptions().SetAction((parse, cancellationToken) =>
        {
            var runtimeDirectory = parse.GetValue(runtimeDirectoryOption)!;
            var context = ReconcileOptions.Context(parse) with { LockDirectory = runtimeDirectory };
            var options = new DaemonOptions(
                parse.GetValue(file)!,
                context.Netns,
                StatusFile.PathIn(runtimeDirectory, context.Netns),
                ListenForEvents: !parse.GetValue(noEvents));
            return ReconcileRunner.MayChangeNetwork("run", parse.InvocationConfiguration.Error)
                ? RunAsync(options, context, parse.InvocationConfiguration.Error, cancellationToken)
                : Task.FromResult(ExitCodes.Error);
        });
        return command;
    }

    /// <summary>Runs the daemon until SIGTERM/SIGINT or <paramref name="cancellationToken"/>; returns the exit code.</summary>
    public static async Task<int> RunAsync(DaemonOptions options, ReconcileContext context, TextWriter stderr, CancellationToken cancellationToken)
    {
        // The same reconciler as `gatectl apply`, host features (extensions) included.
        var reconciler = ReconcileRunner.CreateDaemonReconciler();
        // The pass is also the fast path's writer for deleted flood entries, through its backend (none with iproute2).
        await using var pass = new GateReconcilerPass(reconciler, context);
        using var host = DaemonHost.Build(options, pass, new RtnlEventFeed(options.Netns), pass);
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
        finally
        {
            await LogoutAsync(reconciler, stderr).ConfigureAwait(false);
        }
    }

    // Stopping revokes the daemon's API sessions (POST /auth/logout), each bounded by its gate's timeout.
    private static async Task LogoutAsync(GateReconciler reconciler, TextWriter stderr)
    {
        foreach (var error in await reconciler.CloseAsync(CancellationToken.None).ConfigureAwait(false))
        {
            await stderr.WriteLineAsync($"gatectl: stopping: {error}").ConfigureAwait(false);
        }
    }
}

/// <summary>The option the daemon's verbs (<c>run</c>, <c>status</c>) add to <see cref="ReconcileOptions"/>.</summary>
internal static class DaemonCliOptions
{
    /// <summary>A new <c>--runtime-dir DIR</c> option: where the status file and the apply lock live.</summary>
    public static Option<string> RuntimeDirectory() => new("--runtime-dir")
    {
        Description = "Directory of the daemon's status file and apply lock (systemd's RuntimeDirectory).",
        DefaultValueFactory = _ => StatusFile.RuntimeDirectory,
    };
}
