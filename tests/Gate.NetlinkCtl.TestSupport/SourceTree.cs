namespace Gate.NetlinkCtl.TestSupport;

/// <summary>Finds files of the repository (units, examples, templates) from a test's output directory.</summary>
public static class SourceTree
{
    /// <summary>The repository root: the nearest directory above the test binaries that holds Gate.NetlinkCtl.sln.</summary>
    public static string Root { get; } = FindRoot();

    /// <summary>A path under the repository root.</summary>
    public static string PathOf(params string[] parts) => Path.Combine([Root, .. parts]);

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Gate.NetlinkCtl.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"no Gate.NetlinkCtl.sln above {AppContext.BaseDirectory}: run the tests from the repository's build output");
    }
}
