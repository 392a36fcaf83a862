using System.Security.Cryptography;
using CliWrap;
using CliWrap.Buffered;

namespace Gate.NetlinkCtl.TestSupport;

/// <summary>
/// A D-Bus system bus that accepts connections and never answers (a wedged <c>dbus-daemon</c>): a real
/// <c>dbus-daemon</c> whose policy allows sending but no <c>receive_sender</c>, so not even the reply to a client's
/// <c>Hello</c> gets through. Disposal stops it by its own process id and removes its directory.
/// </summary>
public sealed class WedgedBus : IAsyncDisposable
{
    private readonly string _directory;
    private readonly CancellationTokenSource _stop = new();
    private CommandTask<CommandResult>? _daemon;

    private WedgedBus(string directory) => _directory = directory;

    /// <summary>The bus address, for <c>DBUS_SYSTEM_BUS_ADDRESS</c>.</summary>
    public string Address => $"unix:path={Socket}";

    private string Socket => Path.Combine(_directory, "bus.sock");

    /// <summary>Starts the bus and waits until its socket exists.</summary>
    public static async Task<WedgedBus> StartAsync()
    {
        Prerequisites.RequireCommand("dbus-daemon", "dbus");
        var bus = new WedgedBus(Path.Combine(Path.GetTempPath(), $"gctbus-{Convert.ToHexString(RandomNumberGenerator.GetBytes(4)).ToLowerInvariant()}"));
        Directory.CreateDirectory(bus._directory);
        var config = Path.Combine(bus._directory, "bus.conf");
        await File.WriteAllTextAsync(config, $"""
            <!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
             "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
            <busconfig>
              <type>system</type>
              <listen>unix:path={bus.Socket}</listen>
              <auth>EXTERNAL</auth>
              <policy context="default">
                <allow user="*"/>
                <allow own="*"/>
                <allow send_destination="*"/>
              </policy>
            </busconfig>
            """);
        bus._daemon = Cli.Wrap(Prerequisites.FindOnPath("dbus-daemon")!)
            .WithArguments(["--config-file=" + config, "--nofork", "--nopidfile", "--nosyslog"])
            .WithValidation(CommandResultValidation.None)
            .ExecuteAsync(bus._stop.Token);
        if (!await Poll.UntilAsync(() => Task.FromResult(File.Exists(bus.Socket) || bus._daemon.Task.IsCompleted), TimeSpan.FromSeconds(10)) || !File.Exists(bus.Socket))
        {
            await bus.DisposeAsync();
            throw new InvalidOperationException($"dbus-daemon did not open {bus.Socket}");
        }

        return bus;
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        if (_daemon is not null)
        {
            try
            {
                await _daemon;
            }
            catch (OperationCanceledException)
            {
                // Stopped on purpose.
            }
        }

        _stop.Dispose();
        Directory.Delete(_directory, recursive: true);
    }
}
