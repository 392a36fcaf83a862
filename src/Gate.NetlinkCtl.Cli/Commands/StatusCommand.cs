using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Gate.NetlinkCtl.Daemon;
using Gate.NetlinkCtl.Daemon.Metrics;

namespace Gate.NetlinkCtl.Cli.Commands;

/// <summary><c>gatectl status</c>: what the daemon last did, read from the status file it writes after every reconcile.</summary>
internal static class StatusCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Build()
    {
        var runtimeDirectory = DaemonCliOptions.RuntimeDirectory();
        var output = CommonOptions.Output();
        var command = new Command("status", "Show the daemon's last reconcile (when, result, drift repaired, errors). Exit 0 when the daemon runs and its last reconcile succeeded, 1 otherwise.")
        {
            ReconcileOptions.Netns,
            runtimeDirectory,
            output,
        };
        command.SetAction(parse => Run(
            StatusFile.PathIn(parse.GetValue(runtimeDirectory)!, parse.GetValue(ReconcileOptions.Netns)),
            parse.GetValue(output),
            DateTimeOffset.UtcNow,
            parse.InvocationConfiguration.Output,
            parse.InvocationConfiguration.Error));
        return command;
    }

    /// <summary>Reads the status at <paramref name="path"/> and prints it; returns the exit code.</summary>
    public static int Run(string path, OutputFormat format, DateTimeOffset now, TextWriter stdout, TextWriter stderr)
    {
        DaemonStatus? status;
        try
        {
            status = StatusFile.Read(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException)
        {
            stderr.WriteLine($"gatectl: cannot read the daemon's status file '{path}': {e.Message}");
            return ExitCodes.Error;
        }

        var running = status is not null && StatusFile.IsRunning(status.Pid);
        if (format == OutputFormat.Json)
        {
            stdout.WriteLine(StatusFile.Serialize(new DaemonStatusReport(path, running, status)));
        }
        else if (status is null)
        {
            stderr.WriteLine($"gatectl: no daemon status at {path}: the daemon has not run (systemctl status gatectl), or runs with another --netns/--runtime-dir");
        }
        else
        {
            WriteText(status, running, now, stdout);
        }

        var healthy = running && status!.LastReconcile is { Result: not ReconcileResults.Failed };
        return healthy ? ExitCodes.Ok : ExitCodes.Error;
    }

    private static void WriteText(DaemonStatus status, bool running, DateTimeOffset now, TextWriter o)
    {
        o.WriteLine($"daemon:       {(running ? "running" : "not running")} (pid {status.Pid}, started {When(status.StartedAt, now)}){(status.Netns is null ? "" : $", namespace {status.Netns}")}");
        var state = status.State;
        o.WriteLine($"state file:   {status.StateFile} (sha256 {state.Sha256?[..12] ?? "-"}, loaded {When(state.LoadedAt, now)}; gates: {string.Join(", ", state.Gates)})");
        if (state.RejectedErrors.Count > 0)
        {
            o.WriteLine("              latest edit REFUSED, the state above stays in force:");
            foreach (var rejected in state.RejectedErrors)
            {
                o.WriteLine($"                {rejected}");
            }
        }

        if (status.LastReconcile is not { } last)
        {
            o.WriteLine("last reconcile: none yet");
            return;
        }

        WriteReconcile("last reconcile:", last, now, o);
        if (status.LastRepair is { } repair && repair != last)
        {
            WriteReconcile("last repair:   ", repair, now, o);
        }

        foreach (var gate in last.Gates)
        {
            o.WriteLine($"gate {gate.Gate} ({gate.Interface}): {(gate.InSync ? "in sync" : "OUT OF SYNC")}");
        }

        foreach (var role in status.Ha)
        {
            o.WriteLine($"ha {role.Gate} ({role.Interface}): {(role.Master ? "master, holds" : "backup, does not hold")} {role.VirtualAddress}");
        }

        foreach (var gate in status.Health)
        {
            WriteHealth(gate, now, o);
        }

        o.WriteLine($"last success: {When(status.LastSuccessAt, now)}; failures in a row: {status.ConsecutiveFailures}{(status.NextRetryAt is { } retry ? $", next retry {When(retry, now)}" : "")}");
        o.WriteLine($"since start:  {status.Totals.Reconciles} reconciles, {status.Totals.Failures} failed, {status.Totals.Repairs} repairs");
    }

    // "probe soracom (gate0), every 30s:" then per target "  10.128.1.17  up          rtt 12.41 ms  loss 0% of 20  probed 4 s ago".
    private static void WriteHealth(Health.GateHealthStatus gate, DateTimeOffset now, TextWriter o)
    {
        o.WriteLine(FormattableString.Invariant($"probe {gate.Gate} ({gate.Interface}), every {gate.IntervalSeconds:0.###}s:"));
        var width = gate.Targets.Count == 0 ? 0 : gate.Targets.Max(t => t.Target.Length);
        foreach (var t in gate.Targets)
        {
            var rtt = t.RttSeconds is { } seconds ? FormattableString.Invariant($"rtt {seconds * 1000:0.00} ms") : "rtt -";
            var detail = t.Problem is { } problem
                ? problem
                : FormattableString.Invariant($"{rtt}  loss {t.LossRatio * 100:0.#}% of {t.WindowProbes}  probed {(t.LastProbeAt is { } at ? Span(now - at) + " ago" : "never")}");
            o.WriteLine($"  {t.Target.PadRight(width)}  {(t.State == "down" ? "DOWN" : t.State),-11} {detail}");
        }

        if (gate.Counters is { } counters)
        {
            o.WriteLine($"  {gate.Interface}: {counters}");
        }
    }

    private static void WriteReconcile(string title, ReconcileRecord record, DateTimeOffset now, TextWriter o)
    {
        o.WriteLine($"{title} {record.Result} at {When(record.StartedAt, now)}, took {record.DurationSeconds * 1000:F1} ms, triggered by {string.Join(", ", record.Triggers)}");
        foreach (var repair in record.Repairs)
        {
            o.WriteLine($"  repaired {repair.Gate}: {repair.Detail}");
        }

        if (record.Error is { } error)
        {
            o.WriteLine($"  error: {error}");
        }
    }

    private static string When(DateTimeOffset? at, DateTimeOffset now)
    {
        if (at is not { } time)
        {
            return "never";
        }

        var age = now - time;
        var relative = age.TotalSeconds switch
        {
            <= -1 => "in " + Span(-age),
            < 1 => "just now",
            _ => Span(age) + " ago",
        };
        return $"{time.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture)} ({relative})";
    }

    private static string Span(TimeSpan span) => span.TotalSeconds switch
    {
        < 120 => $"{(int)span.TotalSeconds} s",
        < 7200 => $"{(int)span.TotalMinutes} min",
        < 172800 => $"{(int)span.TotalHours} h",
        _ => $"{(int)span.TotalDays} d",
    };
}
