using System.Security.Cryptography;
using System.Text;

namespace Gate.NetlinkCtl.Backends.NetworkManager.Profiles;

/// <summary>
/// gatectl's ownership mark on NetworkManager profiles: the connection id is <c>gatectl-&lt;gate&gt;</c> and the
/// UUID is derived from the gate name (RFC 9562 version 5, in gatectl's own namespace). A profile is gatectl's
/// only when both agree, so a hand-made profile that happens to be called <c>gatectl-x</c> is never touched.
/// </summary>
internal static class ProfileIdentity
{
    /// <summary>The prefix of every gatectl profile's connection id.</summary>
    public const string IdPrefix = "gatectl-";

    /// <summary>The name-based UUID namespace of gatectl profiles (fixed forever: changing it would orphan every profile).</summary>
    public static readonly Guid Namespace = new("6f0b7c52-4a1e-5d39-9a57-1c2b9e0d4f61");

    /// <summary>The connection id of a gate's profile.</summary>
    public static string IdFor(string gate) => IdPrefix + gate;

    /// <summary>The UUID of a gate's profile: the same on every host and every run.</summary>
    public static Guid UuidFor(string gate)
    {
        Span<byte> namespaceBytes = stackalloc byte[16];
        Namespace.TryWriteBytes(namespaceBytes, bigEndian: true, out _);
        var name = Encoding.UTF8.GetBytes(gate);
        var input = new byte[16 + name.Length];
        namespaceBytes.CopyTo(input);
        name.CopyTo(input, 16);

#pragma warning disable CA5350 // SHA-1 is what RFC 9562 version 5 UUIDs are defined with; this is naming, not security.
        var hash = SHA1.HashData(input);
#pragma warning restore CA5350
        hash[6] = (byte)((hash[6] & 0x0F) | 0x50);
        hash[8] = (byte)((hash[8] & 0x3F) | 0x80);
        return new Guid(hash.AsSpan(0, 16), bigEndian: true);
    }

    /// <summary>The gate a profile belongs to when both marks are gatectl's, else null.</summary>
    public static string? GateOf(string id, string uuid)
    {
        if (!id.StartsWith(IdPrefix, StringComparison.Ordinal) || id.Length == IdPrefix.Length)
        {
            return null;
        }

        var gate = id[IdPrefix.Length..];
        return Guid.TryParse(uuid, out var parsed) && parsed == UuidFor(gate) ? gate : null;
    }
}
