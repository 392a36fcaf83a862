using System.Text.Json.Serialization;

namespace Gate.NetlinkCtl.Cli.Output;

/// <summary>The result of <c>gatectl validate --output json</c>.</summary>
/// <param name="File">The file as named on the command line.</param>
/// <param name="Valid">True when the state has no error.</param>
/// <param name="Gates">How many gates the valid state holds (0 when invalid).</param>
/// <param name="Errors">Every error, ordered by position.</param>
internal sealed record ValidationReport(string File, bool Valid, int Gates, IReadOnlyList<ValidationErrorEntry> Errors);

/// <summary>One located error in JSON output.</summary>
/// <param name="File">The file.</param>
/// <param name="Line">1-based line (0 when unknown).</param>
/// <param name="Column">1-based column (0 when unknown).</param>
/// <param name="Path">The field path, such as <c>gates[0].vni</c>.</param>
/// <param name="Message">What is wrong and what is expected.</param>
internal sealed record ValidationErrorEntry(string File, int Line, int Column, string Path, string Message);

/// <summary>Source-generated JSON for every type the CLI prints (no reflection, so native AOT works).</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, WriteIndented = true)]
[JsonSerializable(typeof(ValidationReport))]
[JsonSerializable(typeof(CheckJsonReport))]
internal sealed partial class CliJsonContext : JsonSerializerContext;

/// <summary>The result of <c>gatectl check --output json</c>.</summary>
/// <param name="Result"><c>pass</c>, <c>warn</c> or <c>fail</c>: the worst finding.</param>
/// <param name="Findings">Every check in the order it ran.</param>
internal sealed record CheckJsonReport(string Result, IReadOnlyList<CheckJsonFinding> Findings);

/// <summary>One check in JSON output.</summary>
/// <param name="Gate">The gate's name, or <c>host</c>.</param>
/// <param name="Check">The check's short name.</param>
/// <param name="Verdict"><c>pass</c>, <c>warn</c> or <c>fail</c>.</param>
/// <param name="Seen">What was found.</param>
/// <param name="Fix">What to do; null for a pass.</param>
internal sealed record CheckJsonFinding(string Gate, string Check, string Verdict, string Seen, string? Fix);
