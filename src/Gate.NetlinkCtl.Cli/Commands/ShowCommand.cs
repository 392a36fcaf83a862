using System.CommandLine;
using Gate.NetlinkCtl.State;

namespace Gate.NetlinkCtl.Cli.Commands;

/// <summary><c>gatectl show</c>: gatectl's gates as the kernel has them, in the state file's schema; applying the output changes nothing.</summary>
internal static class ShowCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Build()
    {
        var command = new Command("show", "Print gatectl's gates as they are in the kernel, as a state file (applying it changes nothing).");
        command.WithReconcileOptions().SetAction((parse, cancellationToken) =>
        {
            var stdout = parse.InvocationConfiguration.Output;
            var stderr = parse.InvocationConfiguration.Error;
            var context = ReconcileOptions.Context(parse);
            return ReconcileRunner.GuardAsync(stderr, async () =>
            {
                var shown = await ReconcileRunner.CreateReconciler().ShowAsync(context, cancellationToken).ConfigureAwait(false);
                StateWriter.Write(shown.State, stdout);
                foreach (var skipped in shown.Skipped)
                {
                    stderr.WriteLine($"gatectl: not shown: {skipped}");
                }

                return ExitCodes.Ok;
            });
        });
        return command;
    }
}
