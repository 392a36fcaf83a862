using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;
using Gate.NetlinkCtl.Native;

namespace Gate.NetlinkCtl.State;

/// <summary>
/// Whether a state file may be trusted: whoever can write it decides what gatectl does to the network, so a file
/// every user may write, or one owned by another non-root user, is refused. Checked on the open handle, so the file
/// checked is the file read.
/// </summary>
internal static class StateFileTrust
{
    private const int AtEmptyPath = 0x1000;
    private const uint StatxModeAndUid = 0x2 | 0x8;
    private const int OtherWrite = 0x2; // S_IWOTH
    private const int StatxBufferBytes = 256;
    private const int StatxUidOffset = 20;
    private const int StatxModeOffset = 28;

    /// <summary>The reason the open file must not be used, or null when it may.</summary>
    /// <param name="handle">The file, opened for reading.</param>
    /// <param name="path">The path as the user named it, for the advice.</param>
    public static string? Problem(SafeFileHandle handle, string path)
    {
        ArgumentNullException.ThrowIfNull(handle);
        if (Stat(handle) is not var (mode, uid))
        {
            return null; // statx unavailable: the kernel decides who could write the file.
        }

        if ((mode & OtherWrite) != 0)
        {
            return $"the state file is writable by every user (mode {Octal(mode)}), so anyone on this host could rewrite the network gatectl builds; "
                + $"refused: make it writable by its owner only (chmod o-w {path})";
        }

        var self = Libc.Geteuid();
        if (uid != 0 && uid != self)
        {
            return $"the state file is owned by uid {uid}, not by root or the user running gatectl (uid {self}), so that user could rewrite the network gatectl builds; "
                + $"refused: give it to root (chown root {path}) or run gatectl as its owner";
        }

        return null;
    }

    private static string Octal(int mode) => "0" + Convert.ToString(mode & 0xFFF, 8).PadLeft(3, '0');

    // statx(fd, "", AT_EMPTY_PATH) has one layout on every architecture, unlike struct stat: stx_uid at byte 20, stx_mode at 28.
    private static (int Mode, uint Uid)? Stat(SafeFileHandle handle)
    {
        var buffer = new byte[StatxBufferBytes];
        var added = false;
        try
        {
            handle.DangerousAddRef(ref added);
            var fd = (int)handle.DangerousGetHandle();
            if (Libc.Statx(fd, string.Empty, AtEmptyPath, StatxModeAndUid, buffer) != 0)
            {
                return null;
            }
        }
        finally
        {
            if (added)
            {
                handle.DangerousRelease();
            }
        }

        return (BitConverter.ToUInt16(buffer, StatxModeOffset), BitConverter.ToUInt32(buffer, StatxUidOffset));
    }

    /// <summary>The effective user id of this process.</summary>
    public static uint EffectiveUserId => Libc.Geteuid();
}
