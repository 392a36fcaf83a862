using System.Net;

namespace Gate.NetlinkCtl.State;

/// <summary>An IPv4 address with a prefix length, as assigned to an interface (host bits may be set).</summary>
/// <param name="Address">The address.</param>
/// <param name="PrefixLength">The prefix length, 0..32.</param>
internal readonly record struct InterfaceAddress(IPAddress Address, int PrefixLength)
{
    /// <summary>The network this address sits in.</summary>
    public IPNetwork Network => new(MaskHostBits(Address, PrefixLength), PrefixLength);

    /// <summary>Reads <c>a.b.c.d/n</c>.</summary>
    public static bool TryParse(string text, out InterfaceAddress value)
    {
        value = default;
        var slash = text.IndexOf('/', StringComparison.Ordinal);
        if (slash <= 0
            || !IPAddress.TryParse(text.AsSpan(0, slash), out var address)
            || address.AddressFamily != System.Net.Sockets.AddressFamily.InterNetwork
            || !int.TryParse(text.AsSpan(slash + 1), System.Globalization.NumberStyles.None, null, out var prefix)
            || prefix > 32)
        {
            return false;
        }

        value = new InterfaceAddress(address, prefix);
        return true;
    }

    /// <summary>Clears the bits past the prefix.</summary>
    public static IPAddress MaskHostBits(IPAddress address, int prefixLength)
    {
        Span<byte> bytes = stackalloc byte[4];
        address.TryWriteBytes(bytes, out _);
        var value = System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(bytes);
        var mask = prefixLength == 0 ? 0u : uint.MaxValue << (32 - prefixLength);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(bytes, value & mask);
        return new IPAddress(bytes);
    }

    /// <inheritdoc />
    public override string ToString() => $"{Address}/{PrefixLength}";
}
