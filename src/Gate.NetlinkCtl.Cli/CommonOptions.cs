using System.CommandLine;

namespace Gate.NetlinkCtl.Cli;

/// <summary>How a command prints its result.</summary>
internal enum OutputFormat
{
    /// <summary>Lines for people; errors on stderr.</summary>
    Text,

    /// <summary>One JSON document on stdout, for scripts.</summary>
    Json,
}

/// <summary>
/// Options several verbs share, defined once so they read the same everywhere. Each call returns a
/// new option: a verb adds its own instance, so command trees built side by side share no state.
/// </summary>
internal static class CommonOptions
{
    /// <summary><c>--output text|json</c> (short <c>-o</c>), default text.</summary>
    public static Option<OutputFormat> Output()
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
