using System.CommandLine;
using System.Text.Json;
using Gate.NetlinkCtl.Cli.Output;
using Gate.NetlinkCtl.Reconcile;

namespace Gate.NetlinkCtl.Cli.Commands;

/// <summary><c>gatectl plan FILE</c>: the changes apply would make; changes nothing; exit 0 in sync, 2 pending.</summary>
internal static class PlanCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Build()
    {
        var file = ReconcileOptions.StateFileArgument();
        var output = CommonOptions.Output();
        var command = new Command("plan", "Show the changes apply would make, in order; changes nothing. Exit 0 in sync, 2 changes pending.")
        {
            file,
            output,
        };
        command.WithReconcileOptions().SetAction((parse, cancellationToken) =>
        {
            var stdout = parse.InvocationConfiguration.Output;
            var stderr = parse.InvocationConfiguration.Error;
            return ReconcileRunner.WithStateAsync(parse.GetValue(file)!, stderr, state =>
                RunAsync(state, ReconcileOptions.Context(parse), parse.GetValue(output), stdout, stderr, cancellationToken));
        });
        return command;
    }

    /// <summary>Plans and prints; returns the exit code.</summary>
    public static async Task<int> RunAsync(
        State.DesiredState state, ReconcileContext context, OutputFormat format, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        var result = await ReconcileRunner.CreateReconciler().PlanAsync(state, context, cancellationToken).ConfigureAwait(false);
        Print(result, context, format, stdout);
        return EndpointSources.Held(result.Sources, ExitCode(result), stderr);
    }

    /// <summary>Prints a plan as text or JSON.</summary>
    public static void Print(PlanResult result, ReconcileContext context, OutputFormat format, TextWriter stdout)
    {
        if (format == OutputFormat.Json)
        {
            stdout.WriteLine(JsonSerializer.Serialize(PlanReport.From(result, context), ReconcileJsonContext.Readable.PlanReport));
            return;
        }

        var plan = result.Plan;
        var where = Where(result.Backend, context);
        EndpointSources.Print(result.Sources, stdout);
        foreach (var choice in result.BackendChoices)
        {
            stdout.WriteLine($"backend: {choice}");
        }

        if (plan.InSync)
        {
            stdout.WriteLine($"in sync ({where}): nothing to change");
            return;
        }

        stdout.WriteLine($"plan ({where}): {Count(plan.Steps.Count, "change")}");
        foreach (var step in plan.Steps)
        {
            stdout.WriteLine($"  {step.Gate}: {step.Describe()}");
        }

        foreach (var problem in plan.Problems)
        {
            stdout.WriteLine($"  problem: {problem}");
        }

        foreach (var risk in plan.FailoverRisks)
        {
            stdout.WriteLine($"  fail-over risk: {risk}");
        }

        if (!plan.CanApply)
        {
            stdout.WriteLine("apply would refuse and change nothing until the problems are solved");
        }
    }

    /// <summary>0 in sync, 2 changes pending, 1 when problems block apply.</summary>
    public static int ExitCode(PlanResult result) =>
        !result.Plan.CanApply ? ExitCodes.Error : result.Plan.InSync ? ExitCodes.Ok : ExitCodes.ChangesPending;

    /// <summary>"netlink" or "netlink, netns NAME".</summary>
    public static string Where(string backend, ReconcileContext context) =>
        context.Netns is null ? backend : $"{backend}, netns {context.Netns}";

    /// <summary>"1 change", "3 changes".</summary>
    public static string Count(int count, string noun) => $"{count} {noun}{(count == 1 ? "" : "s")}";
}
