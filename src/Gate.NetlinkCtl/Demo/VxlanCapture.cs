using System.Buffers.Binary;
using System.Globalization;
using CliWrap;

namespace Gate.NetlinkCtl.Demo;

/// <summary>
/// A bounded <c>tcpdump</c> of VXLAN traffic (UDP 4789) on one device of one namespace, decoded into
/// <see cref="VxlanPacket"/>s: proof that traffic crossed the kernel's VXLAN path with the expected header.
/// </summary>
internal sealed class VxlanCapture : IAsyncDisposable
{
    private const uint PcapMagicMicroseconds = 0xa1b2c3d4;
    private const uint PcapMagicNanoseconds = 0xa1b23c4d;
    private const int PcapFileHeader = 24;
    private const int PcapRecordHeader = 16;

    private readonly string _file;
    private readonly CancellationTokenSource _stop;
    private readonly CancellationTokenSource _kill;
    private readonly Task _run;

    private VxlanCapture(string file, CancellationTokenSource stop, CancellationTokenSource kill, Task run)
    {
        _file = file;
        _stop = stop;
        _kill = kill;
        _run = run;
    }

    /// <summary>Starts capturing up to <paramref name="maxPackets"/> VXLAN packets and returns once tcpdump is listening.</summary>
    /// <param name="ns">The namespace to capture in.</param>
    /// <param name="device">The underlay device.</param>
    /// <param name="maxPackets">tcpdump stops by itself after this many packets.</param>
    /// <param name="limit">tcpdump is stopped after this long whatever it has seen.</param>
    public static async Task<VxlanCapture> StartAsync(string ns, string device, int maxPackets, TimeSpan limit)
    {
        var file = Path.Combine(Path.GetTempPath(), $"gatectl-vxlan-{Guid.NewGuid():n}.pcap");
        var listening = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var stop = new CancellationTokenSource(limit);
        var kill = new CancellationTokenSource(limit + TimeSpan.FromSeconds(3));
        var command = Cli.Wrap("ip")
            .WithArguments(["netns", "exec", ns, "tcpdump", "-i", device, "-nn", "-U", "--immediate-mode", "-s", "256",
                "-c", maxPackets.ToString(CultureInfo.InvariantCulture), "-w", file, "udp", "port", "4789"])
            .WithValidation(CommandResultValidation.None)
            .WithStandardErrorPipe(PipeTarget.ToDelegate(line =>
            {
                if (line.Contains("listening on", StringComparison.Ordinal))
                {
                    listening.TrySetResult();
                }
            }));
        var run = RunAsync(command, kill.Token, stop.Token);
        await Task.WhenAny(listening.Task, run, Task.Delay(TimeSpan.FromSeconds(5)));
        if (!listening.Task.IsCompletedSuccessfully)
        {
            await stop.CancelAsync();
            await run;
            throw new DemoException($"tcpdump did not start listening on {device} in {ns} within 5 s (is tcpdump installed?)");
        }

        return new VxlanCapture(file, stop, kill, run);
    }

    /// <summary>Waits up to <paramref name="grace"/> for tcpdump to reach its packet count, stops it, and decodes what it wrote.</summary>
    public async Task<IReadOnlyList<VxlanPacket>> StopAsync(TimeSpan grace)
    {
        await Task.WhenAny(_run, Task.Delay(grace));
        await _stop.CancelAsync();
        await _run;
        if (!File.Exists(_file))
        {
            throw new DemoException($"tcpdump wrote no capture file ({_file})");
        }

        var bytes = await File.ReadAllBytesAsync(_file);
        return Decode(bytes);
    }

    /// <summary>Decodes a classic pcap file of Ethernet frames; frames that are not VXLAN are left out.</summary>
    public static IReadOnlyList<VxlanPacket> Decode(ReadOnlySpan<byte> pcap)
    {
        if (pcap.Length < PcapFileHeader)
        {
            return [];
        }

        var magic = BinaryPrimitives.ReadUInt32LittleEndian(pcap);
        var littleEndian = magic is PcapMagicMicroseconds or PcapMagicNanoseconds;
        if (!littleEndian && BinaryPrimitives.ReadUInt32BigEndian(pcap) is not (PcapMagicMicroseconds or PcapMagicNanoseconds))
        {
            throw new DemoException("the capture is not a classic pcap file");
        }

        var packets = new List<VxlanPacket>();
        var rest = pcap[PcapFileHeader..];
        while (rest.Length >= PcapRecordHeader)
        {
            var length = (int)(littleEndian ? BinaryPrimitives.ReadUInt32LittleEndian(rest[8..]) : BinaryPrimitives.ReadUInt32BigEndian(rest[8..]));
            if (length < 0 || rest.Length < PcapRecordHeader + length)
            {
                break;
            }

            if (VxlanPacket.TryDecode(rest.Slice(PcapRecordHeader, length)) is { } packet)
            {
                packets.Add(packet);
            }

            rest = rest[(PcapRecordHeader + length)..];
        }

        return packets;
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _run;
        _stop.Dispose();
        _kill.Dispose();
        File.Delete(_file);
    }

    private static async Task RunAsync(Command command, CancellationToken kill, CancellationToken stop)
    {
        try
        {
            // Graceful cancellation sends SIGINT, on which tcpdump flushes its file and exits; immediate mode (above)
            // hands each packet over at once instead of after libpcap's one-second buffer timeout.
            await command.ExecuteAsync(kill, stop);
        }
        catch (OperationCanceledException)
        {
            // Stopped on purpose: the file holds what was captured.
        }
    }
}
