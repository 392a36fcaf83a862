using System.CommandLine;
using System.Text.Json;
using Gate.NetlinkCtl.Check;
using Gate.NetlinkCtl.Cli.Output;
using Gate.NetlinkCtl.Health;
using Gate.NetlinkCtl.Netlink;
using Gate.NetlinkCtl.SoracomApi;
using Gate.NetlinkCtl.State;

namespace Gate.NetlinkCtl.Cli.Commands;

/// <summary>
/// <c>gatectl check FILE</c>: is the overlay able to carry traffic? One line per check (✔/⚠/✘) with what was seen and
/// the fix; read-only. Exit 0 all passed, 2 warnings only, 1 a failure.
/// </summary>
internal static class CheckCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Build()
    {
        var file = ReconcileOptions.StateFileArgument();
        var output = CommonOptions.Output();
        var netns = new Option<string?>("--netns") { Description = "Check inside this named network namespace (ip netns) instead of the current one." };
        var command = new Command("check", "Check that the overlay carries traffic: underlay, routes, MTU, rp_filter, other VXLAN devices, a ping through the overlay, counters. Changes nothing. Exit 0 pass, 2 warnings, 1 failure.")
        {
            file,
            netns,
            output,
        };
        command.SetAction((parse, cancellationToken) =>
        {
            var stdout = parse.InvocationConfiguration.Output;
            var stderr = parse.InvocationConfiguration.Error;
            return ReconcileRunner.WithStateAsync(parse.GetValue(file)!, stderr, async state =>
            {
                var resolved = await new EndpointResolver().ResolveAsync(state, cancellationToken).ConfigureAwait(false);
                CheckReport report;
                try
                {
                    report = await HostCheck.RunAsync(resolved.State, parse.GetValue(netns), ProbeSettings.Check, cancellationToken).ConfigureAwait(false);
                }
                catch (NetlinkException e)
                {
                    stderr.WriteLine($"gatectl: check: {e.Message}");
                    return ExitCodes.Error;
                }

                report = new CheckReport([.. SoracomFindings.From(resolved, DateTimeOffset.UtcNow), .. report.Findings]);
                Print(report, parse.GetValue(output), stdout);
                return ExitCodeOf(report);
            });
        });
        return command;
    }

    /// <summary>0 when every check passed, 2 for warnings only, 1 when one failed.</summary>
    public static int ExitCodeOf(CheckReport report) => report.Worst switch
    {
        CheckVerdict.Pass => ExitCodes.Ok,
        CheckVerdict.Warn => ExitCodes.ChangesPending,
        _ => ExitCodes.Error,
    };

    /// <summary>Prints the report: per gate one line per check, the fix under each that did not pass; or one JSON document.</summary>
    public static void Print(CheckReport report, OutputFormat format, TextWriter stdout)
    {
        if (format == OutputFormat.Json)
        {
            var json = new CheckJsonReport(VerdictText(report.Worst), report.Findings
                .Select(f => new CheckJsonFinding(f.Gate, f.Check, VerdictText(f.Verdict), f.Seen, f.Fix)).ToList());
            stdout.WriteLine(JsonSerializer.Serialize(json, CliJsonContext.Default.CheckJsonReport));
            return;
        }

        foreach (var gate in report.Findings.Select(f => f.Gate).Distinct())
        {
            stdout.WriteLine($"gate {gate}");
            foreach (var finding in report.Of(gate))
            {
                stdout.WriteLine($"  {finding.Mark} {finding.Check}: {finding.Seen}");
                if (finding.Fix is not null)
                {
                    stdout.WriteLine($"      fix: {finding.Fix}");
                }
            }
        }

        var failures = report.Findings.Count(f => f.Verdict == CheckVerdict.Fail);
        var warnings = report.Findings.Count(f => f.Verdict == CheckVerdict.Warn);
        stdout.WriteLine($"{report.Findings.Count} checks: {report.Findings.Count - failures - warnings} passed, {warnings} warning{(warnings == 1 ? "" : "s")}, {failures} failed");
    }

    private static string VerdictText(CheckVerdict verdict) => verdict switch
    {
        CheckVerdict.Pass => "pass",
        CheckVerdict.Warn => "warn",
        _ => "fail",
    };
}
