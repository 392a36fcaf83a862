using Gate.NetlinkCtl.State;
using Scriban;
using Scriban.Parsing;
using Scriban.Runtime;
using Scriban.Syntax;

namespace Gate.NetlinkCtl.Rendering;

/// <summary>
/// Renders a desired state through the templates of one format. Every byte of output comes from a
/// template; this class only decides which template runs for what and where its result goes.
/// </summary>
/// <remarks>
/// A template starts with front matter between <c>+++</c> lines that sets <c>each</c> (<c>"host"</c>: rendered
/// once; <c>"gate"</c>: once per present gate, with <c>gate</c> set) and <c>output</c> (the file name, itself
/// a template, e.g. <c>"50-gatectl-{{ gate.interface }}.netdev"</c>). Output that is only whitespace
/// produces no file.
/// </remarks>
internal sealed class StateRenderer(TemplateSource templates)
{
    private static readonly LexerOptions WithFrontMatter = new()
    {
        Mode = ScriptMode.FrontMatterAndContent,
        FrontMatterMarker = "+++",
    };

    /// <summary>A renderer over gatectl's built-in templates.</summary>
    public static StateRenderer Default { get; } = new(TemplateSource.Embedded);

    /// <summary>Renders <paramref name="state"/> as <paramref name="format"/>; throws <see cref="TemplateException"/> on a template error.</summary>
    /// <param name="state">The desired state.</param>
    /// <param name="format">What to render.</param>
    /// <param name="source">How header comments name the state (usually the state file's name).</param>
    public IReadOnlyList<RenderedFile> Render(DesiredState state, RenderFormat format, string source)
    {
        var model = TemplateModel.ForState(state, source);
        var presentGates = state.Gates.Where(g => g.State == GatePresence.Present).Select(TemplateModel.ForGate).ToList();
        var files = new List<RenderedFile>();
        foreach (var file in templates.Load(format))
        {
            var template = ParseWithFrontMatter(file);
            var (each, output) = ReadFrontMatter(template, file.Path);
            var outputTemplate = Parse(output, file.Path + " (front matter 'output')", new LexerOptions());
            List<ScriptObject?> units = each == "gate" ? [.. presentGates] : [null];
            foreach (var gate in units)
            {
                var context = NewContext(model, gate);
                var content = RenderOrThrow(template, context, file.Path);
                if (string.IsNullOrWhiteSpace(content))
                {
                    continue;
                }

                var path = CheckedPath(RenderOrThrow(outputTemplate, context, file.Path).Trim(), file.Path);
                if (files.Any(f => f.RelativePath == path))
                {
                    throw new TemplateException($"{file.Path}: output '{path}' is produced twice; make 'output' depend on the gate (e.g. {{{{ gate.interface }}}}).");
                }

                files.Add(new RenderedFile(path, content));
            }
        }

        return files;
    }

    private static Template Parse(string text, string path, LexerOptions lexer)
    {
        var template = Template.Parse(text, path, lexerOptions: lexer);
        if (template.HasErrors)
        {
            throw new TemplateException($"{path}: the template does not parse:{Environment.NewLine}{string.Join(Environment.NewLine, template.Messages)}");
        }

        return template;
    }

    private static Template ParseWithFrontMatter(TemplateFile file)
    {
        var template = file.Text.TrimStart().StartsWith(WithFrontMatter.FrontMatterMarker, StringComparison.Ordinal)
            ? Parse(file.Text, file.Path, WithFrontMatter)
            : null;
        return template?.Page?.FrontMatter is null
            ? throw new TemplateException($"{file.Path}: missing front matter; start the template with +++ lines that set 'each' (\"host\" or \"gate\") and 'output' (the file name).")
            : template;
    }

    private static (string Each, string Output) ReadFrontMatter(Template template, string path)
    {
        var frontMatter = template.Page!.FrontMatter!;
        var settings = new ScriptObject();
        var context = new TemplateContext { StrictVariables = true };
        context.PushGlobal(settings);
        try
        {
            context.Evaluate(frontMatter);
        }
        catch (ScriptRuntimeException e)
        {
            throw new TemplateException($"{path}: front matter fails: {e.Message}", e);
        }

        var each = settings["each"] as string;
        if (each is not ("host" or "gate"))
        {
            throw new TemplateException($"{path}: front matter must set each = \"host\" or each = \"gate\" (found '{each}').");
        }

        if (settings["output"] is not string output || string.IsNullOrWhiteSpace(output))
        {
            throw new TemplateException($"{path}: front matter must set output = \"<file name>\" (it may use {{{{ gate.interface }}}} and the other variables).");
        }

        return (each, output);
    }

    private static TemplateContext NewContext(ScriptObject model, ScriptObject? gate)
    {
        // Strict: a misspelt variable or member is an error, not an empty string in a config file.
        var context = new TemplateContext
        {
            StrictVariables = true,
            EnableRelaxedMemberAccess = false,
            LoopLimit = 0,
            NewLine = "\n",
        };
        context.PushGlobal(model);
        var locals = new ScriptObject();
        if (gate is not null)
        {
            locals.SetValue("gate", gate, readOnly: true);
        }

        context.PushGlobal(locals);
        return context;
    }

    private static string RenderOrThrow(Template template, TemplateContext context, string path)
    {
        try
        {
            return template.Render(context);
        }
        catch (ScriptRuntimeException e)
        {
            throw new TemplateException($"{path}: rendering fails: {e.Message}", e);
        }
    }

    private static string CheckedPath(string path, string templatePath)
    {
        var segments = path.Split('/');
        if (path.Length == 0 || path.StartsWith('/') || segments.Any(s => s is "" or "." or ".."))
        {
            throw new TemplateException($"{templatePath}: output '{path}' must be a relative path without '.' or '..' segments.");
        }

        return path;
    }
}
