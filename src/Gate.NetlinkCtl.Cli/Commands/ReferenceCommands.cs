using System.CommandLine;
using Gate.NetlinkCtl.Cli.Reference;

namespace Gate.NetlinkCtl.Cli.Commands;

/// <summary>
/// <c>gatectl man</c> and <c>gatectl completion bash</c>: gatectl's man page and bash completion, written from the
/// command tree at package build time (and for hosts that install the bare binary). Hidden: they are build tools, not
/// verbs an operator needs in <c>--help</c>.
/// </summary>
internal static class ReferenceCommands
{
    /// <summary>Builds <c>gatectl man</c>.</summary>
    public static Command BuildMan()
    {
        var command = new Command("man", "Print the gatectl(8) man page (troff), generated from the command tree.") { Hidden = true };
        command.SetAction(parse =>
        {
            parse.InvocationConfiguration.Output.Write(ManPage.Write(VerbReference.Of(GatectlCli.BuildRoot()), VersionCommand.Current));
            return ExitCodes.Ok;
        });
        return command;
    }

    /// <summary>Builds <c>gatectl completion SHELL</c>.</summary>
    public static Command BuildCompletion()
    {
        var shell = new Argument<string>("shell") { Description = "The shell to complete for: bash." };
        shell.AcceptOnlyFromAmong("bash");
        var command = new Command("completion", "Print a completion script for the shell, generated from the command tree.") { shell };
        command.Hidden = true;
        command.SetAction(parse =>
        {
            parse.InvocationConfiguration.Output.Write(BashCompletion.Write(VerbReference.Of(GatectlCli.BuildRoot())));
            return ExitCodes.Ok;
        });
        return command;
    }
}
