using System.Text.Json;
using System.Text.Json.Serialization;

namespace Gate.NetlinkCtl.Daemon;

/// <summary>What the daemon last did, as written to its status file and shown by <c>gatectl status</c>.</summary>
/// <param name="Pid">The daemon's process id.</param>
/// <param name="StateFile">The state file it keeps in force.</param>
/// <param name="Netns">The network namespace it manages, or null for the daemon's own.</param>
/// <param name="StartedAt">When the daemon started.</param>
/// <param name="UpdatedAt">When this status was written.</param>
/// <param name="State">The state file: the content in force and any refused content.</param>
/// <param name="LastReconcile">The latest reconcile, or null before the first one ended.</param>
/// <param name="LastRepair">The latest reconcile that changed something (the one after it usually finds all in sync), or null.</param>
/// <param name="LastSuccessAt">When a reconcile last ended in sync.</param>
/// <param name="ConsecutiveFailures">Reconciles failed in a row.</param>
/// <param name="NextRetryAt">When the next retry is due after a failure, else null.</param>
/// <param name="Totals">Counts since the daemon started.</param>
internal sealed record DaemonStatus(
    int Pid,
    string StateFile,
    string? Netns,
    DateTimeOffset StartedAt,
    DateTimeOffset UpdatedAt,
    StateFileStatus State,
    ReconcileRecord? LastReconcile,
    ReconcileRecord? LastRepair,
    DateTimeOffset? LastSuccessAt,
    int ConsecutiveFailures,
    DateTimeOffset? NextRetryAt,
    ReconcileTotals Totals)
{
    /// <summary>Each VRRP pair's virtual address and whether this host held it at the latest reconcile (empty without <c>ha</c>).</summary>
    public IReadOnlyList<HaRole> Ha { get; init; } = [];

    /// <summary>Each probed gate's latest health round: per target up/down, round trip and loss (empty without <c>health</c>).</summary>
    public IReadOnlyList<Health.GateHealthStatus> Health { get; init; } = [];
}

/// <summary>The state file as the daemon sees it.</summary>
/// <param name="Sha256">The SHA-256 of the content in force.</param>
/// <param name="LoadedAt">When that content was read.</param>
/// <param name="Gates">The gates of the state in force.</param>
/// <param name="RejectedErrors">Errors of the file's latest content when it was refused; empty when it was accepted.</param>
internal sealed record StateFileStatus(string? Sha256, DateTimeOffset? LoadedAt, IReadOnlyList<string> Gates, IReadOnlyList<string> RejectedErrors);

/// <summary>One finished reconcile.</summary>
/// <param name="StartedAt">When it started.</param>
/// <param name="DurationSeconds">How long it took.</param>
/// <param name="Triggers">What asked for it (start, kernel-event, periodic, retry, state-file-changed, reload, events-lost).</param>
/// <param name="Result">in-sync, repaired or failed.</param>
/// <param name="Repairs">The drift it repaired.</param>
/// <param name="Gates">Each gate and whether it ended in sync.</param>
/// <param name="Error">Why it failed, or null.</param>
internal sealed record ReconcileRecord(
    DateTimeOffset StartedAt,
    double DurationSeconds,
    IReadOnlyList<string> Triggers,
    string Result,
    IReadOnlyList<DriftRepair> Repairs,
    IReadOnlyList<GateSync> Gates,
    string? Error);

/// <summary>Counts since the daemon started.</summary>
/// <param name="Reconciles">Reconciles run.</param>
/// <param name="Failures">Reconciles that failed.</param>
/// <param name="Repairs">Drift repairs applied.</param>
internal sealed record ReconcileTotals(long Reconciles, long Failures, long Repairs);

/// <summary>What <c>gatectl status --output json</c> prints: where it looked, whether the daemon runs, and its status.</summary>
/// <param name="StatusFile">The status file read.</param>
/// <param name="Running">True when the process that wrote the status is still alive.</param>
/// <param name="Status">The daemon's status, or null when there is no status file.</param>
internal sealed record DaemonStatusReport(string StatusFile, bool Running, DaemonStatus? Status);

/// <summary>Reads and writes the daemon's status file (JSON), atomically.</summary>
internal static class StatusFile
{
    /// <summary>The daemon's runtime directory (systemd's RuntimeDirectory=gatectl).</summary>
    public const string RuntimeDirectory = "/run/gatectl";

    /// <summary>The status file of the daemon managing <paramref name="netns"/> (null: the host's own namespace).</summary>
    public static string DefaultPath(string? netns) => PathIn(RuntimeDirectory, netns);

    /// <summary>The status file of the daemon managing <paramref name="netns"/>, in <paramref name="runtimeDirectory"/>.</summary>
    public static string PathIn(string runtimeDirectory, string? netns) =>
        Path.Combine(runtimeDirectory, netns is null ? "status.json" : $"status-{netns}.json");

    /// <summary>Writes <paramref name="status"/> to <paramref name="path"/> atomically, creating the directory if needed.</summary>
    public static void Write(string path, DaemonStatus status)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path)) ?? "/");
        AtomicFile.WriteAllText(path, Serialize(status) + "\n");
    }

    /// <summary>Reads the status at <paramref name="path"/>; null when the file does not exist.</summary>
    /// <exception cref="JsonException">The file is not a status file.</exception>
    public static DaemonStatus? Read(string path)
    {
        if (!File.Exists(path))
        {
            return null;
        }

        return JsonSerializer.Deserialize(File.ReadAllText(path), DaemonJsonContext.Default.DaemonStatus)
            ?? throw new JsonException($"{path}: the status file is empty");
    }

    /// <summary>The status as indented JSON, as in the status file.</summary>
    public static string Serialize(DaemonStatus status) => JsonSerializer.Serialize(status, DaemonJsonContext.Default.DaemonStatus);

    /// <summary>The report as indented JSON, as <c>gatectl status --output json</c> prints it.</summary>
    public static string Serialize(DaemonStatusReport report) => JsonSerializer.Serialize(report, DaemonJsonContext.Default.DaemonStatusReport);

    /// <summary>True when a process with <paramref name="pid"/> exists (the daemon that wrote a status file is still running).</summary>
    public static bool IsRunning(int pid) => pid > 0 && Directory.Exists($"/proc/{pid}");
}

/// <summary>Source-generated JSON for the status file (no reflection, so the native AOT build can read and write it).</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, WriteIndented = true)]
[JsonSerializable(typeof(DaemonStatus))]
[JsonSerializable(typeof(DaemonStatusReport))]
internal sealed partial class DaemonJsonContext : JsonSerializerContext;
