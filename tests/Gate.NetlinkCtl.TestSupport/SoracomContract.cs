using System.Text.Json;
using System.Text.Json.Nodes;

namespace Gate.NetlinkCtl.TestSupport;

/// <summary>
/// The SORACOM API facts gatectl relies on (<c>tests/contracts/soracom-api.json</c>, an extract of SORACOM's published
/// OpenAPI spec): finds the operation of a request and checks requests and answers against their schemas. Every
/// check returns what is wrong, or nothing.
/// </summary>
public sealed class SoracomContract
{
    private readonly JsonObject _root;

    private SoracomContract(JsonObject root) => _root = root;

    /// <summary>The contract file in the repository.</summary>
    public static SoracomContract Default { get; } = Load(SourceTree.PathOf("tests", "contracts", "soracom-api.json"));

    /// <summary>The path prefix of every operation (<c>/v1</c>).</summary>
    public string BasePath => _root["basePath"]!.GetValue<string>();

    /// <summary>The headers every authenticated request carries.</summary>
    public IReadOnlyList<string> AuthHeaders => [.. _root["authHeaders"]!.AsArray().Select(h => h!.GetValue<string>())];

    /// <summary>Reads a contract file.</summary>
    public static SoracomContract Load(string path) => new(JsonNode.Parse(File.ReadAllText(path))!.AsObject());

    /// <summary>The operation <paramref name="method"/> <paramref name="path"/> (under <see cref="BasePath"/>) is, or null; its path parameters in <paramref name="parameters"/>.</summary>
    public string? OperationOf(string method, string path, out IReadOnlyDictionary<string, string> parameters)
    {
        parameters = new Dictionary<string, string>();
        if (!path.StartsWith(BasePath + "/", StringComparison.Ordinal))
        {
            return null;
        }

        var parts = path[BasePath.Length..].Split('/');
        foreach (var (name, operation) in _root["operations"]!.AsObject())
        {
            var template = operation!["path"]!.GetValue<string>().Split('/');
            if (operation["method"]!.GetValue<string>() != method || template.Length != parts.Length)
            {
                continue;
            }

            var found = new Dictionary<string, string>();
            var matches = true;
            for (var i = 0; i < parts.Length && matches; i++)
            {
                if (template[i].StartsWith('{'))
                {
                    found[template[i].Trim('{', '}')] = Uri.UnescapeDataString(parts[i]);
                    matches = parts[i].Length > 0;
                }
                else
                {
                    matches = template[i] == parts[i];
                }
            }

            if (matches)
            {
                parameters = found;
                return name;
            }
        }

        return null;
    }

    /// <summary>Whether <paramref name="operation"/> needs the auth headers.</summary>
    public bool IsAuthenticated(string operation) => Operation(operation)["authenticated"]!.GetValue<bool>();

    /// <summary>What is wrong with a request's body for <paramref name="operation"/> (empty when it conforms).</summary>
    public IReadOnlyList<string> CheckRequest(string operation, string body)
    {
        var schema = Operation(operation)["request"]?.GetValue<string>();
        if (schema is null)
        {
            return body.Length == 0 || body == "{}" ? [] : [$"{operation} takes no body, got {body.Length} bytes"];
        }

        JsonNode? node;
        try
        {
            node = JsonNode.Parse(body);
        }
        catch (JsonException e)
        {
            return [$"{operation}: the body is not JSON: {e.Message}"];
        }

        var problems = new List<string>();
        Check(node, schema, operation, problems, strict: true);
        return problems;
    }

    /// <summary>What is wrong with an answer of <paramref name="status"/> and <paramref name="body"/> to <paramref name="operation"/> (empty when the contract allows it).</summary>
    public IReadOnlyList<string> CheckResponse(string? operation, int status, string body)
    {
        var statusText = status.ToString(System.Globalization.CultureInfo.InvariantCulture);
        string? schema;
        var any = _root["anyOperationResponses"]!;
        if (operation is not null && Operation(operation)["responses"]!.AsObject().TryGetPropertyValue(statusText, out var listed))
        {
            schema = listed?.GetValue<string>();
        }
        else if (any["statuses"]!.AsArray().Any(s => s!.GetValue<string>() == statusText) || (operation is null && status == 404))
        {
            schema = any["schema"]!.GetValue<string>();
        }
        else
        {
            return [$"{operation ?? "an unknown path"} does not answer HTTP {status} in the spec"];
        }

        if (schema is null)
        {
            return body.Length == 0 ? [] : [$"{operation} answers HTTP {status} with no body, the server sent {body.Length} bytes"];
        }

        JsonNode? node;
        try
        {
            node = JsonNode.Parse(body);
        }
        catch (JsonException e)
        {
            return [$"{operation}: HTTP {status}: the answer is not JSON: {e.Message}"];
        }

        var problems = new List<string>();
        Check(node, schema, $"{operation} HTTP {status}", problems, strict: false);
        return problems;
    }

    private JsonObject Operation(string name) => _root["operations"]![name]!.AsObject();

    // Requests are strict (gatectl sends no field the spec lacks); answers may carry more fields than the extract lists.
    private void Check(JsonNode? node, string schemaName, string where, List<string> problems, bool strict)
    {
        var schema = _root["schemas"]![schemaName]!.AsObject();
        var type = schema["type"]!.GetValue<string>();
        if (type == "array")
        {
            if (node is not JsonArray array)
            {
                problems.Add($"{where}: expected an array of {schema["items"]}, got {Kind(node)}");
                return;
            }

            for (var i = 0; i < array.Count; i++)
            {
                Check(array[i], schema["items"]!.GetValue<string>(), $"{where}[{i}]", problems, strict);
            }

            return;
        }

        if (node is not JsonObject obj)
        {
            problems.Add($"{where}: expected a {schemaName} object, got {Kind(node)}");
            return;
        }

        var properties = schema["properties"]!.AsObject();
        foreach (var required in schema["required"]!.AsArray().Select(r => r!.GetValue<string>()))
        {
            if (!obj.ContainsKey(required))
            {
                problems.Add($"{where}: {schemaName}.{required} is required");
            }
        }

        foreach (var (name, value) in obj)
        {
            if (!properties.TryGetPropertyValue(name, out var property))
            {
                if (strict)
                {
                    problems.Add($"{where}: {schemaName} has no field {name}");
                }

                continue;
            }

            var expected = property!["type"]!.GetValue<string>();
            if (!IsOfType(value, expected))
            {
                problems.Add($"{where}: {schemaName}.{name} must be a {expected}, got {Kind(value)}");
            }
            else if (property["maximum"] is { } maximum && value!.GetValue<double>() > maximum.GetValue<double>())
            {
                problems.Add($"{where}: {schemaName}.{name} is above its maximum {maximum}");
            }
        }
    }

    private static bool IsOfType(JsonNode? value, string type) => value?.GetValueKind() switch
    {
        JsonValueKind.String => type == "string",
        JsonValueKind.True or JsonValueKind.False => type == "boolean",
        JsonValueKind.Number => type == "number" || (type == "integer" && value.ToJsonString().All(c => char.IsAsciiDigit(c) || c == '-')),
        JsonValueKind.Object => type == "object",
        JsonValueKind.Array => type == "array",
        _ => false, // null is not a value of any field the spec lists: an absent field is written by leaving it out
    };

    private static string Kind(JsonNode? node) => node is null ? "null" : node.GetValueKind().ToString().ToLowerInvariant();
}
