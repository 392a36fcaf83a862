using System.CommandLine;
using System.Reflection;

namespace Gate.NetlinkCtl.Cli.Commands;

/// <summary><c>gatectl version</c>: prints the build's version.</summary>
internal static class VersionCommand
{
    /// <summary>The version string of this build.</summary>
    public static string Current =>
        typeof(VersionCommand).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0]
        ?? "0.0.0";

    /// <summary>Builds the command.</summary>
    public static Command Build()
    {
        var command = new Command("version", "Print gatectl's version.");
        command.SetAction(parse =>
        {
            parse.InvocationConfiguration.Output.WriteLine($"gatectl {Current}");
            return ExitCodes.Ok;
        });
        return command;
    }
}
