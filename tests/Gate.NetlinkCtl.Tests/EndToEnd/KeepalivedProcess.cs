using CliWrap;
using CliWrap.Buffered;
using Gate.NetlinkCtl.Rendering;
using Gate.NetlinkCtl.State;

namespace Gate.NetlinkCtl.Tests.EndToEnd;

/// <summary>
/// Debian's keepalived, run in the foreground inside a peer's namespace with the configuration gatectl renders for that
/// peer's state; its pid files and log live in a directory of its own. Stopped with SIGTERM (keepalived's own stop: it
/// gives the address up and tells the other peer), killed in <see cref="DisposeAsync"/> if it outlives that.
/// </summary>
internal sealed class KeepalivedProcess : IAsyncDisposable
{
    private readonly string _namespace;
    private readonly string _directory;
    private readonly CancellationTokenSource _kill = new();
    private readonly System.Text.StringBuilder _log = new();
    private CommandTask<CommandResult>? _running;

    private KeepalivedProcess(string ns, string directory)
    {
        _namespace = ns;
        _directory = directory;
    }

    private string Config => Path.Combine(_directory, "keepalived.conf");

    private string PidFile => Path.Combine(_directory, "keepalived.pid");

    private string VrrpPidFile => Path.Combine(_directory, "vrrp.pid");

    /// <summary>What keepalived printed so far (for failure messages).</summary>
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

    /// <summary>Renders <paramref name="state"/> as keepalived's configuration into <paramref name="directory"/> and starts keepalived in <paramref name="ns"/>.</summary>
    public static async Task<KeepalivedProcess> StartAsync(string ns, DesiredState state, string directory)
    {
        Directory.CreateDirectory(directory);
        var process = new KeepalivedProcess(ns, directory);
        var file = Assert.Single(StateRenderer.Default.Render(state, RenderFormat.Keepalived, "state.yaml"));
        await File.WriteAllTextAsync(process.Config, file.Content);
        process.Start();
        return process;
    }

    /// <summary>Starts keepalived again after <see cref="StopAsync"/>.</summary>
    public void Start()
    {
        // -n foreground, -l log to the console, -D detailed, -P VRRP only, -G no syslog; pid files of this run only.
        _running = Cli.Wrap("ip")
            .WithArguments(["netns", "exec", _namespace, "keepalived", "-n", "-l", "-D", "-P", "-G",
                "-f", Config, "-p", PidFile, "-r", VrrpPidFile])
            .WithValidation(CommandResultValidation.None)
            .WithStandardOutputPipe(PipeTarget.ToDelegate(Append))
            .WithStandardErrorPipe(PipeTarget.ToDelegate(Append))
            .ExecuteAsync(_kill.Token);
    }

    /// <summary>Reloads keepalived's configuration as <c>systemctl reload keepalived</c> does (SIGHUP).</summary>
    public async Task ReloadAsync()
    {
        Assert.NotNull(_running);
        await Cli.Wrap("kill").WithArguments(["-HUP", _running.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture)])
            .WithValidation(CommandResultValidation.None).ExecuteBufferedAsync();
    }

    /// <summary>Stops keepalived as its service would (SIGTERM) and waits until it and its VRRP child are gone.</summary>
    public async Task StopAsync()
    {
        if (_running is null)
        {
            return;
        }

        var pid = _running.ProcessId;
        await Cli.Wrap("kill").WithArguments(["-TERM", pid.ToString(System.Globalization.CultureInfo.InvariantCulture)])
            .WithValidation(CommandResultValidation.None).ExecuteBufferedAsync();
        await _running.Task.WaitAsync(TimeSpan.FromSeconds(10));
        _running = null;
        await KillChildAsync();
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await StopAsync();
        }
        catch (Exception e) when (e is TimeoutException or OperationCanceledException)
        {
            await _kill.CancelAsync();
        }
        finally
        {
            await KillChildAsync();
            _kill.Dispose();
            Directory.Delete(_directory, recursive: true);
        }
    }

    // The VRRP child exits with its parent; this only makes sure no keepalived outlives a failed test.
    private async Task KillChildAsync()
    {
        if (File.Exists(VrrpPidFile) && int.TryParse((await File.ReadAllTextAsync(VrrpPidFile)).Trim(), out var child) && Directory.Exists($"/proc/{child}")
            && (await File.ReadAllTextAsync($"/proc/{child}/comm")).Trim() == "keepalived")
        {
            await Cli.Wrap("kill").WithArguments(["-KILL", child.ToString(System.Globalization.CultureInfo.InvariantCulture)])
                .WithValidation(CommandResultValidation.None).ExecuteBufferedAsync();
        }
    }

    private void Append(string line)
    {
        lock (_log)
        {
            _log.AppendLine(line);
        }
    }
}
