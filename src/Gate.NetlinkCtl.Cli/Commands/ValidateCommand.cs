using System.CommandLine;
using System.Text.Json;
using Gate.NetlinkCtl.Cli.Output;
using Gate.NetlinkCtl.State;

namespace Gate.NetlinkCtl.Cli.Commands;

/// <summary><c>gatectl validate FILE</c>: loads a state file and checks every rule, touching nothing on the host.</summary>
internal static class ValidateCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Build()
    {
        var output = CommonOptions.Output();
        var file = new Argument<string>("file") { Description = "The state file to check, such as /etc/gatectl/state.yaml." };
        var command = new Command("validate", "Check a state file and report every error with file:line:column; changes nothing.")
        {
            file,
            output,
        };
        command.SetAction(parse => Run(
            parse.GetValue(file)!,
            parse.GetValue(output),
            parse.InvocationConfiguration.Output,
            parse.InvocationConfiguration.Error));
        return command;
    }

    /// <summary>Validates <paramref name="path"/> and prints the outcome; returns the exit code.</summary>
    public static int Run(string path, OutputFormat format, TextWriter stdout, TextWriter stderr)
    {
        StateLoadResult result;
        try
        {
            result = StateFile.Read(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            stderr.WriteLine($"gatectl: cannot read state file '{path}': {Reason(e)}");
            return ExitCodes.Error;
        }

        var gates = result.State?.Gates.Count ?? 0;
        if (format == OutputFormat.Json)
        {
            var report = new ValidationReport(path, result.IsValid, gates,
                result.Errors.Select(e => new ValidationErrorEntry(e.File, e.Line, e.Column, e.Path, e.Message)).ToList());
            stdout.WriteLine(JsonSerializer.Serialize(report, CliJsonContext.Default.ValidationReport));
        }
        else if (result.IsValid)
        {
            stdout.WriteLine($"{path}: ok ({gates} gate{(gates == 1 ? "" : "s")})");
        }
        else
        {
            foreach (var error in result.Errors)
            {
                stderr.WriteLine(error);
            }

            stderr.WriteLine($"{path}: {result.Errors.Count} error{(result.Errors.Count == 1 ? "" : "s")}; nothing was changed");
        }

        return result.IsValid ? ExitCodes.Ok : ExitCodes.InvalidState;
    }

    private static string Reason(Exception e) => e switch
    {
        FileNotFoundException or DirectoryNotFoundException => "no such file",
        UnauthorizedAccessException => "permission denied",
        _ => e.Message,
    };
}
