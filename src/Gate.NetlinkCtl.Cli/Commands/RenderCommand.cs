using System.CommandLine;
using Gate.NetlinkCtl.Rendering;
using Gate.NetlinkCtl.State;

namespace Gate.NetlinkCtl.Cli.Commands;

/// <summary>
/// <c>gatectl render FILE --format networkd|nm-keyfile|iproute2|nftables [--out DIR] [--templates DIR]</c>:
/// renders the state as configuration for another tool, touching nothing on the host.
/// </summary>
internal static class RenderCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Build()
    {
        var file = new Argument<string>("file") { Description = "The state file to render, such as /etc/gatectl/state.yaml." };
        var format = new Option<RenderFormat>("--format", "-f")
        {
            Description = "What to render: networkd, nm-keyfile, iproute2 or nftables.",
            Required = true,
            CustomParser = result => RenderFormatNames.TryParse(result.Tokens[0].Value, out var parsed) ? parsed : default,
        };
        format.AcceptOnlyFromAmong([.. RenderFormatNames.All]);
        var output = new Option<string?>("--out") { Description = "Write the files into this directory instead of printing them." };
        var templates = new Option<string?>("--templates")
        {
            Description = "Use the templates in this directory (one folder per format, like gatectl's templates/) instead of the built-in ones.",
        };
        var command = new Command("render", "Render the state as systemd-networkd files, NetworkManager keyfiles, an iproute2 script or gatectl's nftables table; changes nothing on the host.")
        {
            file,
            format,
            output,
            templates,
        };
        command.SetAction(parse => Run(
            new RenderRequest(parse.GetValue(file)!, parse.GetValue(format), parse.GetValue(output), parse.GetValue(templates)),
            parse.InvocationConfiguration.Output,
            parse.InvocationConfiguration.Error));
        return command;
    }

    /// <summary>Loads, validates and renders as <paramref name="request"/> asks; returns the exit code.</summary>
    public static int Run(RenderRequest request, TextWriter stdout, TextWriter stderr)
    {
        StateLoadResult loaded;
        try
        {
            loaded = StateFile.Read(request.StateFile);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            stderr.WriteLine($"gatectl: cannot read state file '{request.StateFile}': {e.Message}");
            return ExitCodes.Error;
        }

        if (loaded.State is null)
        {
            foreach (var error in loaded.Errors)
            {
                stderr.WriteLine(error);
            }

            stderr.WriteLine($"{request.StateFile}: {loaded.Errors.Count} error(s); nothing was rendered");
            return ExitCodes.InvalidState;
        }

        try
        {
            var source = request.Templates is null ? TemplateSource.Embedded : TemplateSource.FromDirectory(request.Templates);
            var files = new StateRenderer(source).Render(loaded.State, request.Format, Path.GetFileName(request.StateFile));
            if (request.OutputDirectory is null)
            {
                Print(files, stdout);
            }
            else
            {
                foreach (var path in RenderedFileWriter.Write(request.OutputDirectory, files))
                {
                    stderr.WriteLine($"gatectl: wrote {path}");
                }
            }

            return ExitCodes.Ok;
        }
        catch (TemplateException e)
        {
            stderr.WriteLine($"gatectl: {e.Message}");
            return ExitCodes.Error;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            stderr.WriteLine($"gatectl: cannot write the rendered files: {e.Message}");
            return ExitCodes.Error;
        }
    }

    // Several files on stdout are told apart the way head(1) does it.
    private static void Print(IReadOnlyList<RenderedFile> files, TextWriter stdout)
    {
        foreach (var file in files)
        {
            if (files.Count > 1)
            {
                stdout.WriteLine($"==> {file.RelativePath} <==");
            }

            stdout.Write(file.Content);
            if (files.Count > 1)
            {
                stdout.WriteLine();
            }
        }
    }
}

/// <summary>What <c>gatectl render</c> was asked to do.</summary>
/// <param name="StateFile">The state file.</param>
/// <param name="Format">What to render.</param>
/// <param name="OutputDirectory">Where to write the files, or null to print them.</param>
/// <param name="Templates">A templates directory of the user's, or null for the built-in templates.</param>
internal sealed record RenderRequest(string StateFile, RenderFormat Format, string? OutputDirectory, string? Templates);
