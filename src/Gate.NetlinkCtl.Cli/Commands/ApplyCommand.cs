using System.CommandLine;
using System.Text.Json;
using Gate.NetlinkCtl.Cli.Output;
using Gate.NetlinkCtl.Reconcile;

namespace Gate.NetlinkCtl.Cli.Commands;

/// <summary><c>gatectl apply FILE</c>: converges the host, verifies it, and restores the previous state if a step fails.</summary>
internal static class ApplyCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Build()
    {
        var file = ReconcileOptions.StateFileArgument();
        var output = CommonOptions.Output();
        var dryRun = new Option<bool>("--dry-run") { Description = "Only show the plan (same as gatectl plan)." };
        var command = new Command("apply", "Bring the host to the desired state, verify it, and restore the previous state if a step fails.")
        {
            file,
            dryRun,
            output,
        };
        command.WithReconcileOptions().SetAction((parse, cancellationToken) =>
        {
            var stdout = parse.InvocationConfiguration.Output;
            var stderr = parse.InvocationConfiguration.Error;
            var context = ReconcileOptions.Context(parse);
            var format = parse.GetValue(output);
            return ReconcileRunner.WithStateAsync(parse.GetValue(file)!, stderr, async state =>
            {
                if (parse.GetValue(dryRun))
                {
                    return await PlanCommand.RunAsync(state, context, format, stdout, stderr, cancellationToken).ConfigureAwait(false);
                }

                if (!ReconcileRunner.MayChangeNetwork("apply", stderr))
                {
                    return ExitCodes.Error;
                }

                var result = await ReconcileRunner.CreateReconciler().ApplyAsync(state, context, cancellationToken).ConfigureAwait(false);
                if (format == OutputFormat.Text)
                {
                    EndpointSources.Print(result.Sources, stdout);
                }

                var exitCode = EndpointSources.Held(result.Sources, Print(result, context, format, "apply", stdout, stderr), stderr);
                return EndpointSources.Registrations(result.Registrations, exitCode, format, stdout, stderr);
            });
        });
        return command;
    }

    /// <summary>Prints what an apply (or delete) did and returns the exit code: 0 on success, 1 on failure.</summary>
    public static int Print(ApplyResult result, ReconcileContext context, OutputFormat format, string verb, TextWriter stdout, TextWriter stderr)
    {
        if (format == OutputFormat.Json)
        {
            stdout.WriteLine(JsonSerializer.Serialize(ApplyReport.From(result, context), ReconcileJsonContext.Readable.ApplyReport));
            return result.Succeeded ? ExitCodes.Ok : ExitCodes.Error;
        }

        var where = PlanCommand.Where(result.Backend, context);
        if (result.WasInSync)
        {
            stdout.WriteLine($"in sync ({where}): nothing to change, nothing written");
            return ExitCodes.Ok;
        }

        foreach (var step in result.Executed)
        {
            stdout.WriteLine($"  done: {step.Describe()}");
        }

        if (result.Failure is not { } failure)
        {
            stdout.WriteLine($"{verb} ({where}): {PlanCommand.Count(result.Executed.Count, "change")}, verified in sync");
            return ExitCodes.Ok;
        }

        stderr.WriteLine($"gatectl: {verb} failed{(failure.FailedStep is null ? "" : $" at '{failure.FailedStep.Describe()}'")}: {failure.Message}");
        switch (failure.Stage)
        {
            case ApplyStage.Plan:
                break;
            case ApplyStage.Execute when failure.Restored:
                foreach (var step in failure.RestoreSteps)
                {
                    stderr.WriteLine($"  restored: {step.Describe()}");
                }

                stderr.WriteLine($"gatectl: the host is as it was before the {verb} ({PlanCommand.Count(failure.RestoreSteps.Count, "restoring step")})");
                break;
            case ApplyStage.Execute:
                stderr.WriteLine($"gatectl: restoring the previous state failed too: {failure.RestoreError}; run '{verb}' again once the cause is fixed");
                break;
            default:
                stderr.WriteLine($"gatectl: run '{verb}' again; if it keeps differing, something else on the host is changing these objects");
                break;
        }

        return ExitCodes.Error;
    }
}
