using System.Text;
using System.Text.RegularExpressions;
using CliWrap;
using CliWrap.Buffered;
using Gate.NetlinkCtl.Reconcile.Observe;
using Gate.NetlinkCtl.Reconcile.Plan;
using Gate.NetlinkCtl.State;

namespace Gate.NetlinkCtl.Backends.Iproute2;

/// <summary>
/// The iproute2 backend: observes with <c>ip -j</c> / <c>bridge -j</c> and executes a plan as <c>ip -batch -</c> /
/// <c>bridge -batch -</c> scripts on stdin, through CliWrap with argument arrays (never a shell string).
/// </summary>
internal sealed partial class Iproute2Backend : IGateBackend
{
    /// <summary>How long one <c>ip</c> or <c>bridge</c> process may run before it is killed and the step fails.</summary>
    public static readonly TimeSpan DefaultProcessTimeout = TimeSpan.FromSeconds(30);

    private readonly string? _netns;
    private readonly TimeSpan _processTimeout;
    private readonly string _ip;
    private readonly string _bridge;

    /// <summary>Creates the backend for a named network namespace, or the current one when null.</summary>
    public Iproute2Backend(string? netns = null)
        : this(netns, DefaultProcessTimeout, "ip", "bridge")
    {
    }

    /// <summary>Creates the backend with its own process bound and programs (tests: a program that hangs).</summary>
    internal Iproute2Backend(string? netns, TimeSpan processTimeout, string ip, string bridge)
    {
        _netns = netns;
        _processTimeout = processTimeout;
        _ip = ip;
        _bridge = bridge;
    }

    /// <inheritdoc />
    public string Name => "iproute2";

    /// <inheritdoc />
    public async Task<ObservedHost> ObserveAsync(ObserveRequest request, CancellationToken cancellationToken = default)
    {
        var links = Iproute2Json.Links(await RunAsync("ip", ["-d", "-j", "link", "show"], cancellationToken).ConfigureAwait(false));
        var gateDevices = links.Where(d => d.IsGatectls || request.Interfaces.Contains(d.Name)).ToList();
        var addresses = Iproute2Json.Addresses(await RunAsync("ip", ["-4", "-j", "address", "show"], cancellationToken).ConfigureAwait(false));
        var routes = Iproute2Json.Routes(await RunAsync("ip", ["-N", "-4", "-j", "route", "show", "table", "main"], cancellationToken).ConfigureAwait(false));
        var gates = new List<ObservedGate>();
        foreach (var device in gateDevices)
        {
            var fdb = device.IsVxlan
                ? Iproute2Json.Fdb(await RunAsync("bridge", ["-j", "fdb", "show", "dev", device.Name], cancellationToken).ConfigureAwait(false))
                : [];
            gates.Add(new ObservedGate(device, addresses[device.Name].ToEquatableList(), fdb.ToEquatableList(), routes[device.Name].ToEquatableList()));
        }

        return ObservedHost.Create(
            gates,
            links.Where(d => d.IsVxlan && !gateDevices.Contains(d)),
            links.Where(d => request.Underlays.Contains(d.Name)).Select(d => new ObservedUnderlay(d.Name, d.Index, d.Mtu, d.Up)));
    }

    /// <inheritdoc />
    public async Task ExecuteAsync(IReadOnlyList<GateChange> changes, CancellationToken cancellationToken = default)
    {
        var steps = GateChange.StepsOf(changes);
        var lines = Iproute2Commands.Lines(steps);
        // Consecutive lines for the same program share one process; the order of the plan is kept.
        foreach (var batch in Batches(lines))
        {
            var next = 0;
            while (next < batch.Count)
            {
                var pending = batch.Skip(next).ToList();
                (int Index, string Stderr)? failure;
                try
                {
                    failure = await RunBatchAsync(pending, cancellationToken).ConfigureAwait(false);
                }
                catch (BackendException timedOut) when (timedOut.Step is null)
                {
                    throw new BackendException(Name, steps[pending[0].StepIndex], pending[0].StepIndex, timedOut.Reason, timedOut);
                }

                if (failure is null)
                {
                    break;
                }

                var (failedIndex, stderr) = failure.Value;
                var failed = pending[failedIndex];
                var program = failed.Tool == Iproute2Tool.Ip ? "ip" : "bridge";
                if (!IsAlreadyGone(failed, stderr))
                {
                    throw new BackendException(Name, steps[failed.StepIndex], failed.StepIndex, $"'{program} {failed.Text}' failed: {Error(stderr)}");
                }

                // A delete whose object is already gone has what it wanted: go on with the rest of the batch.
                next += failedIndex + 1;
            }
        }
    }

    /// <summary>Runs batch lines in one process; returns the failed line's index and stderr, or null when all succeeded.</summary>
    private async Task<(int Index, string Stderr)?> RunBatchAsync(List<BatchLine> batch, CancellationToken cancellationToken)
    {
        var script = new StringBuilder();
        foreach (var line in batch)
        {
            script.Append(line.Text).Append('\n');
        }

        var result = await ExecuteBoundedAsync(
            Cli.Wrap(batch[0].Tool == Iproute2Tool.Ip ? _ip : _bridge)
                .WithArguments([.. NamespaceArguments, "-batch", "-"])
                .WithStandardInputPipe(PipeSource.FromString(script.ToString())),
            cancellationToken).ConfigureAwait(false);
        return result.ExitCode == 0
            ? null
            : (Math.Clamp((FailedLine(result.StandardError) ?? 1) - 1, 0, batch.Count - 1), result.StandardError);
    }

    private static bool IsAlreadyGone(BatchLine line, string stderr) =>
        line.Words.Count > 1 && line.Words[1] == "del"
        && (stderr.Contains("Cannot find device", StringComparison.Ordinal)
            || stderr.Contains("No such file or directory", StringComparison.Ordinal)
            || stderr.Contains("No such process", StringComparison.Ordinal)
            || stderr.Contains("Cannot assign requested address", StringComparison.Ordinal));

    /// <inheritdoc />
    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private string[] NamespaceArguments => _netns is null ? [] : ["-n", _netns];

    private static IEnumerable<List<BatchLine>> Batches(IReadOnlyList<BatchLine> lines)
    {
        var current = new List<BatchLine>();
        foreach (var line in lines)
        {
            if (current.Count > 0 && current[0].Tool != line.Tool)
            {
                yield return current;
                current = [];
            }

            current.Add(line);
        }

        if (current.Count > 0)
        {
            yield return current;
        }
    }

    private async Task<string> RunAsync(string program, string[] args, CancellationToken cancellationToken)
    {
        var result = await ExecuteBoundedAsync(
            Cli.Wrap(program switch { "ip" => _ip, "bridge" => _bridge, _ => program }).WithArguments([.. NamespaceArguments, .. args]),
            cancellationToken).ConfigureAwait(false);
        return result.ExitCode == 0
            ? (result.StandardOutput.Trim().Length == 0 ? "[]" : result.StandardOutput)
            : throw new BackendException(Name, null, 0, $"'{program} {string.Join(' ', [.. NamespaceArguments, .. args])}' failed: {Error(result.StandardError)}");
    }

    /// <summary>Runs <paramref name="command"/>, killed after the process bound; a timeout fails naming the command and its stderr so far.</summary>
    private async Task<BufferedCommandResult> ExecuteBoundedAsync(Command command, CancellationToken cancellationToken)
    {
        var stdout = new StringBuilder();
        var stderr = new StringBuilder();
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(_processTimeout);
        try
        {
            var result = await command
                .WithStandardOutputPipe(PipeTarget.ToStringBuilder(stdout))
                .WithStandardErrorPipe(PipeTarget.ToStringBuilder(stderr))
                .WithValidation(CommandResultValidation.None)
                .ExecuteAsync(limit.Token).ConfigureAwait(false);
            return new BufferedCommandResult(result.ExitCode, result.StartTime, result.ExitTime, stdout.ToString(), stderr.ToString());
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            var said = Error(stderr.ToString());
            throw new BackendException(Name, null, 0,
                $"'{command.TargetFilePath} {command.Arguments}' did not finish within {_processTimeout.TotalSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture)} s and was killed " +
                $"(stderr: {(said.Length == 0 ? "nothing" : said)}); check that iproute2 works on this host, or use backend netlink");
        }
    }

    private static int? FailedLine(string stderr) =>
        FailedLinePattern().Match(stderr) is { Success: true } match ? int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) : null;

    private static string Error(string stderr) =>
        string.Join("; ", stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(l => !l.StartsWith("Command failed", StringComparison.Ordinal)));

    [GeneratedRegex(@"Command failed -:(\d+)")]
    private static partial Regex FailedLinePattern();
}
