using System.CommandLine;
using System.Text.Json;
using Gate.NetlinkCtl.Cli.Output;
using Gate.NetlinkCtl.Reconcile;
using Gate.NetlinkCtl.Reconcile.Diff;

namespace Gate.NetlinkCtl.Cli.Commands;

/// <summary><c>gatectl diff FILE</c>: per gate, in sync / drifted (what) / missing, and the foreign objects seen; exit 0 in sync, 2 drift, 1 when a gate's endpoints are unknown.</summary>
internal static class DiffCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Build()
    {
        var file = ReconcileOptions.StateFileArgument();
        var output = CommonOptions.Output();
        var command = new Command("diff", "Compare the host with the desired state: per gate in sync, drifted (what) or missing, plus foreign objects. Exit 0 in sync, 2 drift.")
        {
            file,
            output,
        };
        command.WithReconcileOptions().SetAction((parse, cancellationToken) =>
        {
            var stdout = parse.InvocationConfiguration.Output;
            var context = ReconcileOptions.Context(parse);
            return ReconcileRunner.WithStateAsync(parse.GetValue(file)!, parse.InvocationConfiguration.Error, async state =>
            {
                var report = await ReconcileRunner.CreateReconciler().DiffAsync(state, context, cancellationToken).ConfigureAwait(false);
                Print(report, context, parse.GetValue(output), stdout);
                return EndpointSources.Held(report.Sources, report.InSync ? ExitCodes.Ok : ExitCodes.ChangesPending, parse.InvocationConfiguration.Error);
            });
        });
        return command;
    }

    /// <summary>Prints a drift report as text or JSON.</summary>
    public static void Print(DriftReport report, ReconcileContext context, OutputFormat format, TextWriter stdout)
    {
        if (format == OutputFormat.Json)
        {
            stdout.WriteLine(JsonSerializer.Serialize(DiffReport.From(report, context), ReconcileJsonContext.Readable.DiffReport));
            return;
        }

        EndpointSources.Print(report.Sources, stdout);
        stdout.WriteLine($"{(report.InSync ? "in sync" : "drift")} ({PlanCommand.Where(report.Backend, context)})");
        foreach (var gate in report.Gates)
        {
            stdout.WriteLine($"  {gate.Gate} ({gate.Interface}): {DiffReport.StatusText(gate.Status)}");
            foreach (var difference in gate.Differences)
            {
                stdout.WriteLine($"    - {difference}");
            }
        }

        foreach (var change in report.HostChanges)
        {
            stdout.WriteLine($"  host: {change}");
        }

        foreach (var held in report.HeldByKeepalived)
        {
            stdout.WriteLine($"  {held}");
        }

        if (report.Foreign.Count > 0)
        {
            stdout.WriteLine("  foreign (not gatectl's, left alone):");
            foreach (var foreign in report.Foreign)
            {
                stdout.WriteLine($"    {foreign}");
            }
        }
    }
}
