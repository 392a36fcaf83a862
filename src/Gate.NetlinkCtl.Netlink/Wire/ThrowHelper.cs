using System.Diagnostics.CodeAnalysis;

namespace Gate.NetlinkCtl.Netlink.Wire;

/// <summary>Every failure of the codec goes through here, so each has one exact message.</summary>
internal static class ThrowHelper
{
    [DoesNotReturn]
    public static void ThrowTruncated(string what, int needed, int available) =>
        throw new NetlinkDecodeException($"{what} needs {needed} bytes but only {available} remain");

    [DoesNotReturn]
    public static void ThrowBadLength(string what, int length) =>
        throw new NetlinkDecodeException($"{what} has an invalid length {length}");

    [DoesNotReturn]
    public static void ThrowBadAttributeSize(ushort type, int expected, int actual) =>
        throw new NetlinkDecodeException($"attribute {type} holds {actual} bytes, expected {expected}");

    [DoesNotReturn]
    public static void ThrowMissing(string what) =>
        throw new NetlinkDecodeException($"the message lacks {what}");

    [DoesNotReturn]
    public static void ThrowBufferFull(int needed, int available) =>
        throw new InvalidOperationException($"netlink request needs {needed} more bytes but the buffer has {available} left");

    [DoesNotReturn]
    public static void ThrowUnbalanced(string what) =>
        throw new InvalidOperationException($"{what} ended out of order");
}
