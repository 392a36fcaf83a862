using Gate.NetlinkCtl.Netlink;

namespace Gate.NetlinkCtl.Bench;

/// <summary>
/// Counts what the kernel announces in a namespace (links, FDB entries and neighbours, addresses, routes): every
/// write that changes something makes an RTM_NEW*/RTM_DEL* event, so zero events over a run means zero writes.
/// </summary>
public sealed class KernelWriteCounter : IDisposable
{
    private readonly RtnlEventListener _listener;
    private readonly CancellationTokenSource _stop = new();
    private readonly Thread _thread;
    private long _count;

    private KernelWriteCounter(RtnlEventListener listener)
    {
        _listener = listener;
        _thread = new Thread(Listen) { IsBackground = true, Name = "kernel write counter" };
        _thread.Start();
    }

    /// <summary>Events seen since the last <see cref="Reset"/>.</summary>
    public long Count => Interlocked.Read(ref _count);

    /// <summary>Starts counting in <paramref name="netns"/>.</summary>
    public static KernelWriteCounter Open(string netns) => new(RtnlEventListener.Open(netns));

    /// <summary>Waits until events of writes already made have been read (they are queued at write time), then zeroes the count.</summary>
    public void Reset()
    {
        Settle();
        Interlocked.Exchange(ref _count, 0);
    }

    /// <summary>Gives the listener thread time to read what the kernel has queued for it.</summary>
    public static void Settle() => Thread.Sleep(50);

    /// <inheritdoc />
    public void Dispose()
    {
        _stop.Cancel();
        _thread.Join();
        _listener.Dispose();
        _stop.Dispose();
    }

    private void Listen()
    {
        try
        {
            while (true)
            {
                Interlocked.Add(ref _count, _listener.Receive(_stop.Token).Count);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }
}
