using Gate.NetlinkCtl.State;

namespace Gate.NetlinkCtl.Tests.State;

/// <summary>
/// Inputs the fuzzer (<see cref="StateLoaderFuzzTests"/>) found that made the loader throw instead of refusing the
/// file; each is now refused with a located error.
/// </summary>
public sealed class FuzzRegressionTests
{
    public static TheoryData<string, string, string> Crashes => new()
    {
        {
            "a flow mapping whose key is cut by a line break (InvalidOperationException in YamlDotNet's parser)",
            "\"apiVersion\": \"gatectl/v1\"\nkind: 'GatePeer'\nhost: {backend: iproute2, reconcileInter\nval: \"30s\"}\ngates: []\n",
            "3:25 YAML syntax error: the YAML cannot be read past this point; fix the YAML at this position"
        },
        {
            "an indented mapping with an empty key (ArgumentException while building the tree)",
            "  : kind192.0.2.10",
            "2:1 YAML syntax error: the YAML cannot be read past this point; fix the YAML at this position"
        },
        {
            "a document end marker before a complex key (InvalidOperationException in the scanner)",
            "...\n      ? $(reboot)<<: apiVersion\t",
            "1:1 YAML syntax error: the YAML cannot be read past this point; fix the YAML at this position"
        },
        {
            "an unknown key ending in ']' (ArgumentOutOfRangeException in StatePath.Parent)",
            "a]: 1\n",
            "1:1 a]: unknown key 'a]'; expected one of apiVersion, kind, host, gates"
        },
    };

    [Theory]
    [MemberData(nameof(Crashes))]
    public void An_input_that_once_crashed_the_loader_is_refused_with_a_located_error(string what, string yaml, string firstError)
    {
        var result = StateFile.Parse(yaml, "crash.yaml");

        Assert.False(result.IsValid, what);
        var first = result.Errors[0];
        Assert.Equal(firstError, first.Path.Length > 0 ? $"{first.Line}:{first.Column} {first.Path}: {first.Message}" : $"{first.Line}:{first.Column} {first.Message}");
    }
}
