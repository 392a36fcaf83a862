using System.Globalization;
using Gate.NetlinkCtl.Demo;
using Gate.NetlinkCtl.Reconcile;

namespace Gate.NetlinkCtl.Cli.Commands;

/// <summary>Prints the demo's report as it goes: what was built, the state file, the applied plan, each check, the end.</summary>
internal sealed class DemoReport(TextWriter output)
{
    private const string Pass = "✔";
    private const string Fail = "✘";

    public void Title() =>
        output.WriteLine("gatectl demo: a SORACOM Gate emulated in network namespaces (test addresses only)");

    public void Built(VpgEmulator emulator)
    {
        var endpoints = string.Join(", ", emulator.Endpoints.Select(e =>
            $"{e.Label} {e.Outer.Address} ({(e == emulator.ActiveEndpoint ? "active" : "standby")})"));
        output.WriteLine();
        output.WriteLine($"Built (namespaces {emulator.Prefix}*):");
        Row("vpg", $"the VPG: bridge \"{VpgEmulator.DeviceBridge}\", VNI {emulator.Options.Vni}, device subnet {EmulatorAddresses.DeviceSubnet}");
        Row("", $"tunnel endpoints {endpoints}");
        foreach (var sim in emulator.Sims)
        {
            Row(sim.Name, $"an IoT SIM, {sim.Inner} (MTU {VpgEmulator.OverlayMtu})");
        }

        Row("wan", $"the underlay router between the cloud ({EmulatorAddresses.PeerGateway}) and the VPG");
        Row("peer", $"the Gate Peer host: {emulator.Peer.Underlay} {emulator.Peer.Outer}, nothing else until gatectl applies");
        if (emulator.Options.VpcHost)
        {
            Row("vpc", $"a VPC host (not a Gate Peer), {EmulatorAddresses.VpcHost}; the router sends {EmulatorAddresses.DeviceSubnet} to the peer");
        }

        if (emulator.Options.Internet)
        {
            Row("net", $"the internet beyond the peer's {VpgEmulator.PeerEgressDevice} ({EmulatorAddresses.PeerEgress}): a server {EmulatorAddresses.InternetServer}; sim1's traffic is redirected to the peer");
        }
    }

    public void StateFile(string path, string yaml)
    {
        output.WriteLine();
        output.WriteLine($"The peer's state file, {path}:");
        foreach (var line in yaml.TrimEnd().Split('\n'))
        {
            output.WriteLine("  | " + line.TrimEnd('\r'));
        }
    }

    public void Applied(VpgEmulator emulator, ApplyResult result)
    {
        output.WriteLine();
        var steps = result.Executed.Count;
        output.WriteLine($"gatectl apply in {emulator.Peer.Namespace} ({result.Backend} backend): {steps} step{(steps == 1 ? "" : "s")}" +
            (result.Succeeded ? ", verified" : ""));
        for (var i = 0; i < steps; i++)
        {
            output.WriteLine($"  {i + 1,2}. {result.Executed[i].Describe()}");
        }

        if (result.Failure is { } failure)
        {
            output.WriteLine($"  {Fail} apply failed ({failure.Stage}): {failure.Message}");
        }
    }

    public void ChecksHeading()
    {
        output.WriteLine();
        output.WriteLine("Checks:");
    }

    public void Check(DemoCheck check)
    {
        var latency = check.Latency is { } l ? l.TotalMilliseconds.ToString("F2", CultureInfo.InvariantCulture) + " ms" : "";
        output.WriteLine($"  {(check.Passed ? Pass : Fail)} {check.Direction,-15} {check.Path,-28} {check.What,-24} {latency,9}".TrimEnd());
    }

    public void Summary(IReadOnlyList<DemoCheck> checks)
    {
        var passed = checks.Count(c => c.Passed);
        output.WriteLine();
        output.WriteLine(passed == checks.Count
            ? $"{passed}/{checks.Count} checks passed: cloud-to-device and device-to-cloud traffic cross the gate."
            : $"{passed}/{checks.Count} checks passed; {checks.Count - passed} failed (marked {Fail}).");
    }

    /// <summary>The output of <c>gatectl check</c> on the demo's peer, as the command prints it.</summary>
    public void HealthCheck(string statePath, string peerNamespace, Check.CheckReport report)
    {
        output.WriteLine();
        output.WriteLine($"gatectl check {statePath} --netns {peerNamespace}   (the command to run when traffic does not flow):");
        CheckCommand.Print(report, OutputFormat.Text, output);
    }

    public void Problem(string message) => output.WriteLine($"{Fail} gatectl demo: {message}");

    public void TornDown() =>
        output.WriteLine("Removed the demo's namespaces (gatectl demo --keep leaves them to explore).");

    public void Kept(VpgEmulator emulator, string statePath)
    {
        var peer = emulator.Peer.Namespace;
        output.WriteLine();
        output.WriteLine($"Kept: {string.Join(" ", emulator.Namespaces)}");
        output.WriteLine($"  state file: {statePath}");

        output.WriteLine("Explore:");
        output.WriteLine($"  sudo ip netns exec {peer} ping -c 3 {emulator.Sims[0].Inner.Address}");
        output.WriteLine($"  sudo ip -n {peer} -d link show {emulator.PeerGate().Interface}");
        output.WriteLine($"  sudo bridge -n {peer} fdb show dev {emulator.PeerGate().Interface}");
        output.WriteLine($"  sudo ip netns exec {emulator.Sims[0].Namespace} ping -c 3 {emulator.Peer.Inner.Address}");
        output.WriteLine($"  sudo ip netns exec {peer} tcpdump -ni {emulator.Peer.Underlay} udp port 4789");
        output.WriteLine($"  sudo ./out/gatectl check {statePath} --netns {peer}");
        output.WriteLine("Remove it: sudo ./out/gatectl demo down");
    }

    private void Row(string name, string text) => output.WriteLine($"  {name,-5} {text}");
}
