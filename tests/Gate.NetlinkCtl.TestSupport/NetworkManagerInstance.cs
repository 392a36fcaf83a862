using System.Security.Cryptography;
using System.Text;
using CliWrap;
using CliWrap.Buffered;

namespace Gate.NetlinkCtl.TestSupport;

/// <summary>
/// A real NetworkManager running inside a test's network namespace, on its own private system bus
/// (a <c>dbus-daemon</c> of its own), with its own keyfile directory and run/state directories: nothing
/// it does reaches the host's NetworkManager, bus, files or interfaces. Always dispose it; disposal stops
/// NetworkManager and the bus by their own process ids and removes everything it made, even after a failure.
/// </summary>
/// <remarks>
/// NetworkManager waits for udev to announce every device unless <c>/sys</c> is read-only; inside a test
/// namespace no udev runs, so every device would stay "unmanaged". The instance therefore runs NetworkManager
/// in a mount namespace of its own (kept alive by a bind mount under its temporary directory) where
/// <c>/sys</c> is the namespace's sysfs mounted read-only and <c>/run/NetworkManager</c> and
/// <c>/var/lib/NetworkManager</c> are private tmpfs mounts.
/// </remarks>
public sealed class NetworkManagerInstance : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(10);

    private readonly TestNamespace _namespace;
    private readonly NetworkManagerOptions _options;
    private readonly string _directory;
    private readonly StringBuilder _log = new();
    private RunningProcess? _bus;
    private RunningProcess? _networkManager;
    private bool _mountNamespaceMade;
    private bool _mountDirectoryBound;

    private NetworkManagerInstance(TestNamespace ns, NetworkManagerOptions options, string directory)
    {
        _namespace = ns;
        _options = options;
        _directory = directory;
    }

    /// <summary>The D-Bus address of the private system bus, for <c>DBUS_SYSTEM_BUS_ADDRESS</c>.</summary>
    public string BusAddress => $"unix:path={BusSocket}";

    /// <summary>The directory NetworkManager's keyfile plugin reads and writes profiles in.</summary>
    public string KeyfileDirectory => Path.Combine(_directory, "keyfiles");

    /// <summary>The namespace NetworkManager runs in.</summary>
    public TestNamespace Namespace => _namespace;

    /// <summary>NetworkManager's log so far (stderr at level INFO), to explain a failure.</summary>
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

    /// <summary>True while the NetworkManager process runs.</summary>
    public bool IsRunning => _networkManager is { Exited: false };

    private string BusSocket => Path.Combine(_directory, "bus.sock");

    private string MountNamespaceDirectory => Path.Combine(_directory, "mnt");

    private string MountNamespaceFile => Path.Combine(MountNamespaceDirectory, "ns");

    /// <summary>Starts a bus and NetworkManager in <paramref name="ns"/> and waits until NetworkManager is running.</summary>
    public static async Task<NetworkManagerInstance> StartAsync(TestNamespace ns, NetworkManagerOptions? options = null)
    {
        RequirePrograms();
        var directory = Path.Combine(Path.GetTempPath(), $"gctnm-{Convert.ToHexString(RandomNumberGenerator.GetBytes(4)).ToLowerInvariant()}");
        var instance = new NetworkManagerInstance(ns, options ?? new NetworkManagerOptions(), directory);
        try
        {
            await instance.PrepareAsync();
            await instance.StartBusAsync();
            await instance.StartNetworkManagerAsync();
            return instance;
        }
        catch
        {
            await instance.DisposeAsync();
            throw;
        }
    }

    /// <summary>Checks (skip outside CI, fail in CI) that root and every program the instance runs are present.</summary>
    public static void RequirePrograms()
    {
        Prerequisites.RequireRoot();
        Prerequisites.RequireCommand("NetworkManager", "network-manager");
        Prerequisites.RequireCommand("nmcli", "network-manager");
        Prerequisites.RequireCommand("dbus-daemon", "dbus");
        Prerequisites.RequireCommand("nsenter", "util-linux");
        Prerequisites.RequireCommand("unshare", "util-linux");
        Prerequisites.RequireCommand("mount", "mount");
    }

    /// <summary>Stops NetworkManager (SIGINT, as a service manager would), leaving the bus and the kernel state in place.</summary>
    public async Task StopAsync()
    {
        if (_networkManager is not null)
        {
            await _networkManager.StopAsync(StopTimeout);
            _networkManager = null;
        }
    }

    /// <summary>Starts NetworkManager again after <see cref="StopAsync"/> and waits until it runs.</summary>
    public Task StartAsync() => _networkManager is null
        ? StartNetworkManagerAsync()
        : throw new InvalidOperationException("NetworkManager is already running");

    /// <summary>Stops and starts NetworkManager, as a package upgrade or a service restart does.</summary>
    public async Task RestartAsync()
    {
        await StopAsync();
        await StartNetworkManagerAsync();
    }

    /// <summary>Runs <c>nmcli</c> on the private bus (an outside actor for tests; gatectl itself never uses nmcli).</summary>
    public async Task<string> NmcliAsync(params string[] args)
    {
        var result = await Cli.Wrap(Prerequisites.FindOnPath("nmcli")!)
            .WithArguments(args)
            .WithEnvironmentVariables(e => e.Set("DBUS_SYSTEM_BUS_ADDRESS", BusAddress))
            .WithValidation(CommandResultValidation.None)
            .ExecuteBufferedAsync();
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException(
                $"'nmcli {string.Join(' ', args)}' exited {result.ExitCode}: {result.StandardError.Trim()}{Environment.NewLine}NetworkManager log:{Environment.NewLine}{Tail(Log)}");
        }

        return result.StandardOutput;
    }

    /// <summary>Writes a keyfile profile into <see cref="KeyfileDirectory"/> and has NetworkManager load it.</summary>
    public async Task LoadKeyfileAsync(string fileName, string contents)
    {
        var path = Path.Combine(KeyfileDirectory, fileName);
        await File.WriteAllTextAsync(path, contents);
        if (OperatingSystem.IsLinux())
        {
            // NetworkManager ignores keyfiles that others can read.
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        await NmcliAsync("connection", "load", path);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        var failures = new List<string>();
        await Try(StopAsync);
        await Try(async () =>
        {
            if (_bus is not null)
            {
                await _bus.StopAsync(StopTimeout);
                _bus = null;
            }
        });
        if (_mountNamespaceMade)
        {
            await Try(() => Run("umount", [MountNamespaceFile]));
        }

        if (_mountDirectoryBound)
        {
            await Try(() => Run("umount", [MountNamespaceDirectory]));
        }

        await Try(() =>
        {
            if (Directory.Exists(_directory))
            {
                Directory.Delete(_directory, recursive: true);
            }

            return Task.CompletedTask;
        });
        if (failures.Count > 0)
        {
            throw new InvalidOperationException("NetworkManager test instance teardown failed: " + string.Join("; ", failures));
        }

        async Task Try(Func<Task> step)
        {
            try
            {
                await step();
            }
            catch (Exception e)
            {
                failures.Add(e.Message);
            }
        }
    }

    private async Task PrepareAsync()
    {
        Directory.CreateDirectory(_directory);
        Directory.CreateDirectory(KeyfileDirectory);
        Directory.CreateDirectory(Path.Combine(_directory, "conf.d"));
        Directory.CreateDirectory(MountNamespaceDirectory);
        await File.WriteAllTextAsync(Path.Combine(_directory, "bus.conf"), BusConfig());
        await File.WriteAllTextAsync(Path.Combine(_directory, "NetworkManager.conf"), NetworkManagerConfig());

        // A persistent mount namespace needs its file on a private mount: bind the directory on itself.
        await Run("mount", ["--bind", MountNamespaceDirectory, MountNamespaceDirectory]);
        _mountDirectoryBound = true;
        await Run("mount", ["--make-private", MountNamespaceDirectory]);
        await File.WriteAllBytesAsync(MountNamespaceFile, []);

        // From inside the test's network namespace, so the fresh sysfs shows that namespace's devices.
        await Run("nsenter", [$"--net=/run/netns/{_namespace.Name}", "--", "unshare", $"--mount={MountNamespaceFile}",
            "--propagation", "private", "--", "mount", "-t", "sysfs", "-o", "ro", "gctsysfs", "/sys"]);
        _mountNamespaceMade = true;
        foreach (var dir in new[] { "/run/NetworkManager", "/var/lib/NetworkManager" })
        {
            await Run("nsenter", [$"--mount={MountNamespaceFile}", "--", "mkdir", "-p", dir]);
            await Run("nsenter", [$"--mount={MountNamespaceFile}", "--", "mount", "-t", "tmpfs", "-o", "mode=0755", "gctnm", dir]);
        }
    }

    private async Task StartBusAsync()
    {
        _bus = RunningProcess.Start(
            Cli.Wrap(Prerequisites.FindOnPath("dbus-daemon")!)
                .WithArguments(["--config-file=" + Path.Combine(_directory, "bus.conf"), "--nofork", "--nopidfile", "--nosyslog"]),
            _log,
            "dbus-daemon");
        if (!await Poll.UntilAsync(() => Task.FromResult(File.Exists(BusSocket)), StartTimeout, TimeSpan.FromMilliseconds(20), () => _bus.Exited))
        {
            throw new InvalidOperationException($"dbus-daemon did not open {BusSocket}:{Environment.NewLine}{Tail(Log)}");
        }
    }

    private async Task StartNetworkManagerAsync()
    {
        _networkManager = RunningProcess.Start(
            Cli.Wrap(Prerequisites.FindOnPath("nsenter")!)
                .WithArguments([
                    $"--mount={MountNamespaceFile}", $"--net=/run/netns/{_namespace.Name}", "--",
                    Prerequisites.FindOnPath("NetworkManager")!, "--debug", "--log-level=INFO",
                    "--config=" + Path.Combine(_directory, "NetworkManager.conf"),
                    "--config-dir=" + Path.Combine(_directory, "conf.d"),
                    "--system-config-dir=" + Path.Combine(_directory, "conf.d"),
                    "--intern-config=" + Path.Combine(_directory, "intern.conf"),
                    "--state-file=" + Path.Combine(_directory, "NetworkManager.state"),
                    "--pid-file=" + Path.Combine(_directory, "NetworkManager.pid"),
                ])
                .WithEnvironmentVariables(e => e.Set("DBUS_SYSTEM_BUS_ADDRESS", BusAddress)),
            _log,
            "NetworkManager");
        var nmcli = Prerequisites.FindOnPath("nmcli")!;
        var started = await Poll.UntilAsync(
            async () =>
            {
                // "running" once start-up is complete and the D-Bus API answers.
                var probe = await Cli.Wrap(nmcli)
                    .WithArguments(["-t", "-f", "RUNNING,STARTUP", "general"])
                    .WithEnvironmentVariables(e => e.Set("DBUS_SYSTEM_BUS_ADDRESS", BusAddress))
                    .WithValidation(CommandResultValidation.None)
                    .ExecuteBufferedAsync();
                return probe.ExitCode == 0 && probe.StandardOutput.Trim() == "running:started";
            },
            StartTimeout,
            TimeSpan.FromMilliseconds(100),
            () => _networkManager.Exited);
        if (!started)
        {
            throw new InvalidOperationException(_networkManager.Exited
                ? $"NetworkManager exited during start-up:{Environment.NewLine}{Tail(Log)}"
                : $"NetworkManager did not start within {StartTimeout.TotalSeconds} s:{Environment.NewLine}{Tail(Log)}");
        }
    }

    private string BusConfig() => $"""
        <!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
         "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
        <busconfig>
          <type>system</type>
          <listen>unix:path={BusSocket}</listen>
          <auth>EXTERNAL</auth>
          <policy context="default">
            <allow user="*"/>
            <allow own="*"/>
            <allow send_destination="*"/>
            <allow receive_sender="*"/>
          </policy>
        </busconfig>
        """;

    private string NetworkManagerConfig()
    {
        var unmanaged = _options.UnmanagedInterfaces.Count == 0
            ? "none"
            : string.Join(';', _options.UnmanagedInterfaces.Select(i => "interface-name:" + i));

        // dns/hostname/connectivity off: this NetworkManager must never touch the host's resolv.conf or name.
        return $"""
            [main]
            plugins=keyfile
            dns=none
            rc-manager=unmanaged
            hostname-mode=none
            no-auto-default=*
            auth-polkit=false

            [keyfile]
            path={KeyfileDirectory}
            unmanaged-devices={unmanaged}

            [connectivity]
            enabled=false
            """;
    }

    private static Task<string> Run(string program, IReadOnlyList<string> args) =>
        TestNamespace.RunAsync(Prerequisites.FindOnPath(program) ?? program, args);

    private static string Tail(string log)
    {
        var lines = log.Split('\n');
        return string.Join('\n', lines.Skip(Math.Max(0, lines.Length - 40)));
    }

    /// <summary>A child process started through CliWrap, stopped gracefully (SIGINT) then forcefully, by its own id.</summary>
    private sealed class RunningProcess : IDisposable
    {
        private readonly CancellationTokenSource _graceful = new();
        private readonly CancellationTokenSource _forceful = new();
        private readonly Task _completion;

        private RunningProcess(Command command, StringBuilder log, string label)
        {
            var sink = PipeTarget.ToDelegate(line =>
            {
                lock (log)
                {
                    log.Append(label).Append(": ").AppendLine(line);
                }
            });
            var task = command
                .WithStandardOutputPipe(sink)
                .WithStandardErrorPipe(sink)
                .WithValidation(CommandResultValidation.None)
                .ExecuteAsync(_forceful.Token, _graceful.Token);
            _completion = ObserveAsync(task);
        }

        public bool Exited => _completion.IsCompleted;

        public static RunningProcess Start(Command command, StringBuilder log, string label) => new(command, log, label);

        public async Task StopAsync(TimeSpan timeout)
        {
            try
            {
                await _graceful.CancelAsync();
                if (await Task.WhenAny(_completion, Task.Delay(timeout)) != _completion)
                {
                    await _forceful.CancelAsync();
                    await _completion;
                }
            }
            finally
            {
                Dispose();
            }
        }

        public void Dispose()
        {
            _graceful.Dispose();
            _forceful.Dispose();
        }

        private static async Task ObserveAsync(CommandTask<CommandResult> task)
        {
            try
            {
                await task;
            }
            catch (OperationCanceledException)
            {
                // Stopped on purpose.
            }
        }
    }
}

/// <summary>How a test's <see cref="NetworkManagerInstance"/> is configured.</summary>
/// <param name="UnmanagedInterfaces">Interfaces NetworkManager must leave alone (<c>unmanaged-devices</c>); none by default.</param>
public sealed record NetworkManagerOptions(IReadOnlyList<string> UnmanagedInterfaces)
{
    /// <summary>Every device managed.</summary>
    public NetworkManagerOptions()
        : this([])
    {
    }
}
