using System.Net;
using Gate.NetlinkCtl.State;
using Gate.NetlinkCtl.Validation;

namespace Gate.NetlinkCtl.Tests.Validation;

public class StateValidatorTests
{
    private static GateSpec Gate(string name = "lab", string iface = "vxlan0", uint vni = 10, string address = "198.18.0.254/24") =>
        new(name, iface, vni, "eth0", IPAddress.Parse("192.0.2.10"), 4789, PortRange.Default,
            Parse(address), Parse(address).Network, null, true,
            new[] { IPAddress.Parse("203.0.113.4") }.ToEquatableList(), EquatableList<PeerSpec>.Empty, EquatableList<RouteSpec>.Empty, GatePresence.Present);

    private static InterfaceAddress Parse(string text) => InterfaceAddress.TryParse(text, out var value) ? value : throw new FormatException(text);

    private static DesiredState State(params GateSpec[] gates) =>
        new(StateSchema.ApiVersion, StateSchema.Kind, HostSettings.Default, gates.ToEquatableList());

    [Fact]
    public void A_state_built_in_code_is_checked_by_the_same_rules_without_positions()
    {
        var errors = StateValidator.Validate(State(Gate(vni: 0)), new StateSourceMap("built-in"));

        var error = Assert.Single(errors);
        Assert.Equal("built-in: gates[0].vni: 0 is out of range; expected an integer 1..16777215", error.ToString());
        Assert.Equal(0, error.Line);
    }

    [Fact]
    public void A_valid_state_has_no_errors() =>
        Assert.Empty(StateValidator.Validate(State(Gate(), Gate("lab2", "vxlan1", 11, "198.18.1.254/24")), new StateSourceMap("built-in")));

    [Fact]
    public void The_clash_of_two_tunnels_is_reported_on_the_second_gate_only()
    {
        var errors = StateValidator.Validate(State(Gate(), Gate("lab2", "vxlan1", 10, "198.18.1.254/24")), new StateSourceMap("built-in"));

        Assert.Equal("gates[1].vni", Assert.Single(errors).Path);
    }

    [Fact]
    public void Gate_names_that_fit_the_ownership_marks_pass_and_others_are_refused()
    {
        var longName = new string('a', 65);

        var errors = StateValidator.Validate(State(Gate(longName), Gate("ok.name_1-x", "vxlan1", 11, "198.18.1.254/24")), new StateSourceMap("built-in"));

        Assert.Equal("the name has 65 characters; expected at most 64", Assert.Single(errors).Message);
    }
}
