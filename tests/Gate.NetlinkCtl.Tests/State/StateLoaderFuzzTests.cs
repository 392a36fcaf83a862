using System.Text;
using CsCheck;
using Gate.NetlinkCtl.State;
using Gate.NetlinkCtl.TestSupport;

namespace Gate.NetlinkCtl.Tests.State;

/// <summary>
/// The state loader and validator under a property-based fuzzer: random YAML-shaped text and mutations of the valid
/// corpus never make <see cref="StateFile.Parse"/> throw, and whatever it refuses it refuses with located, one-line,
/// printable errors. Each property runs a few thousand inputs here; <c>bench/fuzz.sh</c> runs millions.
/// </summary>
public sealed class StateLoaderFuzzTests
{
    private static readonly string CorpusDirectory = Path.Combine(AppContext.BaseDirectory, "Validation", "Corpus");

    // Pieces a state file (and an attack on one) is made of: keys, values, YAML punctuation, odd characters.
    private static readonly string[] Tokens =
    [
        "apiVersion", "kind", "host", "gates", "name", "interface", "vni", "underlay", "local", "port", "sourcePorts",
        "address", "deviceSubnet", "mtu", "learning", "endpoints", "peers", "routes", "state", "outer", "inner", "to", "via",
        "backend", "reconcileInterval", "metricsPath", "guard", "gatectl/v1", "GatePeer", "present", "absent", "auto",
        "192.0.2.10", "203.0.113.4", "198.18.0.254/15", "198.18.0.0/15", "4789-4789", "10", "0", "-1", "16777216",
        "99999999999999999999", "1e3", "0x10", ".inf", "true", "yes", "null", "~", "30s", "eth0", "vxlan0", "2001:db8::1",
        ": ", ":", "- ", "-", "[", "]", "{", "}", ",", "&a ", "*a", "!tag ", "!!str ", "<<: ", "? ", "| ", "> ", "#", "'", "\"",
        "\\", "%YAML 1.2", "---", "...", "\n", "\n  ", "\n    ", "\n      ", "\t", " ", "  ", "\r\n", "\0", "\u0085", "\uFEFF",
        "é", "🔥", "\uD800", "eth0; rm -rf /", "$(reboot)",
    ];

    private static readonly string[] ValidFiles =
        [.. Directory.GetFiles(Path.Combine(CorpusDirectory, "valid"), "*.yaml").Select(File.ReadAllText)];

    [Fact]
    public void Random_yaml_shaped_text_is_loaded_or_refused_with_located_errors_and_never_throws()
    {
        Gen.OneOf<string>(Tokens).Array[0, 80].Select(string.Concat)
            .Sample(AssertLoadsOrRefusesCleanly, iter: FuzzBudget.Iterations(4_000), threads: FuzzBudget.Threads);
    }

    [Fact]
    public void Random_characters_are_loaded_or_refused_with_located_errors_and_never_throw()
    {
        Gen.Char.Array[0, 300].Select(chars => new string(chars))
            .Sample(AssertLoadsOrRefusesCleanly, iter: FuzzBudget.Iterations(2_000), threads: FuzzBudget.Threads);
    }

    [Fact]
    public void Mutated_valid_files_are_loaded_or_refused_with_located_errors_and_never_throw()
    {
        var edit = Gen.Select(Gen.Int[0, 3], Gen.Int[0, 10_000], Gen.Int[0, 8], Gen.OneOf<string>(Tokens));
        Gen.Select(Gen.Int[0, ValidFiles.Length - 1], edit.Array[1, 6], (file, edits) => Mutate(ValidFiles[file], edits))
            .Sample(AssertLoadsOrRefusesCleanly, iter: FuzzBudget.Iterations(4_000), threads: FuzzBudget.Threads);
    }

    /// <summary>Applies insertions, deletions, replacements and line duplications at positions within the text.</summary>
    private static string Mutate(string text, (int Kind, int Position, int Length, string Token)[] edits)
    {
        var builder = new StringBuilder(text);
        foreach (var (kind, position, length, token) in edits)
        {
            var at = builder.Length == 0 ? 0 : position % builder.Length;
            var span = Math.Min(length, builder.Length - at);
            switch (kind)
            {
                case 0:
                    builder.Insert(at, token);
                    break;
                case 1:
                    builder.Remove(at, span);
                    break;
                case 2:
                    builder.Remove(at, span).Insert(at, token);
                    break;
                default:
                    var lineStart = builder.ToString().LastIndexOf('\n', Math.Max(at - 1, 0)) + 1;
                    var lineEnd = builder.ToString().IndexOf('\n', at);
                    var line = builder.ToString(lineStart, (lineEnd < 0 ? builder.Length : lineEnd + 1) - lineStart);
                    builder.Insert(lineStart, line.EndsWith('\n') ? line : line + "\n");
                    break;
            }
        }

        return builder.ToString();
    }

    private static void AssertLoadsOrRefusesCleanly(string yaml)
    {
        StateLoadResult result;
        try
        {
            result = StateFile.Parse(yaml, "fuzz.yaml");
        }
        catch (Exception e)
        {
            throw new Xunit.Sdk.XunitException($"the loader threw {e.GetType().Name} ({e.Message}) for input {System.Text.Json.JsonSerializer.Serialize(yaml)}\n{e.StackTrace}");
        }

        if (result.IsValid)
        {
            Assert.Empty(result.Errors);
            return;
        }

        Assert.Null(result.State);
        Assert.NotEmpty(result.Errors);
        foreach (var error in result.Errors)
        {
            Assert.Equal("fuzz.yaml", error.File);
            Assert.True(error.Line > 0 || result.Errors.Count == 1, $"unlocated error {error} for input {Escape(yaml)}");
            Assert.True(error.Message.Length > 0 && error.Message.Length <= 400, $"message of {error.Message.Length} characters for input {Escape(yaml)}");
            Assert.False(error.Message.Any(char.IsControl), $"control character in '{Escape(error.Message)}' for input {Escape(yaml)}");
        }
    }

    private static string Escape(string text) => StateText.Quote(text.Length > 2_000 ? text[..2_000] : text);
}
