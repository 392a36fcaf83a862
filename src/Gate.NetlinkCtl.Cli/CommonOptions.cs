using System.CommandLine;

namespace Gate.NetlinkCtl.Cli;

/// <summary>How a command prints its result.</summary>
public enum OutputFormat
{
    /// <summary>Lines for people; errors on stderr.</summary>
    Text,

    /// <summary>One JSON document on stdout, for scripts.</summary>
    Json,
}

/// <summary>Options every verb shares, defined once so they read the same everywhere.</summary>
public static class CommonOptions
{
    /// <summary><c>--output text|json</c>.</summary>
    public static Option<OutputFormat> Output { get; } = CreateOutput();

    private static Option<OutputFormat> CreateOutput()
    {
        var option = new Option<OutputFormat>("--output", "-o")
        {
            Description = "Output format: text or json.",
            DefaultValueFactory = _ => OutputFormat.Text,
            CustomParser = result => result.Tokens.Count > 0 && result.Tokens[0].Value == "json" ? OutputFormat.Json : OutputFormat.Text,
        };
        option.AcceptOnlyFromAmong("text", "json");
        return option;
    }
}
