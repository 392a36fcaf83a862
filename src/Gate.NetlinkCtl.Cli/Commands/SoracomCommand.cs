using System.CommandLine;
using System.Text.Json;
using Gate.NetlinkCtl.Cli.Output;
using Gate.NetlinkCtl.SoracomApi;
using Gate.NetlinkCtl.State;

namespace Gate.NetlinkCtl.Cli.Commands;

/// <summary>
/// <c>gatectl soracom register|unregister FILE</c>: registers this host's outer and inner IPs as a Gate Peer of each
/// gate's VPG (or removes it), idempotently: the VPG's list is read first, and only what is missing (or present) is sent.
/// </summary>
internal static class SoracomCommand
{
    /// <summary>Builds <c>gatectl soracom</c> and its two verbs.</summary>
    public static Command Build()
    {
        var command = new Command("soracom", "Talk to the SORACOM API for the gates with a soracom source: register or unregister this host as a Gate Peer.");
        command.Subcommands.Add(Verb("register", "Register each gate's local (outer) and address (inner) IP as a Gate Peer of its VPG; already registered is success.", register: true));
        command.Subcommands.Add(Verb("unregister", "Remove each gate's local (outer) IP from its VPG's Gate peers; not registered is success.", register: false));
        return command;
    }

    private static Command Verb(string name, string description, bool register)
    {
        var file = ReconcileOptions.StateFileArgument();
        var output = CommonOptions.Output();
        var gate = new Option<string?>("--gate") { Description = "Only this gate (by name); default: every gate with a soracom source." };
        var command = new Command(name, description) { file, gate, output };
        command.SetAction((parse, cancellationToken) =>
        {
            var stdout = parse.InvocationConfiguration.Output;
            var stderr = parse.InvocationConfiguration.Error;
            return ReconcileRunner.WithStateAsync(parse.GetValue(file)!, stderr, state =>
                RunAsync(state, register, parse.GetValue(gate), parse.GetValue(output), stdout, stderr, cancellationToken));
        });
        return command;
    }

    /// <summary>Registers or unregisters every chosen gate; 0 when each is as asked, 1 when one failed or none has a source.</summary>
    public static async Task<int> RunAsync(
        DesiredState state, bool register, string? only, OutputFormat format, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        var gates = state.Gates.Where(g => g.Soracom is not null && (only is null || g.Name == only)).ToList();
        if (gates.Count == 0)
        {
            stderr.WriteLine(only is null
                ? "gatectl: no gate in the state file has a soracom source; add soracom: {vpgId, coverage, credentials} to a gate"
                : $"gatectl: no gate named '{only}' with a soracom source in the state file");
            return ExitCodes.Error;
        }

        // One-shot: the session is kept in the state directory (mode 0600) for the next command.
        var source = new SoracomGatePeerSource(SessionStore.File);
        var results = new List<PeerRegistration>();
        foreach (var gate in gates)
        {
            results.Add(await RunGateAsync(source, state.Host.StateDirectory, gate, register, cancellationToken).ConfigureAwait(false));
        }

        if (format == OutputFormat.Json)
        {
            stdout.WriteLine(JsonSerializer.Serialize(new RegistrationReport(register ? "register" : "unregister", results), SoracomCliJsonContext.Default.RegistrationReport));
        }
        else
        {
            foreach (var result in results)
            {
                var line = $"{result.Gate}: {result.Outer}{(result.Inner is null ? "" : $" (inner {result.Inner})")} {ResultText(result.Result)} in {result.VpgId}";
                if (result.Error is null)
                {
                    stdout.WriteLine(line);
                }
                else
                {
                    stderr.WriteLine($"gatectl: {result.Gate}: {result.Error}");
                }
            }
        }

        return results.All(r => r.Error is null) ? ExitCodes.Ok : ExitCodes.Error;
    }

    private static async Task<PeerRegistration> RunGateAsync(
        SoracomGatePeerSource source, string stateDirectory, GateSpec gate, bool register, CancellationToken cancellationToken)
    {
        var soracom = gate.Soracom!;
        var inner = gate.Address.Address;
        PeerRegistration Result(string result, string? error = null) =>
            new(gate.Name, soracom.VpgId, gate.Local.ToString(), register ? inner.ToString() : null, result, error);
        try
        {
            var answer = await source.ReadAsync(soracom, stateDirectory, cancellationToken).ConfigureAwait(false);
            var mine = answer.Peers.Peers.FirstOrDefault(p => p.Outer.Equals(gate.Local));
            if (mine is { OwnedByCustomer: false })
            {
                return Result("failed", $"{gate.Local} is one of the VPG's own endpoints in {soracom.VpgId}, not a customer peer; check the gate's local address");
            }

            if (!register)
            {
                return mine is null ? Result("not-registered")
                    : await source.UnregisterAsync(soracom, stateDirectory, gate.Local, cancellationToken).ConfigureAwait(false) ? Result("unregistered")
                    : Result("not-registered");
            }

            if (mine is not null)
            {
                return mine.Inner is null || mine.Inner.Equals(inner) ? Result("already-registered")
                    : Result("failed", $"{gate.Local} is registered in {soracom.VpgId} with inner IP {mine.Inner}, the state file says {inner}: "
                        + "run 'gatectl soracom unregister' then 'register' to change it");
            }

            if (VpgChecks.Problems(gate, answer.Vpg).FirstOrDefault() is { } misfit)
            {
                return Result("failed", $"not registered: {misfit}");
            }

            await source.RegisterAsync(soracom, stateDirectory, gate.Local, inner, cancellationToken).ConfigureAwait(false);
            return Result("registered");
        }
        catch (SoracomApiException e)
        {
            return Result("failed", e.Message);
        }
    }

    private static string ResultText(string result) => result switch
    {
        "already-registered" => "already registered",
        "not-registered" => "was not registered",
        _ => result,
    };
}

/// <summary><c>gatectl soracom register|unregister --output json</c>.</summary>
/// <param name="Action"><c>register</c> or <c>unregister</c>.</param>
/// <param name="Gates">One entry per gate.</param>
internal sealed record RegistrationReport(string Action, IReadOnlyList<PeerRegistration> Gates);

/// <summary>What happened to one gate's registration.</summary>
/// <param name="Gate">The gate.</param>
/// <param name="VpgId">Its VPG.</param>
/// <param name="Outer">This host's outer IP (the gate's local).</param>
/// <param name="Inner">This host's inner IP (register only).</param>
/// <param name="Result"><c>registered</c>, <c>already-registered</c>, <c>unregistered</c>, <c>not-registered</c> or <c>failed</c>.</param>
/// <param name="Error">Why it failed, or null.</param>
internal sealed record PeerRegistration(string Gate, string VpgId, string Outer, string? Inner, string Result, string? Error);

/// <summary>Source-generated JSON for <c>gatectl soracom</c>.</summary>
[System.Text.Json.Serialization.JsonSourceGenerationOptions(
    PropertyNamingPolicy = System.Text.Json.Serialization.JsonKnownNamingPolicy.CamelCase, WriteIndented = true)]
[System.Text.Json.Serialization.JsonSerializable(typeof(RegistrationReport))]
internal sealed partial class SoracomCliJsonContext : System.Text.Json.Serialization.JsonSerializerContext;
