using System.Runtime.InteropServices;
using System.Text;
using CliWrap;
using Gate.NetlinkCtl.Daemon;
using Gate.NetlinkCtl.TestSupport;

namespace Gate.NetlinkCtl.Cli.Tests.Daemon;

/// <summary>
/// The real <c>gatectl run</c> process managing a test namespace: the namespace has an up veth underlay
/// <c>u0</c> (192.0.2.10/24); the state file, status file, apply lock and metrics live in a temporary
/// directory. Disposing kills the daemon if it still runs, then deletes the namespace and the directory.
/// </summary>
internal sealed class RunningDaemon : IAsyncDisposable
{
    /// <summary>How long any wait for the daemon may take before the test fails (a bound, not a measurement).</summary>
    public static readonly TimeSpan WaitLimit = TimeSpan.FromSeconds(30);

    // Well past the daemon's 20 ms quiet wait and the pass after it, which took up to 0.7 s beside the full suite.
    private static readonly TimeSpan IdleAfterStart = TimeSpan.FromSeconds(1.5);

    private readonly StringBuilder _log = new();
    private readonly CancellationTokenSource _kill = new();
    private CommandTask<CommandResult>? _process;
    private bool _confined;
    private bool _underUnshare;

    private RunningDaemon(TestNamespace ns, string directory)
    {
        Namespace = ns;
        Directory = directory;
    }

    /// <summary>The namespace the daemon manages.</summary>
    public TestNamespace Namespace { get; }

    /// <summary>The temporary directory: state.yaml, gatectl.prom, run/ (status and lock).</summary>
    public string Directory { get; }

    /// <summary>The state file.</summary>
    public string StatePath => Path.Combine(Directory, "state.yaml");

    /// <summary>The metrics file the state names.</summary>
    public string MetricsPath => Path.Combine(Directory, "gatectl.prom");

    /// <summary>The runtime directory given to the daemon.</summary>
    public string RuntimeDirectory => Path.Combine(Directory, "run");

    /// <summary>The daemon's status file (per namespace with <c>--netns</c>; the plain one when confined inside the namespace).</summary>
    public string StatusPath => StatusFile.PathIn(RuntimeDirectory, _confined ? null : Namespace.Name);

    /// <summary>Extra environment for the daemon process (for example <c>DBUS_SYSTEM_BUS_ADDRESS</c>); set before starting it.</summary>
    public Dictionary<string, string?> Environment { get; } = [];

    /// <summary>The daemon's process id (as this test sees it).</summary>
    public int Pid => _process is null ? throw new InvalidOperationException("the daemon was not started")
        : _underUnshare ? ChildOf(_process.ProcessId) : _process.ProcessId;

    /// <summary>What the daemon logged so far (stderr), for failure messages.</summary>
    public string Log
    {
        get
        {
            lock (_log)
            {
                return _log.ToString();
            }
        }
    }

    /// <summary>The installed-binary stand-in: the gatectl apphost built next to the tests.</summary>
    public static string Gatectl => Path.Combine(AppContext.BaseDirectory, "gatectl");

    /// <summary>
    /// The state most daemon tests keep in force: gate <c>lab</c> on <c>vxlab0</c> over <c>u0</c> with two endpoints,
    /// metrics on, and a full resync so rare it never happens during a test (repairs must come from events).
    /// </summary>
    public static string LabState(RunningDaemon d, string backend = "auto", string interval = "1h", string vni = "10", string? extraEndpoint = null, string underlay = "u0") => new StateYaml
    {
        Backend = backend,
        ReconcileInterval = interval,
        MetricsPath = d.MetricsPath,
        Gates = [new GateYaml { Vni = vni, Underlay = underlay, Endpoints = ["198.51.100.4", "198.51.100.132", .. extraEndpoint is null ? [] : new[] { extraEndpoint }] }],
    }.ToString();

    /// <summary>Creates the namespace and the files; <paramref name="state"/> is the state file's content.</summary>
    public static async Task<RunningDaemon> CreateAsync(Func<RunningDaemon, string> state)
    {
        var ns = await TestNamespace.CreateAsync("dm");
        var daemon = new RunningDaemon(ns, System.IO.Directory.CreateTempSubdirectory("gct-daemon-").FullName);
        try
        {
            await ns.IpAsync("link", "add", "u0", "type", "veth", "peer", "name", "u0p");
            await ns.IpAsync("address", "add", "192.0.2.10/24", "dev", "u0");
            await ns.IpAsync("link", "set", "u0", "up");
            await File.WriteAllTextAsync(daemon.StatePath, state(daemon));
            return daemon;
        }
        catch
        {
            await daemon.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// Starts <c>gatectl run</c> and waits for its first reconcile; with rtnetlink events on, until it is idle after
    /// it: the start's own changes come back as events and bring one more pass, and a change a test made while that
    /// pass observes would race it (a test of repairs by hand wants the daemon to find the change, not to be in mid-pass).
    /// </summary>
    public async Task StartAsync(params string[] extraArguments)
    {
        await StartProcessOnlyAsync(extraArguments);
        if (extraArguments.Contains("--no-events"))
        {
            await WaitForStatusAsync(s => s.LastReconcile is not null, "the first reconcile");
        }
        else
        {
            await WaitForQuietAsync(IdleAfterStart, orPasses: 2);
        }
    }

    /// <summary>
    /// Starts <c>gatectl run</c> inside the namespace with only what gatectl.service grants: CAP_NET_ADMIN as the
    /// sole bounding and ambient capability, root's other powers locked away (securebits noroot), no new privileges.
    /// <c>ip netns exec</c> and <c>setpriv</c> each exec the next program, so the process id is the daemon's.
    /// </summary>
    public async Task StartConfinedAsync()
    {
        Prerequisites.RequireCommand("setpriv", "util-linux");
        _confined = true;
        Start("ip", [
            "netns", "exec", Namespace.Name,
            "setpriv", "--bounding-set", "-all,+net_admin", "--inh-caps", "-all,+net_admin", "--ambient-caps", "-all,+net_admin",
            "--securebits", "+noroot,+noroot_locked", "--no-new-privs",
            Gatectl, "run", StatePath, "--runtime-dir", RuntimeDirectory,
        ]);
        await WaitForQuietAsync(IdleAfterStart, orPasses: 2);
    }

    /// <summary>
    /// Starts <c>gatectl run</c> as systemd would see it: as PID 1 (of a new PID namespace, which is how
    /// .NET's systemd integration recognises a service when no systemd is its parent) with
    /// <c>NOTIFY_SOCKET</c> set. <see cref="Pid"/> is then the daemon under unshare, which signals go to.
    /// </summary>
    public void StartAsSystemdService(string notifySocket)
    {
        Prerequisites.RequireCommand("unshare", "util-linux");
        _underUnshare = true;
        Start("unshare", ["--pid", "--fork", "--kill-child=SIGTERM", Gatectl, "run", StatePath, "--netns", Namespace.Name, "--runtime-dir", RuntimeDirectory],
            new Dictionary<string, string?> { ["NOTIFY_SOCKET"] = notifySocket });
    }

    /// <summary>Starts <c>gatectl run</c> without waiting for anything.</summary>
    public Task StartProcessOnlyAsync(params string[] extraArguments)
    {
        Start(Gatectl, ["run", StatePath, "--netns", Namespace.Name, "--runtime-dir", RuntimeDirectory, .. extraArguments]);
        return Task.CompletedTask;
    }

    private Dictionary<string, string?> MergedEnvironment(IReadOnlyDictionary<string, string?>? extra)
    {
        var merged = new Dictionary<string, string?>(Environment);
        foreach (var (key, value) in extra ?? new Dictionary<string, string?>())
        {
            merged[key] = value;
        }

        return merged;
    }

    private void Start(string program, string[] arguments, IReadOnlyDictionary<string, string?>? environment = null)
    {
        _process = CliWrap.Cli.Wrap(program)
            .WithArguments(arguments)
            .WithEnvironmentVariables(MergedEnvironment(environment))
            .WithStandardErrorPipe(PipeTarget.ToDelegate(AppendLog))
            .WithStandardOutputPipe(PipeTarget.ToDelegate(AppendLog))
            .WithValidation(CommandResultValidation.None)
            .ExecuteAsync(_kill.Token);
    }

    /// <summary>Waits until <paramref name="condition"/> holds for the status file; fails the test after <see cref="WaitLimit"/>.</summary>
    public async Task<DaemonStatus> WaitForStatusAsync(Func<DaemonStatus, bool> condition, string what)
    {
        DaemonStatus? last = null;
        await WaitUntilAsync(() =>
        {
            last = StatusFile.Read(StatusPath);
            return Task.FromResult(last is not null && condition(last));
        }, what);
        return last!;
    }

    /// <summary>
    /// Waits until no reconcile has finished for <paramref name="quiet"/>: the passes a change brings (its own and the
    /// one after its echoes, within the daemon's 2 s burst bound) are over, and the daemon is idle. With
    /// <paramref name="orPasses"/>, also done once that many passes have finished after the first one seen (a state whose
    /// interval is shorter than <paramref name="quiet"/> is never idle that long; its tests expect passes at any time).
    /// </summary>
    public async Task<DaemonStatus> WaitForQuietAsync(TimeSpan quiet, int? orPasses = null)
    {
        var first = await WaitForStatusAsync(s => s.LastReconcile is not null, "a first reconcile");
        var (seen, since) = (first, DateTime.UtcNow);
        await WaitUntilAsync(() =>
        {
            var now = StatusFile.Read(StatusPath);
            if (now is not null && now.Totals.Reconciles != seen.Totals.Reconciles)
            {
                (seen, since) = (now, DateTime.UtcNow);
            }

            return Task.FromResult(DateTime.UtcNow - since >= quiet || seen.Totals.Reconciles >= first.Totals.Reconciles + orPasses);
        }, $"{quiet.TotalSeconds} s without a reconcile");
        return seen;
    }

    /// <summary>Polls <paramref name="condition"/> every 100 ms; fails the test with the daemon's log after <see cref="WaitLimit"/>.</summary>
    public async Task WaitUntilAsync(Func<Task<bool>> condition, string what)
    {
        if (!await Poll.UntilAsync(condition, WaitLimit, TimeSpan.FromMilliseconds(100), () => _process?.Task.IsCompleted == true))
        {
            Assert.Fail($"waited {WaitLimit.TotalSeconds} s for {what}; daemon {(_process?.Task.IsCompleted == true ? "exited" : "running")}; its log:\n{Log}");
        }
    }

    /// <summary>Replaces the state file the way Ansible and editors do: a temporary file renamed over it.</summary>
    public async Task ReplaceStateAsync(string content)
    {
        var temp = Path.Combine(Directory, ".state.yaml.new");
        await File.WriteAllTextAsync(temp, content);
        File.Move(temp, StatePath, overwrite: true);
    }

    /// <summary>Sends a signal to the daemon process.</summary>
    public void Signal(int signal)
    {
        if (kill(Pid, signal) != 0)
        {
            throw new InvalidOperationException($"kill({Pid}, {signal}) failed: errno {Marshal.GetLastPInvokeError()}");
        }
    }

    /// <summary>Waits for the daemon to exit and returns its exit code.</summary>
    public async Task<int> WaitForExitAsync()
    {
        var finished = await Task.WhenAny(_process!.Task, Task.Delay(WaitLimit, CancellationToken.None));
        Assert.True(finished == _process.Task, $"the daemon did not exit within {WaitLimit.TotalSeconds} s; its log:\n{Log}");
        return (await _process.Task).ExitCode;
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (_process is not null)
        {
            await _kill.CancelAsync();
            try
            {
                await _process.Task;
            }
            catch (OperationCanceledException)
            {
                // Killed by the test's cleanup, as intended.
            }
        }

        _kill.Dispose();
        await Namespace.DisposeAsync();
        System.IO.Directory.Delete(Directory, recursive: true);
    }

    private static int ChildOf(int pid)
    {
        // unshare --fork has exactly one child: the daemon (PID 1 inside, an ordinary pid out here).
        var children = File.ReadAllText($"/proc/{pid}/task/{pid}/children").Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return int.Parse(Assert.Single(children), System.Globalization.CultureInfo.InvariantCulture);
    }

    private void AppendLog(string line)
    {
        lock (_log)
        {
            _log.AppendLine(line);
        }
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int kill(int pid, int signal);
}

/// <summary>Signal numbers on Linux.</summary>
internal static class Signals
{
    /// <summary>SIGHUP: reload.</summary>
    public const int Hangup = 1;

    /// <summary>SIGTERM: stop.</summary>
    public const int Terminate = 15;
}
