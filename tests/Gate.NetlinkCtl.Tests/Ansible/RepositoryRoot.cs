namespace Gate.NetlinkCtl.Tests.Ansible;

/// <summary>The checkout the tests run from: the nearest parent of the test binary that holds the solution file.</summary>
public static class RepositoryRoot
{
    private static readonly Lazy<string> Found = new(() =>
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "Gate.NetlinkCtl.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"no Gate.NetlinkCtl.sln above {AppContext.BaseDirectory}");
    });

    /// <summary>The repository's root directory.</summary>
    public static string Path => Found.Value;
}
