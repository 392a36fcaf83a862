using System.Text;

namespace Gate.NetlinkCtl.Daemon;

/// <summary>
/// Replaces a file in one step: the content goes to a temporary file in the same directory, is flushed
/// to disk, then renamed over the target, so a reader (node_exporter, <c>gatectl status</c>) sees the
/// old file or the new one, never half of one.
/// </summary>
internal static class AtomicFile
{
    /// <summary>Mode for files other users may read (metrics are scraped by node_exporter's own user).</summary>
    public const UnixFileMode WorldReadable =
        UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead;

    /// <summary>Writes <paramref name="content"/> as UTF-8 to <paramref name="path"/> atomically, with the given mode.</summary>
    public static void WriteAllText(string path, string content, UnixFileMode mode = WorldReadable)
    {
        var full = Path.GetFullPath(path);
        var directory = Path.GetDirectoryName(full) ?? "/";
        // The dot prefix keeps node_exporter from reading the temporary file: it only reads *.prom.
        var temp = Path.Combine(directory, $".{Path.GetFileName(full)}.{Environment.ProcessId}.tmp");
        try
        {
            using (var stream = new FileStream(temp, FileMode.Create, FileAccess.Write))
            {
                stream.Write(Encoding.UTF8.GetBytes(content));
                stream.Flush(flushToDisk: true);
            }

            // Set before the rename, so the file never appears with the umask's narrower mode.
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(temp, mode);
            }
            File.Move(temp, full, overwrite: true);
        }
        catch
        {
            File.Delete(temp);
            throw;
        }
    }
}
