namespace Gate.NetlinkCtl.Rendering;

/// <summary>Writes rendered files under a directory, each replaced atomically, with the mode its consumer expects.</summary>
internal static class RenderedFileWriter
{
    private const UnixFileMode Readable = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead;
    private const UnixFileMode Executable = Readable | UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;

    // NetworkManager ignores keyfiles that others can read.
    private const UnixFileMode Private = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    /// <summary>Writes every file under <paramref name="directory"/> (created if missing) and returns the paths written.</summary>
    public static IReadOnlyList<string> Write(string directory, IEnumerable<RenderedFile> files)
    {
        var written = new List<string>();
        foreach (var file in files)
        {
            var path = Path.Combine(directory, file.RelativePath);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            var temporary = path + ".gatectl-tmp";
            File.WriteAllText(temporary, file.Content);
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(temporary, ModeOf(file));
            }

            File.Move(temporary, path, overwrite: true);
            written.Add(path);
        }

        return written;
    }

    /// <summary>The mode a rendered file gets: scripts executable, NetworkManager keyfiles private, the rest world-readable.</summary>
    public static UnixFileMode ModeOf(RenderedFile file) =>
        file.IsScript ? Executable
        : file.RelativePath.EndsWith(".nmconnection", StringComparison.Ordinal) ? Private
        : Readable;
}
