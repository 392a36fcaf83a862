using System.Text.Json;
using System.Text.Json.Serialization;
using Gate.NetlinkCtl.Reconcile;
using Gate.NetlinkCtl.Reconcile.Diff;
using Gate.NetlinkCtl.Reconcile.Plan;

namespace Gate.NetlinkCtl.Cli.Output;

/// <summary>One plan step in JSON.</summary>
/// <param name="Gate">The gate it belongs to.</param>
/// <param name="Interface">The device it changes.</param>
/// <param name="Action">A stable verb such as <c>create-device</c>.</param>
/// <param name="Description">The change in words.</param>
internal sealed record StepEntry(string Gate, string Interface, string Action, string Description)
{
    /// <summary>Copies a step.</summary>
    public static StepEntry From(PlanStep step) => new(step.Gate, step.Interface, step.Action, step.Describe());
}

/// <summary>A problem that keeps apply from running, in JSON.</summary>
/// <param name="Gate">The gate.</param>
/// <param name="Interface">Its interface.</param>
/// <param name="Message">What is wrong and what to do.</param>
internal sealed record ProblemEntry(string Gate, string Interface, string Message);

/// <summary><c>gatectl plan --output json</c> (and <c>apply --dry-run</c>).</summary>
/// <param name="Backend">The backend that observed.</param>
/// <param name="Netns">The namespace, or null.</param>
/// <param name="InSync">True when nothing would change.</param>
/// <param name="Steps">The changes apply would make, in order.</param>
/// <param name="Problems">What keeps apply from running.</param>
internal sealed record PlanReport(string Backend, string? Netns, bool InSync, IReadOnlyList<StepEntry> Steps, IReadOnlyList<ProblemEntry> Problems)
{
    /// <summary>Builds the report of a plan.</summary>
    public static PlanReport From(PlanResult result, ReconcileContext context) => new(
        result.Backend, context.Netns, result.Plan.InSync,
        [.. result.Plan.Steps.Select(StepEntry.From)],
        [.. result.Plan.Problems.Select(p => new ProblemEntry(p.Gate, p.Interface, p.Message))])
    {
        BackendChoices = result.BackendChoices,
        Sources = EndpointSources.Entries(result.Sources),
        FailoverRisks = [.. result.Plan.FailoverRisks],
    };

    /// <summary>Steps that would move a VRRP pair's virtual address to the other peer (apply runs them anyway).</summary>
    public IReadOnlyList<string> FailoverRisks { get; init; } = [];

    /// <summary>Which backend <c>auto</c> chose and why (empty when the backend was named).</summary>
    public IReadOnlyList<string> BackendChoices { get; init; } = [];

    /// <summary>Where SORACOM-sourced endpoints came from (empty without a <c>soracom</c> source).</summary>
    public IReadOnlyList<SourceEntry> Sources { get; init; } = [];
}

/// <summary><c>gatectl apply --output json</c> and <c>gatectl delete --output json</c>.</summary>
/// <param name="Backend">The backend that ran.</param>
/// <param name="Netns">The namespace, or null.</param>
/// <param name="Succeeded">True when the host is now in sync (verified).</param>
/// <param name="Executed">Steps that completed.</param>
/// <param name="Failure">What failed, or null.</param>
internal sealed record ApplyReport(string Backend, string? Netns, bool Succeeded, IReadOnlyList<StepEntry> Executed, FailureEntry? Failure)
{
    /// <summary>Builds the report of an apply.</summary>
    public static ApplyReport From(ApplyResult result, ReconcileContext context) => new(
        result.Backend, context.Netns, result.Succeeded,
        [.. result.Executed.Select(StepEntry.From)],
        result.Failure is { } f
            ? new FailureEntry(f.Stage.ToString().ToLowerInvariant(), f.Message, f.FailedStep is null ? null : StepEntry.From(f.FailedStep),
                [.. f.RestoreSteps.Select(StepEntry.From)], f.Restored, f.RestoreError)
            : null)
    {
        Sources = EndpointSources.Entries(result.Sources),
    };

    /// <summary>Where SORACOM-sourced endpoints came from; a gate with origin <c>none</c> was left as it was.</summary>
    public IReadOnlyList<SourceEntry> Sources { get; init; } = [];
}

/// <summary>Why an apply failed, in JSON.</summary>
/// <param name="Stage"><c>plan</c> (nothing changed), <c>execute</c> (restored) or <c>verify</c>.</param>
/// <param name="Message">What failed.</param>
/// <param name="FailedStep">The step that failed, if one did.</param>
/// <param name="RestoreSteps">What was run to restore the pre-apply state.</param>
/// <param name="Restored">True when the host is as before the apply.</param>
/// <param name="RestoreError">Why restoring failed, or null.</param>
internal sealed record FailureEntry(string Stage, string Message, StepEntry? FailedStep, IReadOnlyList<StepEntry> RestoreSteps, bool Restored, string? RestoreError);

/// <summary><c>gatectl diff --output json</c>.</summary>
/// <param name="Backend">The backend that observed.</param>
/// <param name="Netns">The namespace, or null.</param>
/// <param name="InSync">True when every gate is in sync.</param>
/// <param name="Gates">Each gate's status and differences.</param>
/// <param name="HostChanges">Pending host-feature changes.</param>
/// <param name="Foreign">Objects gatectl did not make, left alone.</param>
/// <param name="Problems">What keeps apply from running.</param>
internal sealed record DiffReport(
    string Backend, string? Netns, bool InSync, IReadOnlyList<GateEntry> Gates, IReadOnlyList<string> HostChanges,
    IReadOnlyList<ForeignEntry> Foreign, IReadOnlyList<ProblemEntry> Problems)
{
    /// <summary>Builds the report of a drift report.</summary>
    public static DiffReport From(DriftReport report, ReconcileContext context) => new(
        report.Backend, context.Netns, report.InSync,
        [.. report.Gates.Select(g => new GateEntry(g.Gate, g.Interface, StatusText(g.Status), [.. g.Differences]))],
        [.. report.HostChanges],
        [.. report.Foreign.Select(f => new ForeignEntry(f.Interface, f.Kind.ToString().ToLowerInvariant(), f.Description))],
        [.. report.Problems.Select(p => new ProblemEntry(p.Gate, p.Interface, p.Message))])
    {
        Sources = EndpointSources.Entries(report.Sources),
        HeldByKeepalived = [.. report.HeldByKeepalived.Select(k => new KeepalivedEntry(k.Gate, k.Interface, k.Address.Address.ToString()))],
    };

    /// <summary>VRRP virtual addresses on their gates: keepalived's, neither drift nor foreign.</summary>
    public IReadOnlyList<KeepalivedEntry> HeldByKeepalived { get; init; } = [];

    /// <summary>Where SORACOM-sourced endpoints came from, with the answer's age (staleness) and the API's error.</summary>
    public IReadOnlyList<SourceEntry> Sources { get; init; } = [];

    /// <summary>A status as text and JSON spell it.</summary>
    public static string StatusText(GateStatus status) => status switch
    {
        GateStatus.InSync => "in-sync",
        _ => status.ToString().ToLowerInvariant(),
    };
}

/// <summary>One gate in <c>diff</c> JSON.</summary>
/// <param name="Gate">Gate name.</param>
/// <param name="Interface">Its device.</param>
/// <param name="Status"><c>in-sync</c>, <c>drifted</c>, <c>missing</c>, <c>absent</c>, <c>orphaned</c>, <c>conflict</c> or <c>held</c>.</param>
/// <param name="Differences">What differs.</param>
internal sealed record GateEntry(string Gate, string Interface, string Status, IReadOnlyList<string> Differences);

/// <summary>A virtual address held by keepalived, in <c>diff</c> JSON.</summary>
/// <param name="Gate">The gate whose <c>ha.virtualAddress</c> it is.</param>
/// <param name="Interface">The device it is on.</param>
/// <param name="Address">The address with the prefix length the kernel holds.</param>
internal sealed record KeepalivedEntry(string Gate, string Interface, string Address);

/// <summary>A foreign object in <c>diff</c> JSON.</summary>
/// <param name="Interface">The device it is on (or is).</param>
/// <param name="Kind"><c>device</c>, <c>address</c>, <c>fdbentry</c> or <c>route</c>.</param>
/// <param name="Description">What it is.</param>
internal sealed record ForeignEntry(string Interface, string Kind, string Description);

/// <summary>Source-generated JSON for the reconciling verbs (no reflection, so native AOT works).</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, WriteIndented = true)]
[JsonSerializable(typeof(PlanReport))]
[JsonSerializable(typeof(ApplyReport))]
[JsonSerializable(typeof(DiffReport))]
internal sealed partial class ReconcileJsonContext : JsonSerializerContext
{
    /// <summary>The context with readable text: "VNI 10 -> 200" stays as written instead of "-\u003E".</summary>
    public static ReconcileJsonContext Readable { get; } = new(new JsonSerializerOptions
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        WriteIndented = true,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    });
}
