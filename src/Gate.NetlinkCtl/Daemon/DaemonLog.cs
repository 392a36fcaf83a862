using Microsoft.Extensions.Logging;

namespace Gate.NetlinkCtl.Daemon;

/// <summary>The daemon's log lines, one event id each, shared by its parts (all log under <see cref="ReconcileDaemon"/>).</summary>
internal static partial class DaemonLog
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "gatectl daemon started: state {Path}, namespace {Netns}, rtnetlink events {Events}, full resync every {Interval}")]
    public static partial void Started(ILogger logger, string path, string netns, string events, string interval);

    [LoggerMessage(EventId = 2, Level = LogLevel.Information, Message = "gatectl daemon stopped")]
    public static partial void Stopped(ILogger logger);

    [LoggerMessage(EventId = 3, Level = LogLevel.Information, Message = "State file {Path} loaded: {Gates} gate(s), sha256 {Hash}")]
    public static partial void StateLoaded(ILogger logger, string path, int gates, string hash);

    [LoggerMessage(EventId = 4, Level = LogLevel.Error, Message = "State file {Path} refused; the last good state stays in force. Fix the file and save it again:\n{Errors}")]
    public static partial void StateRefused(ILogger logger, string path, string errors);

    [LoggerMessage(EventId = 5, Level = LogLevel.Information, Message = "Reconciled ({Triggers}): {Result}, {Repairs} repair(s), {Milliseconds:F1} ms")]
    public static partial void Reconciled(ILogger logger, string triggers, string result, int repairs, double milliseconds);

    [LoggerMessage(EventId = 6, Level = LogLevel.Warning, Message = "Repaired drift on gate {Gate}: {Kind}: {Detail}")]
    public static partial void Repaired(ILogger logger, string gate, string kind, string detail);

    [LoggerMessage(EventId = 7, Level = LogLevel.Information, Message = "Applied on gate {Gate}: {Detail}")]
    public static partial void Applied(ILogger logger, string gate, string detail);

    [LoggerMessage(EventId = 8, Level = LogLevel.Error, Message = "Reconcile ({Triggers}) failed: {Error}. Failure {Failures} in a row; retrying in {Delay}")]
    public static partial void ReconcileFailed(ILogger logger, string triggers, string error, int failures, TimeSpan delay);

    [LoggerMessage(EventId = 9, Level = LogLevel.Warning, Message = "rtnetlink event listener failed: {Error}; resubscribing in {Delay}, with a full reconcile")]
    public static partial void ListenerFailed(ILogger logger, string error, TimeSpan delay);

    [LoggerMessage(EventId = 10, Level = LogLevel.Warning, Message = "Could not list interfaces to match rtnetlink events to gates: {Error}")]
    public static partial void ListingFailed(ILogger logger, string error);

    [LoggerMessage(EventId = 11, Level = LogLevel.Warning, Message = "Could not write {Path}: {Error}")]
    public static partial void WriteFailed(ILogger logger, string path, string error);

    [LoggerMessage(EventId = 12, Level = LogLevel.Warning, Message = "{Warning}")]
    public static partial void PassWarning(ILogger logger, string warning);

    [LoggerMessage(EventId = 13, Level = LogLevel.Information, Message = "Repaired drift on gate {Gate} at once from a kernel event (fast path): {Kind}: {Detail}, {Milliseconds:F2} ms; a full reconcile follows")]
    public static partial void RepairedAtOnce(ILogger logger, string gate, string kind, string detail, double milliseconds);

    [LoggerMessage(EventId = 14, Level = LogLevel.Warning, Message = "Fast-path repair on gate {Gate} failed ({Detail}): {Error}; the full reconcile that follows takes over")]
    public static partial void FastRepairFailed(ILogger logger, string gate, string detail, string error);

    [LoggerMessage(EventId = 15, Level = LogLevel.Information, Message = "Probing gate {Gate}: one ICMP echo to each of {Count} target(s) ({Targets}) every {Interval}, timeout {Timeout}")]
    public static partial void ProbingStarted(ILogger logger, string gate, int count, string targets, string interval, string timeout);

    [LoggerMessage(EventId = 16, Level = LogLevel.Warning, Message = "Probe target {Target} of gate {Gate} is down: no reply to the last {Misses} echo requests through the overlay; run 'gatectl check' for the cause")]
    public static partial void TargetDown(ILogger logger, string target, string gate, long misses);

    [LoggerMessage(EventId = 17, Level = LogLevel.Information, Message = "Probe target {Target} of gate {Gate} is up again: reply in {Milliseconds:F2} ms, after {Downtime} down")]
    public static partial void TargetUp(ILogger logger, string target, string gate, double milliseconds, string downtime);

    [LoggerMessage(EventId = 18, Level = LogLevel.Warning, Message = "Cannot probe {Target} of gate {Gate}: {Problem}")]
    public static partial void ProbeUnavailable(ILogger logger, string target, string gate, string problem);

    [LoggerMessage(EventId = 19, Level = LogLevel.Error, Message = "Probing gate {Gate} stopped: {Error}; it starts again when the state file changes or the daemon restarts")]
    public static partial void ProbingFailed(ILogger logger, string gate, string error);
}
