namespace Gate.NetlinkCtl.Daemon;

/// <summary>
/// Asks for a reconcile when the state file may have changed. It watches the file's directory, not the
/// file: tools that replace a file atomically (write a temporary file, rename it over the old one, as
/// Ansible and most editors do) leave a watch on the old inode blind. Whether the content really changed
/// is decided by <see cref="StateInForce"/>'s hash, so spurious notifications cost one file read.
/// </summary>
internal sealed class StateFileWatcher : IDisposable
{
    private readonly FileSystemWatcher _watcher;
    private readonly string _fileName;
    private readonly Action _changed;

    /// <summary>Starts watching <paramref name="path"/>; <paramref name="changed"/> runs on a thread-pool thread.</summary>
    public StateFileWatcher(string path, Action changed)
    {
        var full = Path.GetFullPath(path);
        _fileName = Path.GetFileName(full);
        _changed = changed;
        _watcher = new FileSystemWatcher(Path.GetDirectoryName(full) ?? "/")
        {
            NotifyFilter = NotifyFilters.FileName | NotifyFilters.LastWrite | NotifyFilters.Size | NotifyFilters.CreationTime,
            IncludeSubdirectories = false,
        };
        _watcher.Changed += OnChanged;
        _watcher.Created += OnChanged;
        _watcher.Deleted += OnChanged;
        _watcher.Renamed += OnRenamed;
        // Overflowed inotify queue: changes may have been missed, so look at the file anyway.
        _watcher.Error += (_, _) => _changed();
        _watcher.EnableRaisingEvents = true;
    }

    private void OnChanged(object sender, FileSystemEventArgs e)
    {
        if (string.Equals(e.Name, _fileName, StringComparison.Ordinal))
        {
            _changed();
        }
    }

    private void OnRenamed(object sender, RenamedEventArgs e)
    {
        if (string.Equals(e.Name, _fileName, StringComparison.Ordinal)
            || string.Equals(e.OldName, _fileName, StringComparison.Ordinal))
        {
            _changed();
        }
    }

    /// <inheritdoc />
    public void Dispose() => _watcher.Dispose();
}
