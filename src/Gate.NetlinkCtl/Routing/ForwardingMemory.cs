using System.Globalization;
using Gate.NetlinkCtl.Daemon;

namespace Gate.NetlinkCtl.Routing;

/// <summary>
/// The IPv4 <c>forwarding</c> value each device had before gatectl turned it on, so <c>delete</c> (or a routing block
/// going away) puts exactly that back. Kept in the state directory, one file per network namespace, one line per
/// device (<c>NAME VALUE</c>); a device gatectl found already forwarding is not listed, so gatectl never turns off
/// what it did not turn on.
/// </summary>
internal sealed class ForwardingMemory
{
    private readonly string _path;

    /// <summary>The memory for <paramref name="netns"/> (null: the host's namespace) under <paramref name="stateDirectory"/>.</summary>
    public ForwardingMemory(string stateDirectory, string? netns) =>
        _path = Path.Combine(stateDirectory, netns is null ? "forwarding-before.txt" : $"forwarding-before-netns-{netns}.txt");

    /// <summary>The file's path, for messages.</summary>
    public string FilePath => _path;

    /// <summary>Every remembered device and its value before gatectl changed it.</summary>
    public IReadOnlyDictionary<string, uint> Read()
    {
        var values = new Dictionary<string, uint>(StringComparer.Ordinal);
        if (!File.Exists(_path))
        {
            return values;
        }

        foreach (var line in File.ReadAllLines(_path))
        {
            var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length == 2 && uint.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var value))
            {
                values[parts[0]] = value;
            }
        }

        return values;
    }

    /// <summary>Remembers <paramref name="value"/> for <paramref name="device"/> unless a value is remembered already (the first one is the original).</summary>
    public void RememberFirst(string device, uint value)
    {
        var values = new Dictionary<string, uint>(Read(), StringComparer.Ordinal);
        if (values.TryAdd(device, value))
        {
            Write(values);
        }
    }

    /// <summary>Forgets <paramref name="device"/> (its value was put back, or the device is gone).</summary>
    public void Forget(string device)
    {
        var values = new Dictionary<string, uint>(Read(), StringComparer.Ordinal);
        if (values.Remove(device))
        {
            Write(values);
        }
    }

    private void Write(Dictionary<string, uint> values)
    {
        if (values.Count == 0)
        {
            File.Delete(_path);
            return;
        }

        Directory.CreateDirectory(Path.GetDirectoryName(_path)!);
        AtomicFile.WriteAllText(_path, string.Concat(values.OrderBy(v => v.Key, StringComparer.Ordinal).Select(v => $"{v.Key} {v.Value}\n")));
    }
}
