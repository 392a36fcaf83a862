using System.CommandLine;
using Gate.NetlinkCtl.State;

namespace Gate.NetlinkCtl.Cli.Commands;

/// <summary>
/// <c>gatectl schema --markdown [--update FILE]</c>: the key tables of docs/state-schema.md, generated from the schema the
/// loader reads. Hidden: a build tool for the docs, not a verb an operator needs.
/// </summary>
internal static class SchemaCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Build()
    {
        var markdown = new Option<bool>("--markdown") { Description = "Print the key tables as Markdown (the only format).", Required = true };
        var update = new Option<FileInfo?>("--update") { Description = "Rewrite the key tables of this schema doc in place instead of printing them." };
        var command = new Command("schema", "Print the state file's key tables, generated from the schema gatectl reads.") { markdown, update };
        command.Hidden = true;
        command.SetAction(parse =>
        {
            if (parse.GetValue(update) is not { } file)
            {
                parse.InvocationConfiguration.Output.Write(StateSchemaDoc.Tables());
                return ExitCodes.Ok;
            }

            try
            {
                File.WriteAllText(file.FullName, StateSchemaDoc.UpdateTables(File.ReadAllText(file.FullName)));
                return ExitCodes.Ok;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidOperationException)
            {
                parse.InvocationConfiguration.Error.WriteLine($"gatectl: {file.FullName}: {e.Message}");
                return ExitCodes.Error;
            }
        });
        return command;
    }
}
