using System.Runtime.InteropServices;

namespace Gate.NetlinkCtl.Native;

/// <summary>
/// Every libc call gatectl's core makes, in one place (the rtnetlink library keeps its own, <c>Sockets/Interop</c>).
/// Source-generated marshalling (<see cref="LibraryImportAttribute"/>): no runtime stubs, so native AOT keeps them.
/// </summary>
internal static partial class Libc
{
    /// <summary><c>open(2)</c>; returns a descriptor, or -1 with errno set.</summary>
    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int Open(string path, int flags, int mode);

    /// <summary><c>flock(2)</c>.</summary>
    [LibraryImport("libc", EntryPoint = "flock", SetLastError = true)]
    public static partial int Flock(int fd, int operation);

    /// <summary><c>close(2)</c>.</summary>
    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    public static partial int Close(int fd);

    /// <summary><c>setns(2)</c>: moves the calling thread into the namespace <paramref name="fd"/> refers to.</summary>
    [LibraryImport("libc", EntryPoint = "setns", SetLastError = true)]
    public static partial int Setns(int fd, int nstype);

    /// <summary><c>statx(2)</c> into <paramref name="buffer"/> (a <c>struct statx</c>).</summary>
    [LibraryImport("libc", EntryPoint = "statx", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int Statx(int dirfd, string path, int flags, uint mask, [Out] byte[] buffer);

    /// <summary><c>geteuid(2)</c>.</summary>
    [LibraryImport("libc", EntryPoint = "geteuid")]
    public static partial uint Geteuid();
}
