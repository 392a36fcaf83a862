using System.Reflection;

namespace Gate.NetlinkCtl.Rendering;

/// <summary>One template as read from its source.</summary>
/// <param name="Path">Where it came from, for error messages (<c>templates/networkd/vxlan.netdev.sbn</c>).</param>
/// <param name="Text">The template text, front matter included.</param>
internal sealed record TemplateFile(string Path, string Text);

/// <summary>Where templates come from: the ones built into gatectl, or a directory of the user's.</summary>
internal abstract class TemplateSource
{
    /// <summary>File extension every template carries.</summary>
    public const string Extension = ".sbn";

    /// <summary>The templates built into gatectl (the repository's <c>templates/</c>, embedded at build time).</summary>
    public static TemplateSource Embedded { get; } = new EmbeddedTemplateSource(typeof(TemplateSource).Assembly);

    /// <summary>Templates read from <paramref name="directory"/>, laid out as <c>templates/</c> is: one folder per format.</summary>
    public static TemplateSource FromDirectory(string directory) => new DirectoryTemplateSource(directory);

    /// <summary>The templates of <paramref name="format"/>, ordered by name; throws <see cref="TemplateException"/> when there are none.</summary>
    public abstract IReadOnlyList<TemplateFile> Load(RenderFormat format);

    private sealed class EmbeddedTemplateSource(Assembly assembly) : TemplateSource
    {
        public override IReadOnlyList<TemplateFile> Load(RenderFormat format)
        {
            var prefix = $"templates/{format.ToName()}/";
            var names = assembly.GetManifestResourceNames()
                .Where(n => n.StartsWith(prefix, StringComparison.Ordinal) && n.EndsWith(Extension, StringComparison.Ordinal))
                .Order(StringComparer.Ordinal)
                .ToList();
            if (names.Count == 0)
            {
                throw new TemplateException($"gatectl was built without templates for '{format.ToName()}'; pass --templates DIR to use a templates directory.");
            }

            return [.. names.Select(n => new TemplateFile(n, ReadResource(n)))];
        }

        private string ReadResource(string name)
        {
            using var stream = assembly.GetManifestResourceStream(name)
                ?? throw new TemplateException($"embedded template '{name}' is listed but cannot be read.");
            using var reader = new StreamReader(stream);
            return reader.ReadToEnd();
        }
    }

    private sealed class DirectoryTemplateSource(string directory) : TemplateSource
    {
        public override IReadOnlyList<TemplateFile> Load(RenderFormat format)
        {
            var folder = System.IO.Path.Combine(directory, format.ToName());
            if (!Directory.Exists(folder))
            {
                throw new TemplateException(
                    $"{folder}: no such directory; a templates directory holds one folder per format ({string.Join(", ", RenderFormatNames.All)}), as gatectl's templates/ does.");
            }

            var files = Directory.GetFiles(folder, "*" + Extension).Order(StringComparer.Ordinal).ToList();
            if (files.Count == 0)
            {
                throw new TemplateException($"{folder}: no *{Extension} templates in this directory.");
            }

            return [.. files.Select(f => new TemplateFile(f, File.ReadAllText(f)))];
        }
    }
}
