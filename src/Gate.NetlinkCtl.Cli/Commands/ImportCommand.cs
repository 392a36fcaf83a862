using System.CommandLine;
using Gate.NetlinkCtl.Migration;
using Gate.NetlinkCtl.State;

namespace Gate.NetlinkCtl.Cli.Commands;

/// <summary>
/// <c>gatectl import</c>: prints a state file for a Gate that exists now (a VXLAN device on the host, or the vendor
/// script's arguments), with <c>adopt: true</c>, so applying it takes the gate over changing nothing but ownership marks.
/// </summary>
internal static class ImportCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Build()
    {
        var interfaces = new Option<string[]>("--interface")
        {
            Description = "A VXLAN device on the host to import (repeat for several gates); observed, never changed.",
            AllowMultipleArgumentsPerToken = false,
        };
        var script = new Option<string[]>("--script")
        {
            Description = "The vendor setup script's own arguments instead: " + VendorScriptArguments.Usage + " (VXLAN_ID only in the newer script).",
            AllowMultipleArgumentsPerToken = true,
            Arity = ArgumentArity.OneOrMore,
        };
        var name = new Option<string?>("--name")
        {
            Description = "The gate's name in the state file (default: its interface name); with one gate only.",
        };
        var command = new Command("import", "Print a state file (adopt: true) for an existing VXLAN gate or the vendor script's arguments; changes nothing.")
        {
            interfaces,
            script,
            name,
        };
        command.WithReconcileOptions().SetAction((parse, cancellationToken) =>
        {
            var stdout = parse.InvocationConfiguration.Output;
            var stderr = parse.InvocationConfiguration.Error;
            var fromHost = parse.GetValue(interfaces) ?? [];
            var fromScript = parse.GetValue(script) ?? [];
            var gateName = parse.GetValue(name);
            if ((fromHost.Length == 0) == (fromScript.Length == 0))
            {
                stderr.WriteLine("gatectl import: give either --interface NAME (a device on this host) or --script " + VendorScriptArguments.Usage);
                return Task.FromResult(ExitCodes.Usage);
            }

            if (gateName is not null && fromHost.Length > 1)
            {
                stderr.WriteLine("gatectl import: --name names one gate; with several --interface each gate is named after its interface");
                return Task.FromResult(ExitCodes.Usage);
            }

            if (fromScript.Length > 0)
            {
                var (arguments, errors) = VendorScriptArguments.Parse(fromScript);
                if (arguments is null)
                {
                    foreach (var error in errors)
                    {
                        stderr.WriteLine($"gatectl import: {error}");
                    }

                    return Task.FromResult(ExitCodes.Usage);
                }

                return Task.FromResult(Print([GateImport.FromScript(arguments, gateName)], stdout, stderr));
            }

            var context = ReconcileOptions.Context(parse);
            return ReconcileRunner.GuardAsync(stderr, async () =>
            {
                var host = await ReconcileRunner.CreateReconciler().ObserveDevicesAsync(fromHost, context, cancellationToken).ConfigureAwait(false);
                var gates = new List<GateSpec>();
                foreach (var interfaceName in fromHost.Distinct())
                {
                    var (gate, problem) = host.Find(interfaceName) is { } observed
                        ? GateImport.FromObserved(observed, host, gateName)
                        : (null, $"there is no device {interfaceName}{(context.Netns is null ? "" : $" in network namespace {context.Netns}")}");
                    if (gate is null)
                    {
                        stderr.WriteLine($"gatectl import: {problem}");
                        return ExitCodes.Error;
                    }

                    gates.Add(gate);
                }

                return Print(gates, stdout, stderr);
            });
        });
        return command;
    }

    // The output is checked as gatectl will read it: only a state that validates is printed.
    private static int Print(IReadOnlyList<GateSpec> gates, TextWriter stdout, TextWriter stderr)
    {
        var yaml = StateWriter.Write(GateImport.ToState(gates));
        var check = StateFile.Parse(yaml, "imported state");
        if (!check.IsValid)
        {
            foreach (var error in check.Errors)
            {
                stderr.WriteLine(error);
            }

            stderr.WriteLine("gatectl import: the gate as found would not be a valid state (above); fix it on the host or in the arguments, then import again");
            return ExitCodes.InvalidState;
        }

        stdout.Write(yaml);
        return ExitCodes.Ok;
    }
}
