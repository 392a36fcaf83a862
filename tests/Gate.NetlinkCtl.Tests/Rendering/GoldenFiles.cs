using System.Runtime.CompilerServices;
using Gate.NetlinkCtl.Rendering;

namespace Gate.NetlinkCtl.Tests.Rendering;

/// <summary>
/// Golden files under Rendering/Golden/&lt;format&gt;/: the reviewed output of the shipped templates for
/// <see cref="SampleStates.ThreeGates"/>. Set GATECTL_UPDATE_GOLDEN=1 to rewrite them after a deliberate
/// template change, then review the diff.
/// </summary>
internal static class GoldenFiles
{
    /// <summary>The source directory of the golden files of <paramref name="format"/>.</summary>
    public static string Directory(RenderFormat format, [CallerFilePath] string here = "") =>
        Path.Combine(Path.GetDirectoryName(here)!, "Golden", format.ToName());

    /// <summary>Whether this run rewrites the golden files instead of comparing.</summary>
    public static bool Updating => Environment.GetEnvironmentVariable("GATECTL_UPDATE_GOLDEN") == "1";

    /// <summary>Reads every golden file of <paramref name="format"/>, keyed by its relative path.</summary>
    public static IReadOnlyDictionary<string, string> Read(RenderFormat format)
    {
        var root = Directory(format);
        return System.IO.Directory.GetFiles(root, "*", SearchOption.AllDirectories)
            .ToDictionary(f => Path.GetRelativePath(root, f).Replace('\\', '/'), File.ReadAllText);
    }

    /// <summary>Replaces the golden files of <paramref name="format"/> with <paramref name="files"/>.</summary>
    public static void Write(RenderFormat format, IEnumerable<RenderedFile> files)
    {
        var root = Directory(format);
        if (System.IO.Directory.Exists(root))
        {
            System.IO.Directory.Delete(root, recursive: true);
        }

        foreach (var file in files)
        {
            var path = Path.Combine(root, file.RelativePath);
            System.IO.Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllText(path, file.Content);
        }
    }
}
