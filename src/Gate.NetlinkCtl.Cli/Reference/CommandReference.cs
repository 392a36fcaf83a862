using System.CommandLine;
using System.CommandLine.Completions;

namespace Gate.NetlinkCtl.Cli.Reference;

/// <summary>
/// One visible verb of gatectl's command tree, read from the System.CommandLine objects themselves, so the man page and
/// the shell completion say exactly what <c>--help</c> says and never drift from it.
/// </summary>
/// <param name="Path">The words that invoke it, such as <c>gatectl soracom register</c>.</param>
/// <param name="Description">Its description, as <c>--help</c> prints it.</param>
/// <param name="Arguments">Its positional arguments, in order.</param>
/// <param name="Options">Its own options (the root's recursive ones, such as <c>--help</c>, are in <see cref="GlobalOptions"/>).</param>
/// <param name="Verbs">Its visible subcommands.</param>
/// <param name="GlobalOptions">The options every verb accepts (recursive options of this verb and its parents).</param>
/// <param name="Runnable">True when the verb does something itself; false for a group that only holds verbs (soracom).</param>
internal sealed record VerbReference(
    string Path,
    string Description,
    IReadOnlyList<ArgumentReference> Arguments,
    IReadOnlyList<OptionReference> Options,
    IReadOnlyList<VerbReference> Verbs,
    IReadOnlyList<OptionReference> GlobalOptions,
    bool Runnable)
{
    /// <summary>The name the program is installed as; the root command's own name would be the test host's when run in-process.</summary>
    public const string ProgramName = "gatectl";

    /// <summary>Reads the tree under <paramref name="root"/>; hidden verbs and options are left out.</summary>
    public static VerbReference Of(Command root) => Read(root, ProgramName, []);

    /// <summary>This verb and every verb below it, depth first.</summary>
    public IEnumerable<VerbReference> SelfAndDescendants() => Verbs.SelectMany(v => v.SelfAndDescendants()).Prepend(this);

    private static VerbReference Read(Command command, string path, IReadOnlyList<OptionReference> inherited)
    {
        var own = command.Options.Where(o => !o.Hidden).ToList();
        var global = inherited.Concat(own.Where(o => o.Recursive).Select(OptionReference.Of)).ToList();
        return new VerbReference(
            path,
            command.Description ?? "",
            command.Arguments.Where(a => !a.Hidden).Select(ArgumentReference.Of).ToList(),
            own.Where(o => !o.Recursive).Select(OptionReference.Of).ToList(),
            command.Subcommands.Where(c => !c.Hidden).Select(c => Read(c, $"{path} {c.Name}", global)).ToList(),
            global,
            command.Action is not null);
    }
}

/// <summary>A positional argument of a verb.</summary>
/// <param name="Name">The name <c>--help</c> shows (<c>file</c>).</param>
/// <param name="Description">What it is.</param>
/// <param name="Optional">True when it may be left out.</param>
internal sealed record ArgumentReference(string Name, string Description, bool Optional)
{
    /// <summary>Reads one argument.</summary>
    public static ArgumentReference Of(Argument argument) =>
        new(argument.HelpName ?? argument.Name, argument.Description ?? "", argument.Arity.MinimumNumberOfValues == 0);
}

/// <summary>An option of a verb.</summary>
/// <param name="Names">Its names, short ones first (<c>-o</c>, <c>--output</c>).</param>
/// <param name="ValueName">The placeholder of its value, or null for a flag.</param>
/// <param name="Values">The only values it accepts, when it has such a list; empty otherwise.</param>
/// <param name="Default">Its default as typed on a command line, or null when it has none worth showing.</param>
/// <param name="Description">What it does.</param>
internal sealed record OptionReference(
    IReadOnlyList<string> Names,
    string? ValueName,
    IReadOnlyList<string> Values,
    string? Default,
    string Description)
{
    /// <summary>Reads one option.</summary>
    public static OptionReference Of(Option option)
    {
        // DOS-style aliases (/h, /?) are System.CommandLine's own; on Linux only the dash forms are shown.
        var names = option.Aliases.Prepend(option.Name)
            .Where(n => n.StartsWith('-'))
            .Distinct(StringComparer.Ordinal)
            .OrderBy(n => n.StartsWith("--", StringComparison.Ordinal) ? 1 : 0)
            .ThenBy(n => n, StringComparer.Ordinal)
            .ToList();
        var flag = option.Arity.MaximumNumberOfValues == 0 || option.ValueType == typeof(bool);
        var values = flag ? [] : AllowedValues(option);
        return new OptionReference(
            names,
            flag ? null : option.HelpName ?? option.Name.TrimStart('-'),
            values,
            flag || !option.HasDefaultValue ? null : Display(option.GetDefaultValue()),
            option.Description ?? "");
    }

    /// <summary>
    /// The values an option accepts (AcceptOnlyFromAmong), in the order they were declared. Enum-typed options also
    /// complete their member names (Text, Json); only lower-case words are what a user types.
    /// </summary>
    private static List<string> AllowedValues(Option option) =>
        option.GetCompletions(CompletionContext.Empty)
            .Select(c => c.Label)
            .Where(label => label.Length > 0 && !label.Any(char.IsUpper))
            .Distinct(StringComparer.Ordinal)
            .ToList();

    /// <summary>A default as it would be typed: enum members are lower case on the command line (text, auto).</summary>
    private static string? Display(object? value) => value switch
    {
        null => null,
        Enum member => member.ToString().ToLowerInvariant(),
        _ => Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture),
    };
}
