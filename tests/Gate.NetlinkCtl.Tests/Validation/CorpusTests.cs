using Gate.NetlinkCtl.State;

namespace Gate.NetlinkCtl.Tests.Validation;

/// <summary>
/// The corpus under Validation/Corpus: each invalid or hostile file declares, in its header, every error it must
/// produce (<c># expect: line:column path: message</c>); each valid file must produce none. The hostile files are
/// attacks and accidents (shell metacharacters, non-ASCII and over-long names, huge numbers, wrong address families,
/// YAML tags, alias bombs, conflicting gates); <see cref="HostileInputTests"/> adds what is too big for a file.
/// </summary>
public class CorpusTests
{
    private static readonly string CorpusDirectory = Path.Combine(AppContext.BaseDirectory, "Validation", "Corpus");

    public static TheoryData<string> InvalidFiles => Files("invalid");

    public static TheoryData<string> ValidFiles => Files("valid");

    public static TheoryData<string> HostileFiles => Files("hostile");

    private static readonly string[] RefusedKinds = ["invalid", "hostile"];

    [Theory]
    [MemberData(nameof(InvalidFiles))]
    public void An_invalid_file_reports_exactly_the_errors_its_header_expects(string name) =>
        AssertExactErrors(Path.Combine(CorpusDirectory, "invalid", name));

    [Theory]
    [MemberData(nameof(HostileFiles))]
    public void A_hostile_file_is_refused_with_exactly_the_errors_its_header_expects(string name) =>
        AssertExactErrors(Path.Combine(CorpusDirectory, "hostile", name));

    private static void AssertExactErrors(string path)
    {
        var expected = File.ReadLines(path)
            .Where(line => line.StartsWith("# expect: ", StringComparison.Ordinal))
            .Select(line => line["# expect: ".Length..])
            .ToList();

        var result = StateFile.Read(path);

        Assert.NotEmpty(expected);
        Assert.Null(result.State);
        Assert.All(result.Errors, e => Assert.Equal(path, e.File));
        Assert.Equal(expected, result.Errors.Select(Describe).ToList());
    }

    [Theory]
    [MemberData(nameof(ValidFiles))]
    public void A_valid_file_loads_with_no_error(string name)
    {
        var result = StateFile.Read(Path.Combine(CorpusDirectory, "valid", name));

        Assert.Empty(result.Errors);
        Assert.NotNull(result.State);
        Assert.True(result.IsValid);
    }

    [Fact]
    public void The_invalid_corpus_covers_at_least_35_files() =>
        Assert.True(InvalidFiles.Count >= 35, $"only {InvalidFiles.Count} invalid files");

    [Fact]
    public void Invalid_and_hostile_files_together_are_at_least_100() =>
        Assert.True(InvalidFiles.Count + HostileFiles.Count >= 100, $"only {InvalidFiles.Count} invalid and {HostileFiles.Count} hostile files");

    /// <summary>Every file of the invalid and hostile corpus, by path.</summary>
    public static IEnumerable<string> RefusedPaths() =>
        RefusedKinds.SelectMany(kind => Directory.GetFiles(Path.Combine(CorpusDirectory, kind), "*.yaml")).Order(StringComparer.Ordinal);

    private static string Describe(StateError error) =>
        error.Path.Length > 0
            ? $"{error.Line}:{error.Column} {error.Path}: {error.Message}"
            : $"{error.Line}:{error.Column} {error.Message}";

    private static TheoryData<string> Files(string kind) =>
        [.. Directory.GetFiles(Path.Combine(CorpusDirectory, kind), "*.yaml").Select(f => Path.GetFileName(f)).Order(StringComparer.Ordinal)];
}
