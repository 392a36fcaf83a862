using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using CliWrap;
using CliWrap.Buffered;

namespace Gate.NetlinkCtl.TestSupport;

/// <summary>
/// A real systemd, booted by <c>systemd-nspawn</c> as PID 1 of a container inside a network namespace the test made
/// (<c>/work/shared/SYSTEMTEST.md</c>'s recipe): its own D-Bus system bus, journald, timers, <c>Type=notify</c> and every
/// sandboxing directive of a unit act for real. The root is a throw-away directory with a copy of the host's
/// <c>/etc</c>; <c>/usr</c> and <c>/var/lib/dpkg</c> are the host's under a writable overlay, so installing into the
/// machine never changes the host. Commands run inside with <c>nsenter</c>. Always dispose it: disposal powers the
/// machine off (SIGTERM to nspawn), deletes its namespace and removes its directories, even after a failure; a crashed
/// run's leftovers (same name prefix, owner process gone) are removed by the next boot.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class SystemdMachine : IAsyncDisposable
{
    /// <summary>The namespace tag: every machine's namespace and directories are named <c>gctsd-XXXXXXXX</c>.</summary>
    public const string Tag = "sd";

    /// <summary>Where <see cref="ShareDirectory"/> appears inside the machine (read-write).</summary>
    public const string ShareMount = "/gct";

    private const string PathVariable = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
    private static readonly TimeSpan BootTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan PowerOffTimeout = TimeSpan.FromSeconds(20);
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(60);
    private static readonly SemaphoreSlim LeftoverCleaning = new(1, 1);

    // Units of the host image the machine never needs; each costs boot time (a database server is enabled here).
    private static readonly string[] PrunedWants =
        ["multi-user.target.wants", "timers.target.wants", "network-online.target.wants", "getty.target.wants"];

    private readonly StringBuilder _console = new();
    private readonly CancellationTokenSource _kill = new();
    private CommandTask<CommandResult>? _nspawn;

    private SystemdMachine(TestNamespace ns, SystemdMachineOptions options)
    {
        Namespace = ns;
        Options = options;
    }

    /// <summary>The network namespace the machine lives in: the test's veths go here.</summary>
    public TestNamespace Namespace { get; }

    /// <summary>How the machine was booted.</summary>
    public SystemdMachineOptions Options { get; }

    /// <summary>The machine's root directory on the host (its <c>/etc</c>, <c>/root</c>, <c>/tmp</c> ...).</summary>
    public string RootDirectory => Path.Combine(Path.GetTempPath(), Namespace.Name);

    /// <summary>A host directory bound read-write at <see cref="ShareMount"/>: hand files in and out through it.</summary>
    public string ShareDirectory => RootDirectory + ".share";

    /// <summary>The host process id of the machine's PID 1 (systemd).</summary>
    public int Leader { get; private set; }

    /// <summary>How long the boot took, from nspawn's start to <c>systemctl is-system-running --wait</c>.</summary>
    public TimeSpan BootTime { get; private set; }

    /// <summary>What nspawn and the machine's console printed so far, for failure messages.</summary>
    public string Console
    {
        get
        {
            lock (_console)
            {
                return _console.ToString();
            }
        }
    }

    private string OwnerFile => RootDirectory + ".owner";

    private IEnumerable<string> Directories => [RootDirectory, RootDirectory + ".usr", RootDirectory + ".dpkg", ShareDirectory];

    /// <summary>Checks (skip outside CI, fail in CI) that root and the programs a machine needs are present.</summary>
    public static void RequirePrograms()
    {
        Prerequisites.RequireRoot();
        Prerequisites.RequireCommand("systemd-nspawn", "systemd-container");
        Prerequisites.RequireCommand("nsenter", "util-linux");
        Prerequisites.Require(File.Exists("/lib/systemd/systemd"), "needs systemd itself (apt-get install systemd)");
    }

    /// <summary>Removes leftovers of crashed runs, makes a namespace and a root, boots systemd and waits until the boot is over.</summary>
    public static async Task<SystemdMachine> BootAsync(SystemdMachineOptions? options = null)
    {
        RequirePrograms();
        await RemoveLeftoversAsync();
        var machine = new SystemdMachine(await TestNamespace.CreateAsync(Tag), options ?? new SystemdMachineOptions());
        try
        {
            await machine.PrepareRootAsync();
            await machine.StartAsync();
            return machine;
        }
        catch
        {
            await machine.DisposeAsync();
            throw;
        }
    }

    /// <summary>Runs a program inside the machine (all its namespaces, a clean environment); does not check the exit code.</summary>
    public async Task<BufferedCommandResult> RunAsync(IReadOnlyList<string> command, TimeSpan? timeout = null)
    {
        using var limit = new CancellationTokenSource(timeout ?? CommandTimeout);
        try
        {
            return await Cli.Wrap(Prerequisites.FindOnPath("nsenter")!)
                .WithArguments(["-t", Leader.ToString(CultureInfo.InvariantCulture), "-a", "--", "env", "-i", PathVariable, "LANG=C.UTF-8", .. command])
                .WithValidation(CommandResultValidation.None)
                .ExecuteBufferedAsync(limit.Token);
        }
        catch (OperationCanceledException) when (limit.IsCancellationRequested)
        {
            throw new TimeoutException($"'{string.Join(' ', command)}' in the machine did not finish within {(timeout ?? CommandTimeout).TotalSeconds} s");
        }
    }

    /// <summary>Runs a program inside the machine and returns its stdout; throws with its stderr when it fails.</summary>
    public async Task<string> RunCheckedAsync(params string[] command)
    {
        var result = await RunAsync(command);
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException(
                $"'{string.Join(' ', command)}' in the machine exited {result.ExitCode}: {result.StandardError.Trim()} {result.StandardOutput.Trim()}");
        }

        return result.StandardOutput;
    }

    /// <summary><c>systemctl show UNIT -p NAME --value</c>.</summary>
    public async Task<string> PropertyAsync(string unit, string property) =>
        (await RunCheckedAsync("systemctl", "show", unit, "-p", property, "--value")).Trim();

    /// <summary><c>journalctl -u UNIT</c> since the machine booted (message text only).</summary>
    public async Task<string> JournalAsync(string unit) =>
        await RunCheckedAsync("journalctl", "-u", unit, "--no-pager", "-o", "cat");

    /// <summary>Writes a file inside the machine (through <see cref="ShareDirectory"/> and <c>install</c>), creating its directory.</summary>
    public async Task WriteFileAsync(string pathInMachine, string contents, string mode = "0644")
    {
        var staged = Path.Combine(ShareDirectory, "staged-" + Guid.NewGuid().ToString("N"));
        await File.WriteAllTextAsync(staged, contents);
        try
        {
            await RunCheckedAsync("install", "-D", "-m", mode, Path.Combine(ShareMount, Path.GetFileName(staged)), pathInMachine);
        }
        finally
        {
            File.Delete(staged);
        }
    }

    /// <summary>Copies a host file into the machine with <c>install</c> (mode <paramref name="mode"/>).</summary>
    public async Task InstallFileAsync(string hostPath, string pathInMachine, string mode = "0644")
    {
        var staged = Path.Combine(ShareDirectory, "staged-" + Guid.NewGuid().ToString("N"));
        File.Copy(hostPath, staged);
        try
        {
            await RunCheckedAsync("install", "-D", "-m", mode, Path.Combine(ShareMount, Path.GetFileName(staged)), pathInMachine);
        }
        finally
        {
            File.Delete(staged);
        }
    }

    /// <summary>Reads a file inside the machine.</summary>
    public Task<string> ReadFileAsync(string pathInMachine) => RunCheckedAsync("cat", pathInMachine);

    /// <summary>
    /// Installs what a user installs, unchanged: <paramref name="binary"/> (the native gatectl) at
    /// <c>/usr/local/bin/gatectl</c>, where the units name it, and every unit and drop-in of <paramref name="unitDirectory"/>
    /// (the repository's <c>systemd/</c>) in <c>/etc/systemd/system</c>; then <c>systemctl daemon-reload</c>.
    /// </summary>
    public async Task InstallGatectlAsync(string binary, string unitDirectory)
    {
        await InstallFileAsync(binary, "/usr/local/bin/gatectl", "0755");
        foreach (var file in Directory.EnumerateFiles(unitDirectory, "*", SearchOption.AllDirectories))
        {
            await InstallFileAsync(file, "/etc/systemd/system/" + Path.GetRelativePath(unitDirectory, file));
        }

        await RunCheckedAsync("systemctl", "daemon-reload");
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        var failures = new List<string>();
        try
        {
            await PowerOffAsync();
        }
        catch (Exception e)
        {
            failures.Add(e.Message);
        }

        _kill.Dispose();
        try
        {
            await Namespace.DisposeAsync();
        }
        catch (Exception e)
        {
            failures.Add(e.Message);
        }

        foreach (var directory in Directories.Append(OwnerFile))
        {
            try
            {
                Delete(directory);
            }
            catch (Exception e)
            {
                failures.Add($"{directory}: {e.Message}");
            }
        }

        if (failures.Count > 0)
        {
            throw new InvalidOperationException("systemd machine teardown failed: " + string.Join("; ", failures));
        }
    }

    /// <summary><c>cp -a</c>: owners, modes and links as they are (the machine's daemons check them).</summary>
    private static Task<string> Copy(string from, string to) => TestNamespace.RunAsync("cp", ["-a", from, to]);

    private async Task PrepareRootAsync()
    {
        var root = RootDirectory;
        foreach (var directory in Directories)
        {
            Directory.CreateDirectory(directory);
        }

        // 0755: the machine's dbus-daemon drops to its own user and must traverse the root.
        File.SetUnixFileMode(root, (UnixFileMode)0b111_101_101);
        File.WriteAllText(OwnerFile, Environment.ProcessId.ToString(CultureInfo.InvariantCulture));
        foreach (var sub in new[] { "etc", "var/lib/dpkg", "tmp", "run", "root", "usr/lib" })
        {
            Directory.CreateDirectory(Path.Combine(root, sub));
        }

        File.SetUnixFileMode(Path.Combine(root, "tmp"), (UnixFileMode)0b1_111_111_111);
        await Copy("/etc/.", Path.Combine(root, "etc/"));

        // nspawn looks for os-release before it binds /usr; a fresh empty machine-id makes systemd generate one.
        foreach (var osRelease in new[] { "etc/os-release", "usr/lib/os-release" })
        {
            var target = Path.Combine(root, osRelease);
            if (File.Exists(target) || new FileInfo(target).LinkTarget is not null)
            {
                File.Delete(target);
            }

            File.Copy("/usr/lib/os-release", target);
        }

        File.WriteAllText(Path.Combine(root, "etc/machine-id"), "");
        foreach (var link in new[] { "bin", "sbin", "lib", "lib64" })
        {
            File.CreateSymbolicLink(Path.Combine(root, link), "usr/" + link);
        }

        var system = Path.Combine(root, "etc/systemd/system");
        foreach (var wants in PrunedWants)
        {
            var directory = Path.Combine(system, wants);
            if (!Directory.Exists(directory))
            {
                continue;
            }

            foreach (var unit in Directory.EnumerateFileSystemEntries(directory))
            {
                if (!(Options.NetworkManager && Path.GetFileName(unit) == "NetworkManager.service"))
                {
                    File.Delete(unit);
                }
            }
        }

        // Every unit ordered After=network-online.target (gatectl's are) would wait two minutes for these.
        foreach (var waitOnline in new[] { "systemd-networkd-wait-online.service", "NetworkManager-wait-online.service" })
        {
            var mask = Path.Combine(system, waitOnline);
            File.Delete(mask);
            File.CreateSymbolicLink(mask, "/dev/null");
        }

        if (Options.NetworkManager)
        {
            // Enabled as the package enables it, also where its postinst could not (no systemd while it was installed).
            var wants = Directory.CreateDirectory(Path.Combine(system, "multi-user.target.wants")).FullName;
            var link = Path.Combine(wants, "NetworkManager.service");
            if (!File.Exists(link) && new FileInfo(link).LinkTarget is null)
            {
                File.CreateSymbolicLink(link, "/lib/systemd/system/NetworkManager.service");
            }

            Directory.CreateDirectory(Path.Combine(root, "etc/NetworkManager/conf.d"));

            // NetworkManager's own defaults, but no DNS or hostname changes and no connectivity probes.
            File.WriteAllText(Path.Combine(root, "etc/NetworkManager/conf.d/90-gatectl-test.conf"), """
                [main]
                dns=none
                rc-manager=unmanaged
                hostname-mode=none
                no-auto-default=*
                [keyfile]
                unmanaged-devices=none
                [connectivity]
                enabled=false
                """);
        }
    }

    private async Task StartAsync()
    {
        var clock = Stopwatch.StartNew();
        var sink = PipeTarget.ToDelegate(line =>
        {
            lock (_console)
            {
                _console.AppendLine(line);
            }
        });
        _nspawn = Cli.Wrap(Prerequisites.FindOnPath("systemd-nspawn")!)
            .WithArguments([
                "--register=no", "--keep-unit", "--link-journal=no", "-q",
                "-D", RootDirectory,
                $"--overlay=/usr:{RootDirectory}.usr:/usr",
                $"--overlay=/var/lib/dpkg:{RootDirectory}.dpkg:/var/lib/dpkg",
                $"--bind={ShareDirectory}:{ShareMount}",
                .. Options.Binds.Select(b => $"--bind-ro={b.HostPath}:{b.MachinePath}"),
                "--capability=CAP_NET_ADMIN",
                $"--network-namespace-path=/run/netns/{Namespace.Name}",
                "-b",
            ])
            // nspawn keeps /proc/sys read-only in a given namespace; "network" leaves the namespace's own /proc/sys/net
            // writable, as it does for a machine with --private-network (the host's values are never reachable).
            .WithEnvironmentVariables(e =>
            {
                if (Options.WritableNetworkSysctls)
                {
                    e.Set("SYSTEMD_NSPAWN_API_VFS_WRITABLE", "network");
                }
            })
            .WithStandardInputPipe(PipeSource.Null)
            .WithStandardOutputPipe(sink)
            .WithStandardErrorPipe(sink)
            .WithValidation(CommandResultValidation.None)
            .ExecuteAsync(_kill.Token);
        File.AppendAllText(OwnerFile, " " + _nspawn.ProcessId.ToString(CultureInfo.InvariantCulture));

        var deadline = DateTime.UtcNow + BootTimeout;
        while (true)
        {
            if (_nspawn.Task.IsCompleted)
            {
                throw new InvalidOperationException($"systemd-nspawn exited during boot:{Environment.NewLine}{Console}");
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new InvalidOperationException($"the machine did not start systemd within {BootTimeout.TotalSeconds} s:{Environment.NewLine}{Console}");
            }

            if (ChildOf(_nspawn.ProcessId) is { } leader && Comm(leader) == "systemd")
            {
                Leader = leader;
                break;
            }

            await Task.Delay(50);
        }

        // Early in the boot systemctl says "offline" (no /run/systemd/system yet) or cannot reach PID 1's private
        // socket; --wait only works once it can. It then returns when the boot transaction is over: "running", or
        // "degraded" if some unit failed.
        BufferedCommandResult state;
        while (true)
        {
            state = await RunAsync(["systemctl", "is-system-running", "--wait"], deadline - DateTime.UtcNow);
            if (!IsBeforeSystemctlAnswers(state))
            {
                break;
            }

            if (DateTime.UtcNow > deadline || _nspawn.Task.IsCompleted)
            {
                throw new InvalidOperationException($"the machine's systemd never answered systemctl ('{state.StandardOutput.Trim()}', {state.StandardError.Trim()}):{Environment.NewLine}{Console}");
            }

            await Task.Delay(50);
        }

        var answer = state.StandardOutput.Trim();
        if (answer is not ("running" or "degraded"))
        {
            throw new InvalidOperationException($"the machine's boot ended '{answer}' ({state.StandardError.Trim()}):{Environment.NewLine}{Console}");
        }

        BootTime = clock.Elapsed;
    }

    private static bool IsBeforeSystemctlAnswers(BufferedCommandResult state)
    {
        var answer = state.StandardOutput.Trim();
        return answer is "" or "offline" || state.StandardError.Contains("Failed to connect to bus", StringComparison.Ordinal);
    }

    private async Task PowerOffAsync()
    {
        if (_nspawn is null)
        {
            return;
        }

        // SIGTERM to nspawn is an orderly power-off of the machine (systemd stops every unit).
        if (!_nspawn.Task.IsCompleted)
        {
            _ = kill(_nspawn.ProcessId, 15);
        }

        if (await Task.WhenAny(_nspawn.Task, Task.Delay(PowerOffTimeout)) != _nspawn.Task)
        {
            if (Leader > 0)
            {
                _ = kill(Leader, 9);
            }

            await _kill.CancelAsync();
        }

        try
        {
            await _nspawn;
        }
        catch (OperationCanceledException)
        {
            // Killed after the power-off timed out.
        }
    }

    /// <summary>
    /// Removes machines of runs whose test process is gone: nspawn stopped, namespace and directories deleted. Machines
    /// of one test run boot side by side: one of them cleans at a time, and a leftover another process removes first is
    /// simply gone.
    /// </summary>
    private static async Task RemoveLeftoversAsync()
    {
        await LeftoverCleaning.WaitAsync();
        try
        {
            await RemoveLeftoversOnceAsync();
        }
        finally
        {
            LeftoverCleaning.Release();
        }
    }

    private static async Task RemoveLeftoversOnceAsync()
    {
        foreach (var owner in Directory.EnumerateFiles(Path.GetTempPath(), $"{TestNamespace.Prefix}{Tag}-*.owner"))
        {
            var pids = File.ReadAllText(owner).Split(' ', StringSplitOptions.RemoveEmptyEntries)
                .Select(p => int.Parse(p, CultureInfo.InvariantCulture)).ToArray();
            if (pids.Length == 0 || Directory.Exists($"/proc/{pids[0]}"))
            {
                continue; // its test process still runs (another test class, or another engineer's run)
            }

            var name = Path.GetFileNameWithoutExtension(owner);
            if (pids.Length > 1 && Comm(pids[1]) == "systemd-nspawn")
            {
                _ = kill(pids[1], 15);
                await Poll.UntilAsync(() => Task.FromResult(!Directory.Exists($"/proc/{pids[1]}")), PowerOffTimeout);
            }

            await Cli.Wrap("ip").WithArguments(["netns", "del", name]).WithValidation(CommandResultValidation.None).ExecuteBufferedAsync();
            var root = Path.Combine(Path.GetTempPath(), name);
            foreach (var directory in new[] { root, root + ".usr", root + ".dpkg", root + ".share" })
            {
                Delete(directory);
            }

            File.Delete(owner);
        }
    }

    private static void Delete(string path)
    {
        try
        {
            // Recursive deletion removes links (bin -> usr/bin, /etc's own) without following them.
            if (Directory.Exists(path))
            {
                Directory.Delete(path, recursive: true);
            }
            else if (File.Exists(path))
            {
                File.Delete(path);
            }
        }
        catch (DirectoryNotFoundException)
        {
            // Removed meanwhile by another test process cleaning the same leftover.
        }
    }

    private static int? ChildOf(int pid)
    {
        var path = $"/proc/{pid}/task/{pid}/children";
        if (!File.Exists(path))
        {
            return null;
        }

        var children = File.ReadAllText(path).Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return children.Length == 0 ? null : int.Parse(children[0], CultureInfo.InvariantCulture);
    }

    private static string? Comm(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/comm").Trim();
        }
        catch (IOException)
        {
            return null;
        }
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int kill(int pid, int signal);

}

/// <summary>How a <see cref="SystemdMachine"/> boots.</summary>
/// <param name="NetworkManager">True to keep the host image's <c>NetworkManager.service</c> enabled (it then runs at boot).</param>
/// <param name="Binds">Host directories handed in read-only (<c>--bind-ro</c>), e.g. the Ansible role.</param>
public sealed record SystemdMachineOptions(bool NetworkManager, IReadOnlyList<(string HostPath, string MachinePath)> Binds)
{
    /// <summary>No NetworkManager, nothing bound but <see cref="SystemdMachine.ShareDirectory"/>.</summary>
    public SystemdMachineOptions()
        : this(false, [])
    {
    }

    /// <summary>
    /// True to let the machine write its namespace's <c>/proc/sys/net</c> (<c>sysctl -w net.*</c>, systemd-sysctl), as on a
    /// host; nspawn otherwise mounts it read-only in a namespace given with <c>--network-namespace-path</c>.
    /// </summary>
    public bool WritableNetworkSysctls { get; init; }
}
