using System.Security.Cryptography;
using CliWrap;
using CliWrap.Buffered;

namespace Gate.NetlinkCtl.TestSupport;

/// <summary>
/// A network namespace that a test creates and always deletes: unique name (prefix <see cref="Prefix"/>
/// plus random suffix) so tests run in parallel and a crashed run never collides with the next.
/// </summary>
public sealed class TestNamespace : IAsyncDisposable, IDisposable
{
    /// <summary>Every namespace a test makes starts with this; <c>.ci/run</c> deletes leftovers by it.</summary>
    public const string Prefix = "gct";

    private TestNamespace(string name) => Name = name;

    /// <summary>The namespace's name, as <c>ip netns</c> knows it.</summary>
    public string Name { get; }

    /// <summary>Creates a namespace with loopback up. Requires root (checked).</summary>
    public static async Task<TestNamespace> CreateAsync(string tag = "t")
    {
        Prerequisites.RequireRoot();
        Prerequisites.RequireCommand("ip", "iproute2");
        var name = $"{Prefix}{tag}-{Convert.ToHexString(RandomNumberGenerator.GetBytes(4)).ToLowerInvariant()}";
        await RunAsync("ip", ["netns", "add", name]);
        var ns = new TestNamespace(name);
        await ns.IpAsync("link", "set", "lo", "up");
        return ns;
    }

    /// <summary>Runs <c>ip -n NAME args...</c> and returns stdout; throws with stderr on failure.</summary>
    public Task<string> IpAsync(params string[] args) => RunAsync("ip", ["-n", Name, .. args]);

    /// <summary>Runs <c>bridge -n NAME args...</c>.</summary>
    public Task<string> BridgeAsync(params string[] args) => RunAsync("bridge", ["-n", Name, .. args]);

    /// <summary>Runs any program inside the namespace (<c>ip netns exec</c>).</summary>
    public Task<string> ExecAsync(string program, params string[] args) => RunAsync("ip", ["netns", "exec", Name, program, .. args]);

    /// <summary>Runs a program with an argument array (never a shell string) and returns stdout.</summary>
    public static async Task<string> RunAsync(string program, IReadOnlyList<string> args)
    {
        var result = await Cli.Wrap(program)
            .WithArguments(args)
            .WithValidation(CommandResultValidation.None)
            .ExecuteBufferedAsync();
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException(
                $"'{program} {string.Join(' ', args)}' exited {result.ExitCode}: {result.StandardError.Trim()}");
        }

        return result.StandardOutput;
    }

    /// <summary>
    /// Runs <paramref name="factory"/> on a thread of its own that has entered this namespace, and returns what it made:
    /// a socket opened there stays in this namespace for its whole life (a listener for a process inside, for example).
    /// </summary>
    public T CreateInside<T>(Func<T> factory)
    {
        T? made = default;
        Exception? failure = null;
        var thread = new Thread(() =>
        {
            try
            {
                using var handle = File.OpenHandle($"/run/netns/{Name}");
                if (setns((int)handle.DangerousGetHandle(), CloneNewNet) != 0)
                {
                    throw new InvalidOperationException($"setns into {Name} failed: errno {System.Runtime.InteropServices.Marshal.GetLastPInvokeError()}");
                }

                made = factory();
            }
            catch (Exception e)
            {
                failure = e;
            }
        });
        thread.Start();
        thread.Join();
        return failure is null ? made! : throw new InvalidOperationException($"creating inside namespace {Name} failed: {failure.Message}", failure);
    }

    private const int CloneNewNet = 0x40000000;

    [System.Runtime.InteropServices.DllImport("libc", SetLastError = true)]
    private static extern int setns(int fd, int nstype);

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await Cli.Wrap("ip").WithArguments(["netns", "del", Name])
            .WithValidation(CommandResultValidation.None).ExecuteBufferedAsync();
    }

    /// <inheritdoc />
    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();
}
