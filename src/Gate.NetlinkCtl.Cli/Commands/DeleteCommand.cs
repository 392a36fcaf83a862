using System.CommandLine;
using Gate.NetlinkCtl.Cli.Output;
using Gate.NetlinkCtl.Reconcile;

namespace Gate.NetlinkCtl.Cli.Commands;

/// <summary><c>gatectl delete FILE</c>: removes exactly what gatectl made for the gates in the file, nothing else.</summary>
internal static class DeleteCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Build()
    {
        var file = ReconcileOptions.StateFileArgument();
        var output = CommonOptions.Output();
        var command = new Command("delete", "Remove exactly what gatectl made for the gates in the file (devices with gatectl's alias); foreign objects stay.")
        {
            file,
            output,
        };
        command.WithReconcileOptions().SetAction((parse, cancellationToken) =>
        {
            var stdout = parse.InvocationConfiguration.Output;
            var stderr = parse.InvocationConfiguration.Error;
            var context = ReconcileOptions.Context(parse);
            return ReconcileRunner.WithStateAsync(parse.GetValue(file)!, stderr, async state =>
            {
                if (!ReconcileRunner.MayChangeNetwork("delete", stderr))
                {
                    return ExitCodes.Error;
                }

                ApplyResult result = await ReconcileRunner.CreateReconciler().DeleteAsync(state, context, cancellationToken).ConfigureAwait(false);
                var exitCode = ApplyCommand.Print(result, context, parse.GetValue(output), "delete", stdout, stderr);
                return EndpointSources.Registrations(result.Registrations, exitCode, parse.GetValue(output), stdout, stderr);
            });
        });
        return command;
    }
}
